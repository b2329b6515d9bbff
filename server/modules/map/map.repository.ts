/** SQL for the map: station positions by district, and the positions teams reported or checked in at. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { events, stations, teams } from '../../../db/schema/index';

export async function listStationPoints(db: Db, missionId: string): Promise<{ district: string; lat: number; lng: number }[]> {
  return db
    .select({ district: stations.district, lat: stations.lat, lng: stations.lng })
    .from(stations)
    .where(eq(stations.missionId, missionId));
}

export interface TrailEventRow {
  teamId: string;
  callSign: string;
  type: string;
  seq: number;
  occurredAt: Date;
  stationId: string | null;
  /** The position the phone sent, if any. */
  lat: number | null;
  lng: number | null;
  /** The station's own position, for check-ins sent without one. */
  stationLat: number | null;
  stationLng: number | null;
}

/** Types of events that place a team somewhere. */
export const PLACING_EVENT_TYPES = ['arrival', 'departure', 'position', 'help_request'] as const;

/** The newest `perTeam` placing events of each team of the mission, newest first within a team. */
export async function listTrailEvents(db: Db, missionId: string, perTeam: number): Promise<TrailEventRow[]> {
  const ranked = db
    .select({
      teamId: events.teamId,
      type: events.type,
      seq: events.seq,
      occurredAt: events.occurredAt,
      stationId: events.stationId,
      lat: sql<number | null>`(${events.payload}->'position'->>'lat')::double precision`.as('reported_lat'),
      lng: sql<number | null>`(${events.payload}->'position'->>'lng')::double precision`.as('reported_lng'),
      rank: sql<number>`row_number() over (partition by ${events.teamId} order by ${events.seq} desc)`.as('trail_rank'),
    })
    .from(events)
    .where(and(eq(events.missionId, missionId), inArray(events.type, [...PLACING_EVENT_TYPES])))
    .as('ranked');
  const rows = await db
    .select({
      teamId: ranked.teamId,
      callSign: teams.callSign,
      type: ranked.type,
      seq: ranked.seq,
      occurredAt: ranked.occurredAt,
      stationId: ranked.stationId,
      lat: ranked.lat,
      lng: ranked.lng,
      stationLat: stations.lat,
      stationLng: stations.lng,
    })
    .from(ranked)
    .innerJoin(teams, eq(teams.id, ranked.teamId))
    .leftJoin(stations, eq(stations.id, ranked.stationId))
    .where(sql`${ranked.rank} <= ${perTeam}`)
    .orderBy(teams.callSign, sql`${ranked.seq} desc`);
  return rows.map((row) => ({ ...row, teamId: row.teamId!, occurredAt: new Date(row.occurredAt) }));
}
