/**
 * The station tiles' grid (issue 16, item 2): every station is counted once at every zoom, a cluster's worst state is
 * its most urgent station's and follows changes of state both ways, and a tile holds only what lies inside it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STATION_TILE_CLUSTER_MAX_ZOOM, STATION_TILE_MAX_ZOOM } from '../../shared/schemas/map';
import { STATION_STATES } from '../../shared/station-state';
import {
  STATION_TILE_EXTENT,
  StationTileGrid,
  abbreviateCount,
  project,
  type GridStation,
} from '../../server/modules/stations/station-tile-grid';

const NEVER = STATION_STATES.indexOf('never_visited');
const CRITICAL = STATION_STATES.indexOf('critical');
const PRESENT = STATION_STATES.indexOf('present');

/** A deterministic spread of stations over a region about 2° wide. */
function stationsAround(count: number): GridStation[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `s${i}`,
    code: String(1000 + i),
    lng: 74 + ((i * 7919) % 2000) / 1000,
    lat: 42 + ((i * 104729) % 1500) / 1000,
    rank: NEVER,
    badge: false,
  }));
}

/** Every feature of every tile at zoom z that holds a station. */
function allFeatures(grid: StationTileGrid, stations: GridStation[], z: number) {
  const tiles = new Set(
    stations.map((s) => {
      const [x, y] = project(s.lng, s.lat);
      return `${Math.floor(x * 2 ** z)}/${Math.floor(y * 2 ** z)}`;
    }),
  );
  return [...tiles].flatMap((key) => {
    const [x, y] = key.split('/').map(Number) as [number, number];
    return grid.tileFeatures(z, x, y);
  });
}

describe('the station tile grid', () => {
  const stations = stationsAround(3000);
  let grid: StationTileGrid;
  beforeAll(async () => {
    grid = await StationTileGrid.build(stations);
  });

  it('counts every station exactly once at every zoom, as clusters or as itself', () => {
    for (let z = 0; z <= STATION_TILE_MAX_ZOOM; z++) {
      const features = allFeatures(grid, stations, z);
      const counted = features.reduce((sum, f) => sum + Number(f.tags?.point_count ?? 1), 0);
      expect(counted, `zoom ${z}`).toBe(stations.length);
      for (const f of features) {
        const [[px, py]] = f.geometry as [[number, number]];
        expect(px).toBeGreaterThanOrEqual(0);
        expect(py).toBeGreaterThanOrEqual(0);
        expect(px).toBeLessThanOrEqual(STATION_TILE_EXTENT);
        expect(py).toBeLessThanOrEqual(STATION_TILE_EXTENT);
      }
    }
    // Zoomed out the whole region is a handful of clusters; past the cluster zooms every station stands alone.
    expect(allFeatures(grid, stations, 3).length).toBeLessThan(5);
    const near = allFeatures(grid, stations, STATION_TILE_CLUSTER_MAX_ZOOM + 1);
    expect(near.every((f) => f.tags?.point_count === undefined)).toBe(true);
  });

  it("keeps each cluster's worst state as its most urgent station's, through changes both ways", () => {
    const worstAt = (z: number) => allFeatures(grid, stations, z).map((f) => f.tags?.worst);
    expect(new Set(worstAt(2))).toEqual(new Set([NEVER]));

    expect(grid.setState('s42', CRITICAL, false)).toBe(true);
    expect(grid.setState('s43', PRESENT, true)).toBe(true);
    // Up to zoom 8 this spread leaves no station alone in its cell: s42 is in a cluster, which turns critical.
    for (let z = 0; z <= 8; z++) {
      const clusters = allFeatures(grid, stations, z).filter((f) => f.tags?.point_count !== undefined);
      expect(
        clusters.filter((f) => f.tags?.worst === CRITICAL),
        `zoom ${z}`,
      ).toHaveLength(1);
    }
    const alone = allFeatures(grid, stations, STATION_TILE_MAX_ZOOM);
    expect(alone.find((f) => f.tags?.id === 's42')?.tags).toMatchObject({ state: 'critical', badge: '' });
    expect(alone.find((f) => f.tags?.id === 's43')?.tags).toMatchObject({ state: 'present', badge: 'minor' });

    grid.setState('s42', NEVER, false);
    grid.setState('s43', NEVER, false);
    expect(new Set(worstAt(2))).toEqual(new Set([NEVER]));
    expect(grid.setState('not-a-station', CRITICAL, false)).toBe(false);
  });

  it('writes counts as MapLibre does', () => {
    expect([abbreviateCount(999), abbreviateCount(1234), abbreviateCount(98_765)]).toEqual(['999', '1.2k', '99k']);
  });
});
