/**
 * The mission's own row: finding it, listing missions, creating one, and its wire summary. Every area needs to know
 * which mission a token opens and how it is set (time zone, observation day, drill), so this sits on the ground beside
 * the log; what each area keeps in the row beyond that (display policy, alert settings) stays that area's.
 */
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { missions } from '../../../db/schema/index';
import type { MissionSummary } from '../../../shared/schemas/auth';
import { observationDayOf } from '../../../shared/observation-day';
import { genesisHash } from '../log/hash-chain';

type Reader = Db | Tx;
export type MissionRow = typeof missions.$inferSelect;
export type NewMission = Omit<typeof missions.$inferInsert, 'id' | 'lastSeq' | 'lastHash' | 'createdAt'> & {
  id?: string;
};

export function toMissionSummary(row: MissionRow, now: Date = new Date()): MissionSummary {
  return {
    id: row.id,
    name: row.name,
    electionDate: row.electionDate,
    timeZone: row.timeZone,
    center: { lat: row.centerLat, lng: row.centerLng },
    bounds: row.bounds,
    outline: (row.outline as MissionSummary['outline']) ?? null,
    languages: row.languages,
    isDemo: row.isDemo,
    drill: row.drill,
    observationDay: observationDayOf(row, now),
    drillClock: row.drill ? (row.drillClock ?? null) : null,
    alerts: {
      silentTeamMinutes: row.silentTeamAlertMinutes,
      pollingStartsAt: row.pollingStartsAt,
      pollingEndsAt: row.pollingEndsAt,
      criticalAckMinutes: row.criticalAckMinutes,
    },
  };
}

export async function findMission(db: Reader, missionId: string): Promise<MissionRow | undefined> {
  const [row] = await db.select().from(missions).where(eq(missions.id, missionId));
  return row;
}

export async function listMissions(db: Reader): Promise<MissionRow[]> {
  return db.select().from(missions).orderBy(asc(missions.createdAt));
}

/** A new mission's log starts at sequence 0 with the genesis hash. */
export async function insertMission(tx: Tx, mission: NewMission): Promise<string> {
  const id = mission.id ?? randomUUID();
  await tx.insert(missions).values({ ...mission, id, lastSeq: 0, lastHash: genesisHash(id) });
  return id;
}
