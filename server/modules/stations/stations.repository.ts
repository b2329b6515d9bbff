/** SQL for polling stations and their status read model. */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { stationStatus, stations } from '../../../db/schema/index';
import type { Station, StationImportRow, StationStatus } from '../../../shared/schemas/stations';

type Reader = Db | Tx;
type StatusRow = typeof stationStatus.$inferSelect;

export function toStationStatus(row: StatusRow): StationStatus {
  return {
    presentTeamIds: row.presentTeamIds,
    visitCount: row.visitCount,
    firstVisitAt: row.firstVisitAt?.toISOString() ?? null,
    lastVisitAt: row.lastVisitAt?.toISOString() ?? null,
    latestAssessments: row.latestAssessments,
    openFindings: row.openFindings,
    worstOpenSeverity: row.worstOpenSeverity,
    updatedSeq: row.updatedSeq,
  };
}

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
    .orderBy(asc(stations.number));
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

function toStation(station: typeof stations.$inferSelect, status: StatusRow): Station {
  return {
    id: station.id,
    number: station.number,
    name: station.name,
    address: station.address,
    district: station.district,
    electoralDistrict: station.electoralDistrict,
    lat: station.lat,
    lng: station.lng,
    registeredVoters: station.registeredVoters,
    status: toStationStatus(status),
  };
}

export async function readStationStatuses(db: Reader, ids: string[]): Promise<{ id: string; status: StationStatus }[]> {
  if (ids.length === 0) return [];
  const rows = await db.select().from(stationStatus).where(inArray(stationStatus.stationId, ids));
  return rows.map((row) => ({ id: row.stationId, status: toStationStatus(row) }));
}

export async function stationIdsByNumber(db: Reader, missionId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: stations.id, number: stations.number })
    .from(stations)
    .where(eq(stations.missionId, missionId));
  return new Map(rows.map((r) => [r.number, r.id]));
}

/**
 * Creates stations that are new (by number) and updates the details of existing ones. Ids and events are kept, so a
 * corrected station list never loses what was observed. Every new station gets its empty status row.
 */
export async function upsertStations(
  tx: Tx,
  missionId: string,
  rows: (StationImportRow & { id?: string })[],
): Promise<{ created: number; updated: number }> {
  const existing = await stationIdsByNumber(tx, missionId);
  const fresh = rows.filter((r) => !existing.has(r.number)).map((r) => ({ ...r, id: r.id ?? randomUUID(), missionId }));
  const changed = rows.filter((r) => existing.has(r.number));
  const CHUNK_ROWS = 1000; // keeps each statement well under Postgres' bind-parameter limit
  for (let i = 0; i < fresh.length; i += CHUNK_ROWS) {
    const chunk = fresh.slice(i, i + CHUNK_ROWS);
    await tx.insert(stations).values(chunk);
    await tx.insert(stationStatus).values(chunk.map((s) => ({ stationId: s.id, missionId })));
  }
  for (const row of changed) {
    const { id: _ignored, ...details } = row;
    await tx
      .update(stations)
      .set({ ...details, updatedAt: sql`now()` })
      .where(and(eq(stations.missionId, missionId), eq(stations.number, row.number)));
  }
  return { created: fresh.length, updated: changed.length };
}
