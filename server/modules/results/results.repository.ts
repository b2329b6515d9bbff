/** SQL for the ballot, turnout and results-protocol read models. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { ballots, resultsProtocols, stations, teams, turnoutReports } from '../../../db/schema/index';
import type { Ballot } from '../../../shared/schemas/results';

type Reader = Db | Tx;

export async function findBallot(db: Reader, missionId: string): Promise<{ ballot: Ballot; seq: number } | null> {
  const [row] = await db.select().from(ballots).where(eq(ballots.missionId, missionId));
  return row ? { ballot: row.ballot, seq: row.updatedSeq } : null;
}

export async function reportedContestIds(db: Reader, missionId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ contestId: resultsProtocols.contestId })
    .from(resultsProtocols)
    .where(eq(resultsProtocols.missionId, missionId))
    .orderBy(asc(resultsProtocols.contestId));
  return rows.map((r) => r.contestId);
}

export function listProtocols(db: Reader, missionId: string, filter: { stationId?: string; contestId?: string }) {
  return db
    .select({
      row: resultsProtocols,
      stationCode: stations.code,
      district: stations.district,
      callSign: teams.callSign,
    })
    .from(resultsProtocols)
    .innerJoin(
      stations,
      and(eq(stations.missionId, resultsProtocols.missionId), eq(stations.id, resultsProtocols.stationId)),
    )
    .innerJoin(teams, and(eq(teams.missionId, resultsProtocols.missionId), eq(teams.id, resultsProtocols.teamId)))
    .where(
      and(
        eq(resultsProtocols.missionId, missionId),
        filter.stationId ? eq(resultsProtocols.stationId, filter.stationId) : undefined,
        filter.contestId ? eq(resultsProtocols.contestId, filter.contestId) : undefined,
      ),
    )
    .orderBy(asc(stations.code), asc(resultsProtocols.contestId), asc(teams.callSign));
}

/** Turnout per district and hour over the stations with a report: their count, votes so far, registered voters. */
export function turnoutByDistrict(db: Reader, missionId: string) {
  return db
    .select({
      district: stations.district,
      at: turnoutReports.at,
      stations: sql<number>`count(*)::int`,
      voted: sql<number>`coalesce(sum(${turnoutReports.voted}), 0)::int`,
      // Voters and registered voters over the stations that have a registered figure: the share's two sides.
      votedWithList: sql<number>`coalesce(sum(${turnoutReports.voted}) filter (where ${stations.registeredVoters} is not null), 0)::int`,
      registered: sql<number>`coalesce(sum(${stations.registeredVoters}), 0)::int`,
    })
    .from(turnoutReports)
    .innerJoin(
      stations,
      and(eq(stations.missionId, turnoutReports.missionId), eq(stations.id, turnoutReports.stationId)),
    )
    .where(eq(turnoutReports.missionId, missionId))
    .groupBy(stations.district, turnoutReports.at);
}

export function flaggedTurnout(db: Reader, missionId: string) {
  return db
    .select({ row: turnoutReports, stationCode: stations.code })
    .from(turnoutReports)
    .innerJoin(
      stations,
      and(eq(stations.missionId, turnoutReports.missionId), eq(stations.id, turnoutReports.stationId)),
    )
    .where(and(eq(turnoutReports.missionId, missionId), sql`jsonb_array_length(${turnoutReports.flags}) > 0`))
    .orderBy(asc(stations.code), asc(turnoutReports.at));
}

/** Every station's code and district: the quick count's frame (stations per district of each contest). */
export function stationFrame(db: Reader, missionId: string) {
  return db
    .select({ code: stations.code, district: stations.district })
    .from(stations)
    .where(eq(stations.missionId, missionId));
}
