/** SQL for the official results: the rows an import replaces, what comparison and totals read. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { officialResultImports, officialResults, stations } from '../../../db/schema/index';

type Reader = Db | Tx;
type OfficialRow = typeof officialResults.$inferInsert;
type ImportRow = typeof officialResultImports.$inferInsert;

/** Rows per INSERT: well under Postgres's 65,535 bind parameters, few round trips for a national file. */
const INSERT_CHUNK_ROWS = 2000;

const directoryColumns = {
  id: stations.id,
  code: stations.code,
  name: stations.name,
  district: stations.district,
  registeredVoters: stations.registeredVoters,
};

/** Every station's id, code, name and district: the import's frame and the official side of the checks. */
export function stationDirectory(db: Reader, missionId: string) {
  return db.select(directoryColumns).from(stations).where(eq(stations.missionId, missionId));
}

/** The same for a few stations (the observed ones): read per request, so never the whole national list. */
export function stationsByIds(db: Reader, missionId: string, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select(directoryColumns)
    .from(stations)
    .where(and(eq(stations.missionId, missionId), inArray(stations.id, [...ids])));
}

/** Replaces the official results of these contests with `rows`, and records the import of each. */
export async function replaceOfficialResults(
  tx: Tx,
  missionId: string,
  contestIds: readonly string[],
  rows: Iterable<OfficialRow>,
): Promise<void> {
  await tx
    .delete(officialResults)
    .where(and(eq(officialResults.missionId, missionId), inArray(officialResults.contestId, [...contestIds])));
  let chunk: OfficialRow[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length === INSERT_CHUNK_ROWS) {
      await tx.insert(officialResults).values(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await tx.insert(officialResults).values(chunk);
}

export async function recordImports(tx: Tx, rows: ImportRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(officialResultImports)
    .values(rows)
    .onConflictDoUpdate({
      target: [officialResultImports.missionId, officialResultImports.contestId],
      set: {
        seq: sql`excluded.seq`,
        importedAt: sql`excluded.imported_at`,
        rows: sql`excluded.rows`,
        stations: sql`excluded.stations`,
        sha256: sql`excluded.sha256`,
      },
    });
}

export function listImports(db: Reader, missionId: string) {
  return db
    .select()
    .from(officialResultImports)
    .where(eq(officialResultImports.missionId, missionId))
    .orderBy(asc(officialResultImports.contestId));
}

/** The official results of these stations (the observed ones), every contest. */
export function officialResultsOf(db: Reader, missionId: string, stationIds: readonly string[]) {
  if (stationIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(officialResults)
    .where(and(eq(officialResults.missionId, missionId), inArray(officialResults.stationId, [...stationIds])));
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/** Every station's official votes summed per contest and candidate. */
export async function officialTotals(db: Reader, missionId: string) {
  const result = await db.execute(sql`
    select r.contest_id, v.key as candidate_id, sum(v.value::bigint)::float8 as votes
    from official_results r, jsonb_each_text(r.votes) v
    where r.mission_id = ${missionId}
    group by r.contest_id, v.key`);
  return rowsOf<{ contest_id: string; candidate_id: string; votes: number }>(result);
}

/** Every official result of the mission: the checks and fingerprint read them all (once per import, cached). */
export function allOfficialResults(db: Reader, missionId: string) {
  return db
    .select({
      stationId: officialResults.stationId,
      contestId: officialResults.contestId,
      figures: officialResults.figures,
      votes: officialResults.votes,
    })
    .from(officialResults)
    .where(eq(officialResults.missionId, missionId));
}
