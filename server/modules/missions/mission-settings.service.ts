/** The mission's own settings that coordinators change: when their page raises alerts. */
import type { Db } from '../../../db/client';
import type { AlertSettings } from '../../../shared/schemas/auth';
import { saveAlertSettings } from './missions.repository';

export function createMissionSettingsService(db: Db) {
  async function setAlertSettings(missionId: string, settings: AlertSettings): Promise<AlertSettings> {
    if (!(await saveAlertSettings(db, missionId, settings))) throw new Error(`mission ${missionId} vanished`);
    return settings;
  }
  return { setAlertSettings };
}

export type MissionSettingsService = ReturnType<typeof createMissionSettingsService>;
