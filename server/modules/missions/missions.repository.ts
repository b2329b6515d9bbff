/** SQL for what the missions area keeps in the mission's row (the row itself is mission-record's). */
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { missions } from '../../../db/schema/index';
import type { AlertSettings } from '../../../shared/schemas/auth';
import type { EmergencyContact } from '../../../shared/schemas/route-sheets';

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

/** Saves the mission's emergency contacts (the whole list); false when there is no such mission. */
export async function saveEmergencyContacts(
  db: Reader,
  missionId: string,
  contacts: EmergencyContact[],
): Promise<boolean> {
  const rows = await db
    .update(missions)
    .set({ emergencyContacts: contacts })
    .where(eq(missions.id, missionId))
    .returning({ id: missions.id });
  return rows.length > 0;
}

export async function readEmergencyContacts(db: Reader, missionId: string): Promise<EmergencyContact[] | undefined> {
  const [row] = await db
    .select({ contacts: missions.emergencyContacts })
    .from(missions)
    .where(eq(missions.id, missionId));
  return row?.contacts;
}
