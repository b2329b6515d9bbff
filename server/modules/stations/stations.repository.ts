/** SQL for polling stations and their status read model. */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { missions, stationStatus, stations } from '../../../db/schema/index';
import type { Bounds } from '../../../db/schema/missions';
import type { Station, StationImportResolvedRow, StationStatus } from '../../../shared/schemas/stations';
import { SEARCH_KEY_SQL_PATTERN, searchKey } from '../../../shared/station-search';
import type { PlannedRow, StoredStation } from './station-import-plan';
import { toStation, toStationStatus } from './station-wire';

type Reader = Db | Tx;

/** The mission's stations with status, ordered by number; with `changedAfter`, only those changed since that sequence. */
export async function listStations(db: Reader, missionId: string, changedAfter?: number): Promise<Station[]> {
  const filter = changedAfter === undefined
    ? eq(stations.missionId, missionId)
    : and(eq(stations.missionId, missionId), gt(stationStatus.updatedSeq, changedAfter));
  const rows = await db
    .select({ station: stations, status: stationStatus })
    .from(stations)
    .innerJoin(stationStatus, eq(stationStatus.stationId, stations.id))
    .where(filter)
    .orderBy(asc(stations.code));
  return rows.map(({ station, status }) => toStation(station, status));
}

/** One station of the mission with its status; undefined when the mission has no such station. */
export async function readStation(db: Reader, missionId: string, stationId: string): Promise<Station | undefined> {
  const [row] = await db
    .select({ station: stations, status: stationStatus })
    .from(stations)
    .innerJoin(stationStatus, eq(stationStatus.stationId, stations.id))
    .where(and(eq(stations.missionId, missionId), eq(stations.id, stationId)));
  return row === undefined ? undefined : toStation(row.station, row.status);
}

export async function readStationStatuses(db: Reader, ids: string[]): Promise<{ id: string; status: StationStatus }[]> {
  if (ids.length === 0) return [];
  const rows = await db.select().from(stationStatus).where(inArray(stationStatus.stationId, ids));
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

/** Rows per statement: 1,000 rows of 13 values stays well under Postgres' 65,535 bind parameters. */
const CHUNK_ROWS = 1000;

/**
 * Writes an import plan in bulk: new stations (with their empty status rows) by multi-row inserts, changed ones by one
 * UPDATE … FROM (VALUES …) per chunk. Unchanged rows are not touched. Ids and events are kept, so a corrected list
 * never loses what was observed.
 */
export async function applyStationImport(tx: Tx, missionId: string, planned: readonly PlannedRow[]): Promise<void> {
  const fresh = planned.filter((p) => p.change === 'created').map((p) => ({ ...p.row, id: p.newId ?? randomUUID(), missionId }));
  for (let i = 0; i < fresh.length; i += CHUNK_ROWS) {
    const chunk = fresh.slice(i, i + CHUNK_ROWS);
    await tx.insert(stations).values(chunk);
    await tx.insert(stationStatus).values(chunk.map((s) => ({ stationId: s.id, missionId })));
  }
  const changed = planned.filter((p) => p.change === 'updated' && p.id !== null);
  for (let i = 0; i < changed.length; i += CHUNK_ROWS) {
    const values = changed.slice(i, i + CHUNK_ROWS).map(({ id, row }) => updateValues(id!, row));
    await tx.execute(sql`
      update stations as s set
        code = v.code, name = v.name, address = v.address, region = v.region, electoral_district = v.electoral_district,
        lat = v.lat, lng = v.lng, registered_voters = v.registered_voters, updated_at = now()
      from (values ${sql.join(values, sql`, `)}) as v(id, code, name, address, region, electoral_district, lat, lng, registered_voters)
      where s.id = v.id and s.mission_id = ${missionId}`);
  }
}

function updateValues(id: string, row: StationImportResolvedRow): SQL {
  return sql`(${id}::uuid, ${row.code}::text, ${row.name}::text, ${row.address}::text, ${row.region}::text, ${row.electoralDistrict}::text,
    ${row.lat}::double precision, ${row.lng}::double precision, ${row.registeredVoters}::integer)`;
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
  const keyOf = (column: SQL | typeof stations.code) => sql`regexp_replace(lower(${column}), ${SEARCH_KEY_SQL_PATTERN}, '', 'g')`;
  const exactCode = sql`(${keyOf(stations.code)} = ${key}) desc`;
  const order = near
    ? [exactCode, sql`coalesce(power(${stations.lat} - ${near.lat}::double precision, 2) + power((${stations.lng} - ${near.lng}::double precision) * ${Math.cos((near.lat * Math.PI) / 180)}::double precision, 2), 1e9)`, asc(stations.code)]
    : [exactCode, asc(stations.code)];
  const rows = await db
    .select({ station: stations, status: stationStatus })
    .from(stations)
    .innerJoin(stationStatus, eq(stationStatus.stationId, stations.id))
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
    .innerJoin(stationStatus, eq(stationStatus.stationId, stations.id))
    .where(and(eq(stations.missionId, missionId), inArray(stations.id, [...ids])))
    .orderBy(asc(stations.code));
  return rows.map(({ station, status }) => toStation(station, status));
}

/** Places (or moves) a station; false when the mission has no such station. */
export async function setStationPosition(db: Reader, missionId: string, stationId: string, lat: number, lng: number): Promise<boolean> {
  const rows = await db
    .update(stations)
    .set({ lat, lng, updatedAt: sql`now()` })
    .where(and(eq(stations.missionId, missionId), eq(stations.id, stationId)))
    .returning({ id: stations.id });
  return rows.length > 0;
}
