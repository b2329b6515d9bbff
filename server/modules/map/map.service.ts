/**
 * The map's settings and drawn context: the optional online style or local PMTiles basemap, our own glyphs, approximate
 * district areas around each district's stations, and the teams' recent trails.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import concaveman from 'concaveman';
import type { Db } from '../../../db/client';
import {
  MAP_FONT,
  MAP_GLYPHS_PATH,
  TRAIL_POINTS,
  type DistrictArea,
  type MapConfigReply,
  type TeamTrailsReply,
  type TrailPoint,
} from '../../../shared/schemas/map';
import type { Config } from '../../config';
import { readHead } from '../log/head';
import { listStationPoints, listTrailEvents } from './map.repository';

/** The one font stack served; any requested stack gets it (a PMTiles style may ask for others). */
export const GLYPH_FONT = MAP_FONT;
export const PMTILES_PREFIX = '/api/map/basemap/';

/** Each station is padded by this much so it sits inside its district's area, not on its edge. */
const PAD_DEGREES = 0.0025;
/** concaveman's concavity: lower hugs the points more; 2 keeps areas compact without spikes. */
const CONCAVITY = 2;
/** Above this many stations a district is hulled from a sample: the area is approximate anyway. */
const MAX_HULL_POINTS = 20_000;

export function districtAreas(points: readonly { district: string; lat: number; lng: number }[]): DistrictArea[] {
  const byDistrict = new Map<string, [number, number][]>();
  for (const point of points) {
    const list = byDistrict.get(point.district) ?? [];
    list.push([point.lng, point.lat]);
    byDistrict.set(point.district, list);
  }
  const areas: DistrictArea[] = [];
  for (const [district, stationPoints] of [...byDistrict].sort(([a], [b]) => a.localeCompare(b))) {
    const step = Math.max(1, Math.ceil(stationPoints.length / MAX_HULL_POINTS));
    const padded: [number, number][] = [];
    for (let i = 0; i < stationPoints.length; i += step) {
      const [lng, lat] = stationPoints[i]!;
      // A degree of longitude shrinks with latitude; keep the padding round on the ground.
      const dLng = PAD_DEGREES / Math.max(0.2, Math.cos((lat * Math.PI) / 180));
      padded.push([lng, lat], [lng - dLng, lat], [lng + dLng, lat], [lng, lat - PAD_DEGREES], [lng, lat + PAD_DEGREES]);
    }
    const ring = concaveman(padded, CONCAVITY) as [number, number][];
    if (ring.length < 4) continue;
    areas.push({
      type: 'Feature',
      properties: { district, stationCount: stationPoints.length, approximate: true },
      geometry: { type: 'Polygon', coordinates: [ring] },
    });
  }
  return areas;
}

const STATION_PLACED: ReadonlySet<string> = new Set(['arrival', 'departure']);

export function createMapService(db: Db, config: Pick<Config, 'mapStyleUrl' | 'mapPmtiles'>) {
  /** Changes when what the map reply takes from the configuration does (a browser may hold an older reply's ETag). */
  const configVersion = createHash('sha256')
    .update(JSON.stringify([config.mapStyleUrl, config.mapPmtiles]))
    .digest('hex')
    .slice(0, 12);

  async function mapConfig(missionId: string): Promise<MapConfigReply> {
    const points = await listStationPoints(db, missionId);
    return {
      styleUrl: config.mapStyleUrl,
      pmtilesUrl:
        config.mapPmtiles === null ? null : `${PMTILES_PREFIX}${encodeURIComponent(path.basename(config.mapPmtiles))}`,
      glyphs: MAP_GLYPHS_PATH,
      font: GLYPH_FONT,
      districts: { type: 'FeatureCollection', features: districtAreas(points) },
    };
  }

  /** The last TRAIL_POINTS places of every team that has been anywhere, oldest first. */
  async function trails(missionId: string): Promise<TeamTrailsReply> {
    const head = await readHead(db, missionId);
    const rows = await listTrailEvents(db, missionId, TRAIL_POINTS);
    const byTeam = new Map<string, { callSign: string; points: TrailPoint[] }>();
    for (const row of rows) {
      // A check-in or check-out puts the team at the station itself; a phone's GPS fix only where it names no station.
      const atStation = STATION_PLACED.has(row.type) && row.stationLat !== null && row.stationLng !== null;
      const lat = atStation ? row.stationLat : (row.lat ?? row.stationLat);
      const lng = atStation ? row.stationLng : (row.lng ?? row.stationLng);
      if (lat === null || lng === null) continue;
      const trail = byTeam.get(row.teamId) ?? { callSign: row.callSign, points: [] };
      trail.points.push({ lat, lng, at: row.occurredAt.toISOString(), seq: row.seq, stationId: row.stationId });
      byTeam.set(row.teamId, trail);
    }
    return {
      head,
      trails: [...byTeam].map(([teamId, trail]) => ({
        teamId,
        callSign: trail.callSign,
        points: trail.points.reverse(),
      })),
    };
  }

  return { mapConfig, configVersion, trails };
}

export type MapService = ReturnType<typeof createMapService>;
