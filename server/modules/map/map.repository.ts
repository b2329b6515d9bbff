/** SQL for the map: station positions by district, and the positions teams reported or checked in at. */
import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { events, stations, teams } from '../../../db/schema/index';

/** Placed stations only: an unplaced one has no place in a district's area. */
export async function listStationPoints(
  db: Db,
  missionId: string,
): Promise<{ district: string; lat: number; lng: number }[]> {
  const rows = await db
    .select({ district: stations.district, lat: stations.lat, lng: stations.lng })
    .from(stations)
    .where(and(eq(stations.missionId, missionId), isNotNull(stations.lat), isNotNull(stations.lng)));
  return rows.filter((r): r is { district: string; lat: number; lng: number } => r.lat !== null && r.lng !== null);
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

/**
 * The newest `perTeam` placing events of each team of the mission, newest first within a team. One short backwards
 * read per team on the events' (mission, team, seq) index, instead of ranking every placing event of the mission.
 */
export async function listTrailEvents(db: Db, missionId: string, perTeam: number): Promise<TrailEventRow[]> {
  const recent = db
    .select({
      type: events.type,
      seq: events.seq,
      occurredAt: events.occurredAt,
      stationId: events.stationId,
      lat: sql<number | null>`(${events.payload}->'position'->>'lat')::double precision`.as('reported_lat'),
      lng: sql<number | null>`(${events.payload}->'position'->>'lng')::double precision`.as('reported_lng'),
    })
    .from(events)
    .where(
      and(eq(events.missionId, missionId), eq(events.teamId, teams.id), inArray(events.type, [...PLACING_EVENT_TYPES])),
    )
    .orderBy(desc(events.seq))
    .limit(perTeam)
    .as('recent');
  const rows = await db
    .select({
      teamId: teams.id,
      callSign: teams.callSign,
      type: recent.type,
      seq: recent.seq,
      occurredAt: recent.occurredAt,
      stationId: recent.stationId,
      lat: recent.lat,
      lng: recent.lng,
      stationLat: stations.lat,
      stationLng: stations.lng,
    })
    .from(teams)
    .innerJoinLateral(recent, sql`true`)
    .leftJoin(stations, and(eq(stations.missionId, missionId), eq(stations.id, recent.stationId)))
    .where(eq(teams.missionId, missionId))
    .orderBy(teams.callSign, desc(recent.seq));
  return rows.map((row) => ({ ...row, occurredAt: new Date(row.occurredAt) }));
}
