/**
 * Vector tiles of a mission's stations (station-tile-grid.ts), for maps of missions too large to send whole.
 *
 * Per mission one grid, built from the whole list once per version of the stations' fields (positions, codes) and
 * then brought up to date from the status rows changed since it was last read (`updated_seq` after its head) — at
 * most once every `refreshMs`, and only when a tile is asked for. The map patches each station's state live by its id;
 * the tiles only need to follow for cluster counts and worst states, so a few seconds late is on time, and a busy day
 * costs one small read per refresh, not one per event.
 *
 * Encoded tiles are kept until the grid changes, each with an ETag of its content: a map that refreshes its tiles
 * after a change gets 304 for every tile the change did not touch.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { GeoJSONVTTile } from '@maplibre/geojson-vt';
import type { Station, StationSummaryReply } from '../../../shared/schemas/stations';
import { TILED_MAP_MIN_STATIONS } from '../../../shared/constants';
import { STATION_TILE_LAYER } from '../../../shared/schemas/map';
import {
  STATION_STATES,
  findingBadge,
  stationState,
  stationStateRank,
  type StationState,
  type StationStateInputs,
} from '../../../shared/station-state';
import { StationTileGrid, STATION_TILE_EXTENT, type GridStation } from './station-tile-grid';
import type { StationsService } from './stations.service';

const gzip = promisify(zlib.gzip);

/** Missions whose grid is kept; the least recently used beyond this is dropped. */
const MAX_MISSIONS = 4;
/** Encoded tiles kept per mission (a wall and a few coordinators look at a few hundred at most). */
const MAX_TILES_PER_MISSION = 4096;

export interface EncodedTile {
  etag: string;
  /** The tile's protobuf, gzipped. */
  gzip: Buffer;
  /** The same, uncompressed, for a client that takes no gzip. */
  raw: Buffer;
}

interface MissionGrid {
  fieldsVersion: number;
  /** The log head the grid's states are at. */
  head: number;
  grid: StationTileGrid;
  /** The state (rank) of each station without a position: not in the grid, but counted in the summary. */
  unplaced: Map<string, number>;
  checkedAt: number;
  tiles: Map<string, EncodedTile>;
}

export interface StationTilesOptions {
  /** A grid is brought up to date at most this often (ms). */
  refreshMs: number;
  /** The clock, in ms (performance.now by default). */
  now?: () => number;
}

function gridStation(
  station: Pick<Station, 'id' | 'code' | 'lat' | 'lng'> & { status: StationStateInputs },
): GridStation | null {
  if (station.lat === null || station.lng === null) return null;
  const state = stationState(station.status);
  return {
    id: station.id,
    code: station.code,
    lng: station.lng,
    lat: station.lat,
    rank: stationStateRank(state),
    badge: findingBadge(station.status) !== null,
  };
}

export function createStationTilesService(
  stations: Pick<StationsService, 'count' | 'fieldsVersion' | 'largeMissions' | 'list' | 'readStatesInPages'>,
  options: StationTilesOptions,
) {
  const now = options.now ?? (() => performance.now());
  const grids = new Map<string, MissionGrid>();
  const updating = new Map<string, Promise<MissionGrid>>();

  async function build(missionId: string, fieldsVersion: number, startedAt: number): Promise<MissionGrid> {
    const placed: GridStation[] = [];
    const unplaced = new Map<string, number>();
    let head = 0;
    await stations.readStatesInPages(
      missionId,
      (at) => {
        head = at;
      },
      (rows) => {
        for (const station of rows) {
          const entry = gridStation(station);
          if (entry !== null) placed.push(entry);
          else unplaced.set(station.id, stationStateRank(stationState(station.status)));
        }
      },
    );
    return {
      fieldsVersion,
      head,
      grid: await StationTileGrid.build(placed),
      unplaced,
      checkedAt: startedAt,
      tiles: new Map(),
    };
  }

  /** The mission's grid, brought up to date if it was last checked `refreshMs` ago or more. */
  async function update(missionId: string): Promise<MissionGrid> {
    const startedAt = now();
    const held = grids.get(missionId);
    const fieldsVersion = await stations.fieldsVersion(missionId);
    if (held === undefined || held.fieldsVersion !== fieldsVersion) return build(missionId, fieldsVersion, startedAt);
    const changed = await stations.list(missionId, held.head);
    // A log that went back (a drill wiped and played again) is another log: start over.
    if (changed.head < held.head) return build(missionId, fieldsVersion, startedAt);
    let moved = false;
    for (const station of changed.stations) {
      const entry = gridStation(station);
      if (entry === null) {
        if (held.unplaced.has(station.id))
          held.unplaced.set(station.id, stationStateRank(stationState(station.status)));
        continue;
      }
      // A station the grid does not know was added since it was built: the fields version moved with it, and the
      // next refresh rebuilds.
      if (held.grid.setState(entry.id, entry.rank, entry.badge)) moved = true;
    }
    return {
      ...held,
      head: changed.head,
      checkedAt: startedAt,
      tiles: moved ? new Map() : held.tiles,
    };
  }

  /** The mission's grid, brought up to date first if it was checked `maxAgeMs` ago or more. */
  async function current(missionId: string, maxAgeMs = options.refreshMs): Promise<MissionGrid> {
    const held = grids.get(missionId);
    if (held !== undefined && now() - held.checkedAt < maxAgeMs) return held;
    let running = updating.get(missionId);
    if (running === undefined) {
      running = update(missionId)
        .then((fresh) => {
          grids.delete(missionId);
          grids.set(missionId, fresh);
          for (const old of grids.keys()) if (grids.size > MAX_MISSIONS) grids.delete(old);
          return fresh;
        })
        .finally(() => updating.delete(missionId));
      updating.set(missionId, running);
    }
    return running;
  }

  /** Tile z/x/y of the mission's stations (coordinates already checked against z). */
  async function tile(missionId: string, z: number, x: number, y: number): Promise<EncodedTile> {
    const held = await current(missionId);
    const key = `${z}/${x}/${y}`;
    const kept = held.tiles.get(key);
    if (kept !== undefined) return kept;
    const layer = { features: held.grid.tileFeatures(z, x, y) } as unknown as GeoJSONVTTile;
    const raw = Buffer.from(
      fromGeojsonVt({ [STATION_TILE_LAYER]: layer }, { version: 2, extent: STATION_TILE_EXTENT }),
    );
    const encoded: EncodedTile = {
      etag: `"st-${createHash('sha1').update(raw).digest('base64url').slice(0, 22)}"`,
      raw,
      gzip: await gzip(raw),
    };
    if (held.tiles.size >= MAX_TILES_PER_MISSION) held.tiles.clear();
    held.tiles.set(key, encoded);
    return encoded;
  }

  /**
   * How many stations the mission has and, from TILED_MAP_MIN_STATIONS on, how many are in each state, as of the
   * grid's head. Brought up to date first (a read of the rows changed since the last check), so the counts are as new
   * as a list read now; the grid built for a cold mission is the one its tiles are then cut from.
   */
  async function summary(missionId: string): Promise<StationSummaryReply> {
    const counted = await stations.count(missionId);
    if (counted.count < TILED_MAP_MIN_STATIONS) return { ...counted, counts: null };
    const held = await current(missionId, 0);
    const perRank = held.grid.stateCounts().slice();
    for (const rank of held.unplaced.values()) perRank[rank] = (perRank[rank] ?? 0) + 1;
    const counts = Object.fromEntries(STATION_STATES.map((state, rank) => [state, perRank[rank] ?? 0]));
    return {
      head: held.head,
      count: held.grid.size + held.unplaced.size,
      counts: counts as Record<StationState, number>,
    };
  }

  /**
   * Builds the grids of the largest missions drawn from tiles, one after the other: at server start, so that the first
   * coordinator to open a national mission's page does not wait for its grid (about a second at 200,000 stations, more
   * on a busy machine) before the map can draw.
   */
  async function warm(): Promise<void> {
    for (const missionId of (await stations.largeMissions(TILED_MAP_MIN_STATIONS)).slice(0, MAX_MISSIONS))
      await current(missionId);
  }

  return { tile, summary, warm };
}
export type StationTilesService = ReturnType<typeof createStationTilesService>;
