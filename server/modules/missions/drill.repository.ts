/** SQL for drill mode: the mission's flag and wiping its record back to genesis. Callers hold the transaction. */
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import {
  conflicts,
  events,
  findings,
  missions,
  photos,
  replaySnapshots,
  wallReplays,
  resultsProtocols,
  stationStatus,
  teamInbox,
  teamStatus,
  turnoutReports,
  visits,
} from '../../../db/schema/index';
import { genesisHash } from '../log/hash-chain';

export async function lockMission(tx: Tx, missionId: string) {
  const [row] = await tx
    .select({ name: missions.name, drill: missions.drill, lastSeq: missions.lastSeq, lastHash: missions.lastHash })
    .from(missions)
    .where(eq(missions.id, missionId))
    .for('update');
  return row;
}

/** Going live after a drill also records when the live record starts (reports made before it are refused). */
export async function saveDrill(
  tx: Tx,
  missionId: string,
  change: Pick<typeof missions.$inferInsert, 'drill' | 'recordStartsAt' | 'drillStartedAt' | 'drillClock'>,
): Promise<void> {
  await tx.update(missions).set(change).where(eq(missions.id, missionId));
}

/** Events other than plan changes and the ballot: what makes a log a record of observations (drill or live). */
export async function countReports(db: Db | Tx, missionId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(events)
    .where(and(eq(events.missionId, missionId), notInArray(events.type, ['plan_changed', 'ballot_set'])));
  return row?.n ?? 0;
}

/**
 * Deletes the mission's events and everything derived from them, resets the station and team status rows and puts the
 * log head back at genesis. Stations, teams, their plan, join codes, display links and the field kit stay.
 */
export async function wipeRecord(tx: Tx, missionId: string) {
  const count = async (table: typeof events | typeof visits | typeof findings | typeof conflicts | typeof photos) => {
    const deleted = await tx
      .delete(table)
      .where(eq(table.missionId, missionId))
      .returning({ one: sql<number>`1` });
    return deleted.length;
  };
  // The teams' inboxes are derived from the events too (not counted: no one asked for the figure).
  await tx.delete(teamInbox).where(eq(teamInbox.missionId, missionId));
  // So are the replay's snapshots (which would never match the new log anyway: each is bound to its event's hash).
  await tx.delete(replaySnapshots).where(eq(replaySnapshots.missionId, missionId));
  // A moment on the walls is a moment of the log being wiped: the walls show the fresh record live.
  await tx.delete(wallReplays).where(eq(wallReplays.missionId, missionId));
  // So are turnout and protocols (the ballot stays, and is recorded again as the fresh chain's first events).
  await tx.delete(turnoutReports).where(eq(turnoutReports.missionId, missionId));
  await tx.delete(resultsProtocols).where(eq(resultsProtocols.missionId, missionId));
  // Read models that reference others go first.
  const deleted = {
    conflicts: await count(conflicts),
    findings: await count(findings),
    visits: await count(visits),
    events: await count(events),
    photos: await count(photos),
  };
  await tx
    .update(stationStatus)
    .set({
      presentTeamIds: [],
      visitCount: 0,
      firstVisitAt: null,
      lastVisitAt: null,
      latestAssessments: {},
      openFindings: 0,
      worstOpenSeverity: null,
      updatedSeq: 0,
    })
    .where(eq(stationStatus.missionId, missionId));
  await tx
    .update(teamStatus)
    .set({
      lastSeenAt: null,
      currentStationId: null,
      lastLat: null,
      lastLng: null,
      lastPositionAt: null,
      helpOpen: false,
      helpRequestedAt: null,
      // A drill's acknowledgements go with it: a live silence must not look answered by a drill one.
      helpAcknowledgedAt: null,
      silentAcknowledgedAt: null,
      updatedSeq: 0,
    })
    .where(eq(teamStatus.missionId, missionId));
  const head = { seq: 0, hash: genesisHash(missionId) };
  await tx.update(missions).set({ lastSeq: head.seq, lastHash: head.hash }).where(eq(missions.id, missionId));
  return { deleted, head };
}
