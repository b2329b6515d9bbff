/**
 * The stations of a large mission as vector-tile features: clusters on a grid that nests from zoom to zoom, each with
 * its station count and the rank of its most urgent station, and single stations.
 *
 * Why a grid and not supercluster: stations never move between station-list versions, only their states change. A grid
 * cell's members are fixed, so a change of state is a walk up STATION_TILE_CLUSTER_MAX_ZOOM + 1 cells, each keeping a
 * count per state: microseconds per change. Supercluster keeps the worst state by map/reduce at load, so every change
 * needs a rebuild: measured here at 1.0 s for 200,000 stations and 9.3 s for 1,000,000, the event loop held throughout.
 * The grid's build is one pass over the stations, then one per zoom over the cells of the zoom below: about 1 s at
 * 200,000 and 3 s at 1,000,000 on a busy 2-core machine, in slices (longest turn of the event loop ~0.2 s at 200,000).
 *
 * Cells are tile / STATION_TILE_CELLS wide (43 px at 512 px tiles, the old clusterRadius of 44 px), so a tile holds
 * whole cells and a cell at zoom z is exactly four cells at z + 1. A cluster is drawn at its members' centroid.
 */
import type { GeoJSONVTFeature } from '@maplibre/geojson-vt';
import { STATION_TILE_CELLS, STATION_TILE_CLUSTER_MAX_ZOOM, STATION_TILE_MAX_ZOOM } from '../../../shared/schemas/map';
import { STATION_STATES } from '../../../shared/station-state';

export const STATION_TILE_EXTENT = 4096;
const STATE_COUNT = STATION_STATES.length;
/** Web Mercator's limit: beyond it y runs off the square. */
const MAX_LATITUDE = 85.051129;

/** Stations placed in cells between two turns of the event loop (about 20 ms on a busy 2-core machine). */
const STATIONS_PER_SLICE = 20_000;
const letGo = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface GridStation {
  id: string;
  /** The station's number, drawn beside it when zoomed in. */
  code: string;
  lng: number;
  lat: number;
  /** Position of its state in STATION_STATES (0 = most urgent). */
  rank: number;
  /** An open minor finding its state hides. */
  badge: boolean;
}

/** The cells of one zoom level, in typed arrays: a million stations make a million cells at the deepest level. */
interface Level {
  /** Cell column and row in the grid of this zoom (STATION_TILE_CELLS × 2^z a side). */
  cx: Int32Array;
  cy: Int32Array;
  count: Int32Array;
  sumX: Float64Array;
  sumY: Float64Array;
  /** Stations per state: STATE_COUNT entries per cell. */
  perState: Int32Array;
  /** A member station (the only one, when count is 1). */
  member: Int32Array;
  /** The cell one zoom out that contains this one (-1 at zoom 0). */
  parent: Int32Array;
  /** Cells by tile (key ty × 2^z + tx). */
  byTile: Map<number, number[]>;
}

/** Longitude and latitude to Web Mercator's unit square (x east, y south). */
export function project(lng: number, lat: number): [number, number] {
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  const y = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
  return [(lng + 180) / 360, Math.min(Math.max(y, 0), 1 - 1e-12)];
}

/** As supercluster and MapLibre write it: 1234, 12.3k, 123k. */
export function abbreviateCount(count: number): string {
  if (count >= 10_000) return `${Math.round(count / 1000)}k`;
  if (count >= 1000) return `${Math.round(count / 100) / 10}k`;
  return String(count);
}

export class StationTileGrid {
  readonly size: number;
  readonly #ids: string[];
  readonly #codes: string[];
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #rank: Uint8Array;
  readonly #badge: Uint8Array;
  readonly #indexById = new Map<string, number>();
  /** levels[z] for z in 0..STATION_TILE_CLUSTER_MAX_ZOOM. */
  readonly #levels: Level[] = [];
  /** Each station's cell at the deepest cluster level. */
  readonly #cellOf: Int32Array;
  /** Stations by tile at STATION_TILE_MAX_ZOOM. */
  readonly #pointsByTile = new Map<number, number[]>();
  /** Stations per state (rank), over the whole grid. */
  readonly #perState = new Int32Array(STATE_COUNT);

  /**
   * A grid of these stations. Built in slices with the event loop let go between them: a national list's grid takes a
   * second or more in all, and requests must not wait behind it.
   */
  static async build(stations: readonly GridStation[]): Promise<StationTileGrid> {
    const grid = new StationTileGrid(stations);
    await grid.#buildPoints();
    await grid.#buildLevels();
    return grid;
  }

  private constructor(stations: readonly GridStation[]) {
    const n = stations.length;
    this.size = n;
    this.#ids = new Array<string>(n);
    this.#codes = new Array<string>(n);
    this.#x = new Float64Array(n);
    this.#y = new Float64Array(n);
    this.#rank = new Uint8Array(n);
    this.#badge = new Uint8Array(n);
    this.#cellOf = new Int32Array(n);
    stations.forEach((station, i) => {
      const [x, y] = project(station.lng, station.lat);
      this.#ids[i] = station.id;
      this.#codes[i] = station.code;
      this.#x[i] = x;
      this.#y[i] = y;
      this.#rank[i] = station.rank;
      this.#badge[i] = station.badge ? 1 : 0;
      this.#indexById.set(station.id, i);
      this.#perState[station.rank]!++;
    });
  }

  /** How many of the grid's stations are in each state, by rank (position in STATION_STATES). */
  stateCounts(): readonly number[] {
    return [...this.#perState];
  }

  /** Sets a station's state; false when it is not in the grid (not placed, or added since the grid was built). */
  setState(id: string, rank: number, badge: boolean): boolean {
    const i = this.#indexById.get(id);
    if (i === undefined) return false;
    this.#badge[i] = badge ? 1 : 0;
    const old = this.#rank[i]!;
    if (old === rank) return true;
    this.#rank[i] = rank;
    this.#perState[old]!--;
    this.#perState[rank]!++;
    let cell = this.#cellOf[i]!;
    for (let z = STATION_TILE_CLUSTER_MAX_ZOOM; z >= 0; z--) {
      const level = this.#levels[z]!;
      level.perState[cell * STATE_COUNT + old]!--;
      level.perState[cell * STATE_COUNT + rank]!++;
      cell = level.parent[cell]!;
    }
    return true;
  }

  /** The features of tile z/x/y, in tile coordinates (STATION_TILE_EXTENT a side). */
  tileFeatures(z: number, x: number, y: number): GeoJSONVTFeature[] {
    const scale = 2 ** z;
    const toTile = (wx: number, wy: number): [number, number] => [
      Math.round((wx * scale - x) * STATION_TILE_EXTENT),
      Math.round((wy * scale - y) * STATION_TILE_EXTENT),
    ];
    if (z > STATION_TILE_CLUSTER_MAX_ZOOM) {
      const shift = 2 ** (z - STATION_TILE_MAX_ZOOM);
      const candidates =
        this.#pointsByTile.get(Math.floor(y * shift) * 2 ** STATION_TILE_MAX_ZOOM + Math.floor(x * shift)) ?? [];
      return candidates.flatMap((i) => {
        const [px, py] = toTile(this.#x[i]!, this.#y[i]!);
        return px < 0 || py < 0 || px >= STATION_TILE_EXTENT || py >= STATION_TILE_EXTENT
          ? []
          : [this.#point(i, px, py)];
      });
    }
    const level = this.#levels[z]!;
    return (level.byTile.get(y * scale + x) ?? []).map((cell) => {
      const count = level.count[cell]!;
      const [px, py] = toTile(level.sumX[cell]! / count, level.sumY[cell]! / count);
      if (count === 1) return this.#point(level.member[cell]!, px, py);
      let worst = 0;
      while (worst < STATE_COUNT - 1 && level.perState[cell * STATE_COUNT + worst] === 0) worst++;
      return {
        type: 1,
        geometry: [[px, py]],
        tags: { point_count: count, point_count_abbreviated: abbreviateCount(count), worst },
      };
    });
  }

  #point(i: number, px: number, py: number): GeoJSONVTFeature {
    return {
      type: 1,
      geometry: [[px, py]],
      tags: {
        id: this.#ids[i]!,
        number: this.#codes[i]!,
        state: STATION_STATES[this.#rank[i]!]!,
        badge: this.#badge[i] === 1 ? 'minor' : '',
      },
    };
  }

  async #buildPoints(): Promise<void> {
    const scale = 2 ** STATION_TILE_MAX_ZOOM;
    for (let i = 0; i < this.size; i++) {
      if (i > 0 && i % STATIONS_PER_SLICE === 0) await letGo();
      const key = Math.floor(this.#y[i]! * scale) * scale + Math.floor(this.#x[i]! * scale);
      const list = this.#pointsByTile.get(key);
      if (list === undefined) this.#pointsByTile.set(key, [i]);
      else list.push(i);
    }
  }

  /** The deepest level from the stations, then each level from the one below it. */
  async #buildLevels(): Promise<void> {
    const deepest = STATION_TILE_CLUSTER_MAX_ZOOM;
    const side = STATION_TILE_CELLS * 2 ** deepest;
    const cellByKey = new Map<number, number>();
    const firstCx: number[] = [];
    const firstCy: number[] = [];
    for (let i = 0; i < this.size; i++) {
      if (i > 0 && i % STATIONS_PER_SLICE === 0) await letGo();
      const cx = Math.floor(this.#x[i]! * side);
      const cy = Math.floor(this.#y[i]! * side);
      const key = cy * side + cx;
      let cell = cellByKey.get(key);
      if (cell === undefined) {
        cell = firstCx.length;
        cellByKey.set(key, cell);
        firstCx.push(cx);
        firstCy.push(cy);
      }
      this.#cellOf[i] = cell;
    }
    const level = this.#emptyLevel(Int32Array.from(firstCx), Int32Array.from(firstCy));
    for (let i = 0; i < this.size; i++) {
      const cell = this.#cellOf[i]!;
      level.count[cell]!++;
      level.sumX[cell]! += this.#x[i]!;
      level.sumY[cell]! += this.#y[i]!;
      level.perState[cell * STATE_COUNT + this.#rank[i]!]!++;
      level.member[cell] = i;
    }
    this.#levels[deepest] = level;
    for (let z = deepest - 1; z >= 0; z--) {
      await letGo();
      this.#levels[z] = this.#levelAbove(this.#levels[z + 1]!, z);
    }
    for (let z = 0; z <= deepest; z++) {
      await letGo();
      this.#indexTiles(this.#levels[z]!, z);
    }
  }

  /** The level at zoom z from the one at z + 1: each cell joins the cell at half its column and row. */
  #levelAbove(below: Level, z: number): Level {
    const side = STATION_TILE_CELLS * 2 ** z;
    const cellByKey = new Map<number, number>();
    const cxs: number[] = [];
    const cys: number[] = [];
    for (let c = 0; c < below.cx.length; c++) {
      const cx = below.cx[c]! >> 1;
      const cy = below.cy[c]! >> 1;
      const key = cy * side + cx;
      let cell = cellByKey.get(key);
      if (cell === undefined) {
        cell = cxs.length;
        cellByKey.set(key, cell);
        cxs.push(cx);
        cys.push(cy);
      }
      below.parent[c] = cell;
    }
    const level = this.#emptyLevel(Int32Array.from(cxs), Int32Array.from(cys));
    for (let c = 0; c < below.cx.length; c++) {
      const cell = below.parent[c]!;
      level.count[cell]! += below.count[c]!;
      level.sumX[cell]! += below.sumX[c]!;
      level.sumY[cell]! += below.sumY[c]!;
      for (let s = 0; s < STATE_COUNT; s++)
        level.perState[cell * STATE_COUNT + s]! += below.perState[c * STATE_COUNT + s]!;
      level.member[cell] = below.member[c]!;
    }
    return level;
  }

  #emptyLevel(cx: Int32Array, cy: Int32Array): Level {
    const cells = cx.length;
    return {
      cx,
      cy,
      count: new Int32Array(cells),
      sumX: new Float64Array(cells),
      sumY: new Float64Array(cells),
      perState: new Int32Array(cells * STATE_COUNT),
      member: new Int32Array(cells),
      parent: new Int32Array(cells).fill(-1),
      byTile: new Map(),
    };
  }

  #indexTiles(level: Level, z: number): void {
    const scale = 2 ** z;
    for (let c = 0; c < level.cx.length; c++) {
      const key = Math.floor(level.cy[c]! / STATION_TILE_CELLS) * scale + Math.floor(level.cx[c]! / STATION_TILE_CELLS);
      const list = level.byTile.get(key);
      if (list === undefined) level.byTile.set(key, [c]);
      else list.push(c);
    }
  }
}
