/** SQL for polling stations and their status read model. */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db, type Tx } from '../../../db/client';
import { missions, stationListVersions, stationStatus, stations } from '../../../db/schema/index';
import type { Bounds } from '../../../db/schema/missions';
import type { Station, StationImportResolvedRow, StationStatus } from '../../../shared/schemas/stations';
import { SEARCH_KEY_SQL_PATTERN, searchKey } from '../../../shared/station-search';
import type { StationStateInputs } from '../../../shared/station-state';
import type { PlannedRow, StoredStation } from './station-import-plan';
import { toStation, toStationStatus } from './station-wire';

type Reader = Db | Tx;

/** The mission's stations with status, ordered by number; with `changedAfter`, only those changed since that sequence. */
export async function listStations(db: Reader, missionId: string, changedAfter?: number): Promise<Station[]> {
  const filter =
    changedAfter === undefined
      ? eq(stations.missionId, missionId)
      : and(eq(stations.missionId, missionId), gt(stationStatus.updatedSeq, changedAfter));
  const rows = await db
    .select({ station: stations, status: stationStatus })
    .from(stations)
    .innerJoin(
      stationStatus,
      and(eq(stationStatus.missionId, stations.missionId), eq(stationStatus.stationId, stations.id)),
    )
    .where(filter)
    .orderBy(asc(stations.code));
  return rows.map(({ station, status }) => toStation(station, status));
}

/** An ISO 8601 UTC timestamp in SQL, as `Date.toISOString()` writes it (what `toStationStatus` sends). */
const isoTime = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * One page of the mission's stations as JSON text (the `Station` objects of the wire, comma-separated), made by
 * Postgres. For the whole-list reply: mapping 200,000 rows into objects and back into JSON in Node held the event
 * loop for tens of milliseconds a page (row mapping and its garbage); as text, a page costs Node one string. The keys
 * and values are those of `toStation` — tests/server/station-page-json.test.ts holds the two to the same output.
 */
export async function listStationsPageJson(
  db: Reader,
  missionId: string,
  afterCode: string | null,
  limit: number,
): Promise<{ json: string; count: number; lastCode: string | null }> {
  const result = await db.execute(sql`
    select string_agg(row_to_json(page)::text, ',' order by page.code) as json,
           count(*)::int as count,
           max(page.code) as last_code
    from (
      select st.id, st.number, st.code, st.name, st.address, st.district, st.region,
             st.electoral_district as "electoralDistrict", st.lat, st.lng, st.registered_voters as "registeredVoters",
             (select row_to_json(status) from (
                select ss.present_team_ids as "presentTeamIds", ss.visit_count as "visitCount",
                       ${isoTime('ss.first_visit_at')} as "firstVisitAt", ${isoTime('ss.last_visit_at')} as "lastVisitAt",
                       ss.latest_assessments as "latestAssessments", ss.open_findings as "openFindings",
                       ss.worst_open_severity as "worstOpenSeverity", ss.updated_seq as "updatedSeq"
              ) status) as status
      from ${stations} st
      join ${stationStatus} ss on ss.station_id = st.id and ss.mission_id = st.mission_id
      where st.mission_id = ${missionId} ${afterCode === null ? sql`` : sql`and st.code > ${afterCode}`}
      order by st.code
      limit ${limit}
    ) page`);
  const row = rowsOf<{ json: string | null; count: number; last_code: string | null }>(result)[0];
  return { json: row?.json ?? '', count: Number(row?.count ?? 0), lastCode: row?.last_code ?? null };
}

/** A station's position and what its state is made of: all the station tile grid needs of it. */
export interface StationStateRow {
  id: string;
  code: string;
  lat: number | null;
  lng: number | null;
  status: StationStateInputs;
}

/**
 * One page of the mission's stations in code order, only their positions and state inputs: for building the station
 * tile grid, which at 200,000 stations spent most of its seconds having Postgres write, and Node parse, the whole list.
 */
export async function listStationStatesPage(
  db: Reader,
  missionId: string,
  afterCode: string | null,
  limit: number,
): Promise<StationStateRow[]> {
  const rows = await db
    .select({
      id: stations.id,
      code: stations.code,
      lat: stations.lat,
      lng: stations.lng,
      presentTeamIds: stationStatus.presentTeamIds,
      visitCount: stationStatus.visitCount,
      firstVisitAt: stationStatus.firstVisitAt,
      latestAssessments: stationStatus.latestAssessments,
      openFindings: stationStatus.openFindings,
      worstOpenSeverity: stationStatus.worstOpenSeverity,
    })
    .from(stations)
    .innerJoin(
      stationStatus,
      and(eq(stationStatus.missionId, stations.missionId), eq(stationStatus.stationId, stations.id)),
    )
    .where(
      afterCode === null
        ? eq(stations.missionId, missionId)
        : and(eq(stations.missionId, missionId), gt(stations.code, afterCode)),
    )
    .orderBy(asc(stations.code))
    .limit(limit);
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    lat: row.lat,
    lng: row.lng,
    status: {
      presentTeamIds: row.presentTeamIds,
      visitCount: row.visitCount,
      firstVisitAt: row.firstVisitAt === null ? null : row.firstVisitAt.toISOString(),
      latestAssessments: row.latestAssessments,
      openFindings: row.openFindings,
      worstOpenSeverity: row.worstOpenSeverity,
    },
  }));
}

/** One station of the mission with its status; undefined when the mission has no such station. */
export async function readStation(db: Reader, missionId: string, stationId: string): Promise<Station | undefined> {
  const [row] = await db
    .select({ station: stations, status: stationStatus })
    .from(stations)
    .innerJoin(
      stationStatus,
      and(eq(stationStatus.missionId, stations.missionId), eq(stationStatus.stationId, stations.id)),
    )
    .where(and(eq(stations.missionId, missionId), eq(stations.id, stationId)));
  return row === undefined ? undefined : toStation(row.station, row.status);
}

export async function readStationStatuses(
  db: Reader,
  missionId: string,
  ids: string[],
): Promise<{ id: string; status: StationStatus }[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(stationStatus)
    .where(and(eq(stationStatus.missionId, missionId), inArray(stationStatus.stationId, ids)));
  return rows.map((row) => ({ id: row.stationId, status: toStationStatus(row) }));
}

/** Station ids by code: what plan files and mission set-up name stations by. */
export async function stationIdsByCode(db: Reader, missionId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: stations.id, code: stations.code })
    .from(stations)
    .where(eq(stations.missionId, missionId));
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Every stored station's importable fields: what an import compares the file with. */
export async function readStoredStations(db: Reader, missionId: string): Promise<StoredStation[]> {
  return db
    .select({
      id: stations.id,
      number: stations.number,
      district: stations.district,
      code: stations.code,
      name: stations.name,
      address: stations.address,
      region: stations.region,
      electoralDistrict: stations.electoralDistrict,
      lat: stations.lat,
      lng: stations.lng,
      registeredVoters: stations.registeredVoters,
    })
    .from(stations)
    .where(eq(stations.missionId, missionId));
}

export async function readMissionBounds(db: Reader, missionId: string): Promise<Bounds | null> {
  const [row] = await db.select({ bounds: missions.bounds }).from(missions).where(eq(missions.id, missionId));
  return row?.bounds ?? null;
}

/** Serialises imports of one mission, so two at once cannot both create the same station. */
export async function lockStationImport(tx: Tx, missionId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`station-import:${missionId}`}))`);
}

/**
 * Rows per statement. Each chunk travels as one JSON parameter, so the bind-parameter limit does not apply; 2,000 rows
 * (about 400 kB of JSON) keeps each statement short and the server's copy of it small.
 */
const CHUNK_ROWS = 2000;

/** The columns an import writes, as `jsonb_to_recordset` reads them from each chunk's JSON. */
const IMPORT_RECORD = sql.raw(
  'id uuid, number text, district text, code text, name text, address text, region text, electoral_district text, ' +
    'lat double precision, lng double precision, registered_voters integer',
);

function importRecord(id: string, row: StationImportResolvedRow) {
  return {
    id,
    number: row.number,
    district: row.district,
    code: row.code,
    name: row.name,
    address: row.address,
    region: row.region,
    electoral_district: row.electoralDistrict,
    lat: row.lat,
    lng: row.lng,
    registered_voters: row.registeredVoters,
  };
}

/**
 * Refreshes the planner's statistics of the station tables. Right after a bulk import they still describe the empty
 * tables, and the whole list's pages (`code > $after order by code limit N`) were planned as a scan and sort of every
 * remaining station: 269 ms a page at 200,000 stations against 4 ms with statistics, so a national list took a minute
 * to build instead of seconds. Autovacuum would get there, later.
 */
export async function refreshStationStatistics(db: Db): Promise<void> {
  await db.execute(sql`analyze stations`);
  await db.execute(sql`analyze station_status`);
}

/**
 * Writes an import plan in bulk: each chunk of new stations (with their empty status rows) is one INSERT … SELECT from
 * the chunk's JSON, each chunk of changed ones one UPDATE … FROM it. Unchanged rows are not sent at all. Ids and events
 * are kept, so a corrected list never loses what was observed.
 */
export async function applyStationImport(tx: Tx, missionId: string, planned: Iterable<PlannedRow>): Promise<void> {
  let fresh: ReturnType<typeof importRecord>[] = [];
  let changed: ReturnType<typeof importRecord>[] = [];
  let written = false;
  for (const p of planned) {
    if (p.change === 'created') fresh.push(importRecord(p.newId ?? randomUUID(), p.row));
    else if (p.change === 'updated' && p.id !== null) changed.push(importRecord(p.id, p.row));
    written ||= p.change !== 'unchanged';
    if (fresh.length >= CHUNK_ROWS) fresh = await insertChunk(tx, missionId, fresh);
    if (changed.length >= CHUNK_ROWS) changed = await updateChunk(tx, missionId, changed);
  }
  if (fresh.length > 0) await insertChunk(tx, missionId, fresh);
  if (changed.length > 0) await updateChunk(tx, missionId, changed);
  if (written) await bumpStationListVersion(tx, missionId);
}

/** Every write of a station's own fields calls this in its transaction, so cached lists know they are out of date. */
async function bumpStationListVersion(tx: Reader, missionId: string): Promise<void> {
  await tx
    .insert(stationListVersions)
    .values({ missionId, version: 1 })
    .onConflictDoUpdate({
      target: stationListVersions.missionId,
      set: { version: sql`${stationListVersions.version} + 1` },
    });
}

/** The version of the mission's station fields (0 before any import): with the log head, one version of the list. */
/** The missions with at least `min` stations, largest first. */
export async function missionsWithStations(db: Reader, min: number): Promise<string[]> {
  const rows = await db
    .select({ missionId: stations.missionId })
    .from(stations)
    .groupBy(stations.missionId)
    .having(sql`count(*) >= ${min}`)
    .orderBy(sql`count(*) desc`);
  return rows.map((row) => row.missionId);
}

/** How many stations the mission has. */
export async function countStations(db: Reader, missionId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(stations)
    .where(eq(stations.missionId, missionId));
  return Number(row?.count ?? 0);
}

export async function readStationListVersion(db: Reader, missionId: string): Promise<number> {
  const [row] = await db
    .select({ version: stationListVersions.version })
    .from(stationListVersions)
    .where(eq(stationListVersions.missionId, missionId));
  return row?.version ?? 0;
}

async function insertChunk(tx: Tx, missionId: string, records: ReturnType<typeof importRecord>[]): Promise<[]> {
  await tx.execute(sql`
    with created as (
      insert into stations (id, mission_id, number, district, code, name, address, region, electoral_district, lat, lng, registered_voters)
      select r.id, ${missionId}::uuid, r.number, r.district, r.code, r.name, r.address, r.region, r.electoral_district, r.lat, r.lng, r.registered_voters
      from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(${IMPORT_RECORD})
      returning id)
    insert into station_status (station_id, mission_id) select id, ${missionId}::uuid from created`);
  return [];
}

async function updateChunk(tx: Tx, missionId: string, records: ReturnType<typeof importRecord>[]): Promise<[]> {
  // The plan already left unchanged rows out; comparing again here costs nothing and keeps updated_at honest.
  await tx.execute(sql`
    update stations as s set
      code = r.code, name = r.name, address = r.address, region = r.region, electoral_district = r.electoral_district,
      lat = r.lat, lng = r.lng, registered_voters = r.registered_voters, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(${IMPORT_RECORD})
    where s.id = r.id and s.mission_id = ${missionId}
      and (s.code, s.name, s.address, s.region, s.electoral_district, s.lat, s.lng, s.registered_voters)
        is distinct from (r.code, r.name, r.address, r.region, r.electoral_district, r.lat, r.lng, r.registered_voters)`);
  return [];
}

/**
 * Stations whose code, name or address contains the query, compared as `searchKey` does (case, spaces, dashes
 * ignored). Exact code matches come first; with `near`, then the nearest (unplaced ones last); else by code.
 */
export async function searchStations(
  db: Reader,
  missionId: string,
  query: string,
  limit: number,
  near?: { lat: number; lng: number },
): Promise<Station[]> {
  const key = searchKey(query);
  const pattern = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const keyOf = (column: SQL | typeof stations.code) =>
    sql`regexp_replace(lower(${column}), ${SEARCH_KEY_SQL_PATTERN}, '', 'g')`;
  const exactCode = sql`(${keyOf(stations.code)} = ${key}) desc`;
  const order = near
    ? [
        exactCode,
        sql`coalesce(power(${stations.lat} - ${near.lat}::double precision, 2) + power((${stations.lng} - ${near.lng}::double precision) * ${Math.cos((near.lat * Math.PI) / 180)}::double precision, 2), 1e9)`,
        asc(stations.code),
      ]
    : [exactCode, asc(stations.code)];
  const rows = await db
    .select({ station: stations, status: stationStatus })
    .from(stations)
    .innerJoin(
      stationStatus,
      and(eq(stationStatus.missionId, stations.missionId), eq(stationStatus.stationId, stations.id)),
    )
    .where(
      and(
        eq(stations.missionId, missionId),
        sql`(${keyOf(stations.code)} like ${pattern} or ${keyOf(sql`${stations.name}`)} like ${pattern} or ${keyOf(sql`${stations.address}`)} like ${pattern})`,
      ),
    )
    .orderBy(...order)
    .limit(limit);
  return rows.map(({ station, status }) => toStation(station, status));
}

/** The given stations of the mission with status (a team's plan). */
export async function listStationsById(db: Reader, missionId: string, ids: readonly string[]): Promise<Station[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ station: stations, status: stationStatus })
    .from(stations)
    .innerJoin(
      stationStatus,
      and(eq(stationStatus.missionId, stations.missionId), eq(stationStatus.stationId, stations.id)),
    )
    .where(and(eq(stations.missionId, missionId), inArray(stations.id, [...ids])))
    .orderBy(asc(stations.code));
  return rows.map(({ station, status }) => toStation(station, status));
}

/** Places (or moves) a station; false when the mission has no such station. */
export async function setStationPosition(
  tx: Tx,
  missionId: string,
  stationId: string,
  lat: number,
  lng: number,
): Promise<boolean> {
  const rows = await tx
    .update(stations)
    .set({ lat, lng, updatedAt: sql`now()` })
    .where(and(eq(stations.missionId, missionId), eq(stations.id, stationId)))
    .returning({ id: stations.id });
  if (rows.length === 0) return false;
  await bumpStationListVersion(tx, missionId);
  return true;
}
