/** SQL for what the missions area keeps in the mission's row (the row itself is mission-record's). */
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { missions } from '../../../db/schema/index';
import type { AlertSettings } from '../../../shared/schemas/auth';

type Reader = Db | Tx;

/** Saves the mission's alert settings; false when there is no such mission. */
export async function saveAlertSettings(db: Reader, missionId: string, settings: AlertSettings): Promise<boolean> {
  const rows = await db
    .update(missions)
    .set({
      silentTeamAlertMinutes: settings.silentTeamMinutes,
      pollingStartsAt: settings.pollingStartsAt,
      pollingEndsAt: settings.pollingEndsAt,
      criticalAckMinutes: settings.criticalAckMinutes,
    })
    .where(eq(missions.id, missionId))
    .returning({ id: missions.id });
  return rows.length > 0;
}
