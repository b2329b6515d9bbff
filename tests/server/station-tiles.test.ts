/**
 * Issue 16, item 2: the stations as vector tiles. Clusters carry their count and the rank of their worst station,
 * single stations their id (the map's feature id) and state; tiles follow the station states at the refresh interval;
 * ETag and 304; a wall gets no more than it may see; bad coordinates are refused naming the problem.
 */
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Station } from '../../shared/schemas/stations';
import { STATION_TILE_LAYER } from '../../shared/schemas/map';
import { STATION_STATES } from '../../shared/station-state';
import { project } from '../../server/modules/stations/station-tile-grid';
import { createStationTilesService } from '../../server/modules/stations/station-tiles.service';
import { TILED_MAP_MIN_STATIONS } from '../../shared/constants';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { arrival, finding, getJson, join, login, postEvents } from '../helpers/events';
import { postgresAvailable } from '../helpers/services';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

/** The tile at zoom z that holds a position. */
function tileOf(z: number, lng: number, lat: number): [number, number] {
  const [x, y] = project(lng, lat);
  return [Math.floor(x * 2 ** z), Math.floor(y * 2 ** z)];
}

interface Decoded {
  properties: Record<string, unknown>;
  id: number | undefined;
}

describe.each(drivers)('station vector tiles on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let phone: { token: string; teamId: string };
  let stations: Station[];

  beforeAll(async () => {
    // 0: every request brings the tiles up to date, so a test sees its own event without waiting.
    t = await buildTestApp(driver, { stationTilesRefreshMs: 0 });
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    phone = await join(t.app, t.own.joinCodes[0]!.code);
    stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as Station[];
  }, 60_000);
  afterAll(async () => t?.close());

  const get = (url: string, token = coordinator, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } });

  /** Tile z of the first station, read as MapLibre reads it (gzip asked for), with its features decoded. */
  async function tileAt(z: number, token = coordinator) {
    const first = stations[0]!;
    const [x, y] = tileOf(z, first.lng!, first.lat!);
    const res = await get(`/api/stations/tiles/${z}/${x}/${y}`, token, { 'accept-encoding': 'gzip' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['content-encoding']).toBe('gzip');
    const tile = new VectorTile(new PbfReader(gunzipSync(res.rawPayload)));
    const layer = tile.layers[STATION_TILE_LAYER];
    const features: Decoded[] = [];
    for (let i = 0; i < (layer?.length ?? 0); i++) {
      const feature = layer!.feature(i);
      features.push({ properties: feature.properties, id: feature.id });
    }
    return { res, features, url: `/api/stations/tiles/${z}/${x}/${y}`, etag: String(res.headers.etag) };
  }

  it('gathers the stations zoomed out in one cluster with their count, and shows each station zoomed in', async () => {
    const { features } = await tileAt(4);
    expect(features).toHaveLength(1);
    expect(features[0]!.properties).toEqual({
      point_count: 3,
      point_count_abbreviated: '3',
      worst: STATION_STATES.indexOf('never_visited'),
    });

    const near = await tileAt(13);
    const ids = near.features.map((f) => f.properties.id).sort();
    expect(ids).toEqual(
      stations
        .filter((s) => tileOf(13, s.lng!, s.lat!).join() === tileOf(13, stations[0]!.lng!, stations[0]!.lat!).join())
        .map((s) => s.id)
        .sort(),
    );
    expect(near.features[0]!.properties).toMatchObject({ state: 'never_visited', badge: '' });
    expect(typeof near.features[0]!.properties.number).toBe('string');
  });

  it("follows the stations' states: a critical finding makes the cluster's worst critical and the station critical", async () => {
    const before = await tileAt(4);
    const target = stations[0]!;
    await postEvents(t.app, phone.token, [arrival(phone.teamId, target.id), finding(phone.teamId, target.id)]);

    const after = await tileAt(4);
    expect(after.features[0]!.properties).toMatchObject({ point_count: 3, worst: 0 });
    expect(after.etag).not.toBe(before.etag);
    const near = await tileAt(13);
    expect(near.features.find((f) => f.properties.id === target.id)?.properties.state).toBe('critical');
  });

  it('answers a repeat with 304 and no body while the tile is unchanged', async () => {
    const { url, etag } = await tileAt(6);
    expect(etag).toMatch(/^".+"$/);
    const again = await get(url, coordinator, { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    // The same tile without gzip is the same protobuf.
    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(new VectorTile(new PbfReader(plain.rawPayload)).layers[STATION_TILE_LAYER]?.length).toBe(1);
  });

  it('gives a wall only what it sees in the station list: ids, numbers, states, counts', async () => {
    const allowed = new Set(['id', 'number', 'state', 'badge', 'point_count', 'point_count_abbreviated', 'worst']);
    for (const z of [4, 13]) {
      const { features } = await tileAt(z, t.own.displayToken);
      expect(features.length).toBeGreaterThan(0);
      for (const feature of features) for (const key of Object.keys(feature.properties)) expect(allowed).toContain(key);
    }
    expect((await get('/api/stations/tiles/0/0/0', 'not-a-token')).statusCode).toBe(401);
  });

  it("shows another mission's coordinator none of this mission's stations", async () => {
    const other = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    const { features } = await tileAt(13, other);
    const ours = new Set(stations.map((s) => s.id));
    expect(features.length).toBeGreaterThan(0);
    for (const feature of features) expect(ours.has(String(feature.properties.id))).toBe(false);
  });

  it('refuses coordinates that are no tile, naming the problem', async () => {
    const cases: [string, string][] = [
      ['/api/stations/tiles/3/8/0', 'x must be below 8 at zoom 3'],
      ['/api/stations/tiles/3/0/9', 'y must be below 8 at zoom 3'],
      ['/api/stations/tiles/14/0/0', 'z'],
      ['/api/stations/tiles/-1/0/0', 'z'],
      ['/api/stations/tiles/2/a/0', 'x'],
    ];
    for (const [url, problem] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toContain(problem);
    }
  });
});

describe.each(drivers)('the stations summary on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;

  beforeAll(async () => {
    t = await buildTestApp(driver, { stationTilesRefreshMs: 60_000 });
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
  }, 60_000);
  afterAll(async () => t?.close());

  const get = (url: string, token: string) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('counts a city without counting its states: its page reads the whole list at once', async () => {
    const res = await get('/api/stations/summary', coordinator);
    expect(res.statusCode, res.body).toBe(200);
    const list = (await getJson(t.app, coordinator, '/api/stations')).body as { head: number; stations: Station[] };
    expect(res.json()).toEqual({ head: list.head, count: list.stations.length, counts: null });
  });

  it('is for coordinators, and refuses what it does not take', async () => {
    expect((await get('/api/stations/summary', t.own.displayToken)).statusCode).toBe(403);
    const phone = await join(t.app, t.own.joinCodes[0]!.code);
    expect((await get('/api/stations/summary', phone.token)).statusCode).toBe(403);
    expect((await get('/api/stations/summary', 'not-a-token')).statusCode).toBe(401);
    const odd = await get('/api/stations/summary?changedAfter=3', coordinator);
    expect(odd.statusCode).toBe(400);
  });
});

describe('the stations summary of a national mission', () => {
  /** A mission of TILED_MAP_MIN_STATIONS stations as the tiles service reads them, without a database. */
  function nationalStations(): Station[] {
    const base = {
      name: 'S',
      address: null,
      district: 'D',
      region: null,
      electoralDistrict: null,
      registeredVoters: null,
    };
    const status = {
      presentTeamIds: [],
      visitCount: 0,
      firstVisitAt: null,
      lastVisitAt: null,
      latestAssessments: {},
      openFindings: 0,
      worstOpenSeverity: null,
      updatedSeq: 0,
    };
    return Array.from({ length: TILED_MAP_MIN_STATIONS }, (_, i) => ({
      ...base,
      id: `s${i}`,
      number: String(i),
      code: String(i).padStart(6, '0'),
      // The last one has no position yet: no tile holds it, and the counts still do.
      lat: i === TILED_MAP_MIN_STATIONS - 1 ? null : 40 + (i % 100) / 100,
      lng: i === TILED_MAP_MIN_STATIONS - 1 ? null : 20 + Math.floor(i / 100) / 100,
      status: i < 3 ? { ...status, presentTeamIds: ['t'], visitCount: 1, updatedSeq: 5 } : status,
    })) as unknown as Station[];
  }

  it('is built ahead, counts every station per state, placed or not, and follows a change since', async () => {
    const all = nationalStations();
    let head = 5;
    let changed: Station[] = [];
    let builds = 0;
    const service = createStationTilesService(
      {
        count: async () => ({ head, count: all.length }),
        fieldsVersion: async () => 1,
        largeMissions: async () => ['m'],
        list: async () => ({ head, stations: changed }),
        readStatesInPages: async (_missionId, onHead, onPage) => {
          builds++;
          onHead(head);
          onPage(all);
        },
      },
      { refreshMs: 60_000 },
    );
    // Built ahead, at server start: the first summary (and the first tile) finds the grid ready.
    await service.warm();
    expect(builds).toBe(1);
    const first = await service.summary('m');
    expect(builds).toBe(1);
    expect(first).toEqual({
      head: 5,
      count: TILED_MAP_MIN_STATIONS,
      counts: { ...zeroCounts(), present: 3, never_visited: TILED_MAP_MIN_STATIONS - 3 },
    });

    // Within the tiles' refresh interval all the same: the summary is read fresh.
    const unplaced = all.at(-1)!;
    head = 6;
    changed = [{ ...unplaced, status: { ...unplaced.status, presentTeamIds: ['t'], visitCount: 1, updatedSeq: 6 } }];
    expect(await service.summary('m')).toEqual({
      head: 6,
      count: TILED_MAP_MIN_STATIONS,
      counts: { ...zeroCounts(), present: 4, never_visited: TILED_MAP_MIN_STATIONS - 4 },
    });
  });
});

function zeroCounts(): Record<string, number> {
  return Object.fromEntries(STATION_STATES.map((state) => [state, 0]));
}
