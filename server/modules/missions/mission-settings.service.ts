/** The mission's own settings that coordinators change: when their page raises alerts. */
import type { Db } from '../../../db/client';
import type { AlertSettings } from '../../../shared/schemas/auth';
import { saveAlertSettings } from './missions.repository';

/** Told once new settings are stored (the broadcaster: news to the mission's coordinators). */
export interface MissionSettingsNotifier {
  alertSettingsChanged(missionId: string, settings: AlertSettings): void;
}

export function createMissionSettingsService(db: Db, notifier: MissionSettingsNotifier) {
  async function setAlertSettings(missionId: string, settings: AlertSettings): Promise<AlertSettings> {
    if (!(await saveAlertSettings(db, missionId, settings))) throw new Error(`mission ${missionId} vanished`);
    notifier.alertSettingsChanged(missionId, settings);
    return settings;
  }
  return { setAlertSettings };
}

export type MissionSettingsService = ReturnType<typeof createMissionSettingsService>;
