/** The coordinator's station panel, team trails and map settings over the real API, on PGlite and on Postgres. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATION_HISTORY_LIMIT } from '../../shared/schemas/map';
import { districtAreas } from '../../server/modules/map/map.service';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import {
  arrival,
  checklist,
  departure,
  finding,
  getJson,
  join,
  login,
  minutesAgo,
  postEvents,
} from '../helpers/events';
import { postgresAvailable } from '../helpers/services';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

describe.each(drivers)('station detail, trails and map settings on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let otherCoordinator: string;
  let phone: { token: string; teamId: string };
  let stations: { id: string; lat: number; lng: number; district: string }[];
  let otherStationId: string;

  const store = async (token: string, events: object[]) => {
    const results = (await postEvents(t.app, token, events)).json().results;
    for (const result of results) expect(result.status, JSON.stringify(result)).toBe('stored');
  };

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    phone = await join(t.app, t.own.joinCodes[0]!.code);
    stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations;
    otherStationId = (await getJson(t.app, otherCoordinator, '/api/stations')).body.stations[0].id;
  }, 60_000);
  afterAll(async () => t?.close());

  it("tells a station's story: visits with call sign, checklist answers with question labels, findings with status, history newest first", async () => {
    const station = stations[0]!;
    const critical = finding(phone.teamId, station.id, 'critical', 20);
    await store(phone.token, [
      arrival(phone.teamId, station.id, 40),
      checklist(phone.teamId, station.id, 'very_bad'),
      critical,
      departure(phone.teamId, station.id, 10),
    ]);
    await store(coordinator, [
      {
        id: randomUUID(),
        type: 'finding_status',
        findingId: critical.id,
        status: 'acknowledged',
        occurredAt: minutesAgo(5),
      },
    ]);

    const { status, body } = await getJson(t.app, coordinator, `/api/stations/${station.id}/detail`);
    expect(status).toBe(200);
    expect(body.station).toMatchObject({
      id: station.id,
      status: { visitCount: 1, openFindings: 1, worstOpenSeverity: 'critical' },
    });
    expect(body.visits).toEqual([
      expect.objectContaining({
        teamId: phone.teamId,
        callSign: 'T01',
        closedBy: 'departure',
        departedAt: expect.any(String),
        arrivedAt: expect.any(String),
      }),
    ]);
    expect(Date.parse(body.visits[0].departedAt)).toBeGreaterThan(Date.parse(body.visits[0].arrivedAt));
    const [filed] = body.checklists;
    expect(filed).toMatchObject({ callSign: 'T01', phase: 'voting', assessment: 'very_bad', form: 'voting-v1' });
    expect(filed.formTitle).not.toBe('voting-v1');
    const secrecy = filed.answers.find((answer: { questionId: string }) => answer.questionId === 'secrecy');
    expect(secrecy.value).toBe(false);
    expect(secrecy.label).not.toBe('secrecy');
    // A multiple-choice answer is shown by its options' labels, not their ids.
    const issues = filed.answers.find((answer: { questionId: string }) => answer.questionId === 'issues');
    expect(issues.value).toHaveLength(1);
    expect(issues.value[0]).not.toBe('overcrowding');
    expect(issues.value[0]).toMatch(/crowd/i);
    expect(body.findings).toEqual([
      expect.objectContaining({
        id: critical.id,
        severity: 'critical',
        status: 'acknowledged',
        callSign: 'T01',
        text: critical.text,
        category: 'ballot_stuffing',
      }),
    ]);
    expect(body.findings[0].categoryLabel).not.toBe('ballot_stuffing');
    expect(body.history.map((event: { type: string }) => event.type)).toEqual([
      'finding_status',
      'departure',
      'finding',
      'checklist',
      'arrival',
    ]);
    expect(body.historyTruncated).toBe(false);
    expect(body.head).toBeGreaterThanOrEqual(body.history[0].seq);
  });

  it('bounds the history and says so', async () => {
    const station = stations[1]!;
    const positions = Array.from({ length: STATION_HISTORY_LIMIT + 5 }, (_, i) => ({
      id: randomUUID(),
      type: 'position',
      teamId: phone.teamId,
      stationId: station.id,
      occurredAt: minutesAgo(200 - i),
      position: { lat: station.lat, lng: station.lng },
    }));
    await store(phone.token, positions);
    const { body } = await getJson(t.app, coordinator, `/api/stations/${station.id}/detail`);
    expect(body.history).toHaveLength(STATION_HISTORY_LIMIT);
    expect(body.historyTruncated).toBe(true);
    expect(body.history[0].seq).toBeGreaterThan(body.history[1].seq);
  });

  it("answers 404 for another mission's station or an unknown one, 400 for a malformed id, 403 for teams and displays", async () => {
    expect((await getJson(t.app, coordinator, `/api/stations/${otherStationId}/detail`)).status).toBe(404);
    expect((await getJson(t.app, coordinator, `/api/stations/${randomUUID()}/detail`)).status).toBe(404);
    const malformed = await getJson(t.app, coordinator, '/api/stations/not-a-uuid/detail');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/stationId/);
    expect((await getJson(t.app, phone.token, `/api/stations/${stations[0]!.id}/detail`)).status).toBe(403);
    expect((await getJson(t.app, t.own.displayToken, `/api/stations/${stations[0]!.id}/detail`)).status).toBe(403);
  });

  it('gives each team its last places oldest first, from reported positions or else the station checked in at', async () => {
    const second = await join(t.app, t.own.joinCodes[1]!.code);
    await store(second.token, [
      arrival(second.teamId, stations[2]!.id, 30),
      {
        id: randomUUID(),
        type: 'position',
        teamId: second.teamId,
        occurredAt: minutesAgo(5),
        position: { lat: 42.9, lng: 74.7 },
      },
    ]);
    const { status, body } = await getJson(t.app, coordinator, '/api/teams/trails');
    expect(status).toBe(200);
    const trail = body.trails.find((candidate: { teamId: string }) => candidate.teamId === second.teamId);
    expect(trail.callSign).toBe('T02');
    expect(trail.points.map((point: { lat: number; lng: number }) => [point.lat, point.lng])).toEqual([
      [stations[2]!.lat, stations[2]!.lng],
      [42.9, 74.7],
    ]);
    const first = body.trails.find((candidate: { teamId: string }) => candidate.teamId === phone.teamId);
    expect(first.points).toHaveLength(10);
    expect(first.points[0].seq).toBeLessThan(first.points[9].seq);
    expect((await getJson(t.app, t.own.displayToken, '/api/teams/trails')).status).toBe(403);
    expect((await getJson(t.app, phone.token, '/api/teams/trails')).status).toBe(403);
    // The other mission's teams never appear.
    expect((await getJson(t.app, otherCoordinator, '/api/teams/trails')).body.trails).toEqual([]);
  });

  it('serves the offline map settings with approximate district areas holding their stations, and glyphs without a token', async () => {
    const { status, body } = await getJson(t.app, t.own.displayToken, '/api/map');
    expect(status).toBe(200);
    expect(body).toMatchObject({ styleUrl: null, pmtilesUrl: null, font: 'Noto Sans Regular' });
    expect(
      body.districts.features.map(
        (f: { properties: { district: string; stationCount: number; approximate: boolean } }) => f.properties,
      ),
    ).toEqual([
      { district: 'Leninsky', stationCount: 2, approximate: true },
      { district: 'Sverdlovsky', stationCount: 1, approximate: true },
    ]);
    const glyphs = await t.app.inject({
      method: 'GET',
      url: body.glyphs.replace('{fontstack}', encodeURIComponent('Noto Sans Regular')).replace('{range}', '0-255'),
    });
    expect(glyphs.statusCode).toBe(200);
    expect(glyphs.headers['content-type']).toBe('application/x-protobuf');
    expect(glyphs.rawPayload.length).toBeGreaterThan(1000);
    expect((await t.app.inject({ method: 'GET', url: '/api/map/glyphs/Any%20Font/0-255.pbf' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/map/glyphs/x/3-7.pbf' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/map/glyphs/x/..%2F..%2Fpackage.json' })).statusCode).toBe(
      400,
    );
  });
});

describe('district areas', () => {
  function inside([x, y]: [number, number], ring: [number, number][]): boolean {
    let hit = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  }

  it('draws one closed area per district that holds every one of its stations (inside, or on its edge)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const points = Array.from({ length: 300 }, (_, i) => ({
      district: i % 3 === 0 ? 'North' : 'South',
      lat: (i % 3 === 0 ? 43 : 42.8) + random() * 0.1,
      lng: 74.5 + random() * 0.2,
    }));
    points.push({ district: 'Lonely', lat: 42.5, lng: 74.1 });
    const areas = districtAreas(points);
    expect(areas.map((area) => area.properties.district)).toEqual(['Lonely', 'North', 'South']);
    for (const area of areas) {
      const ring = area.geometry.coordinates[0]! as [number, number][];
      expect(ring[0]).toEqual(ring.at(-1));
      const vertices = new Set(ring.map((vertex) => vertex.join()));
      for (const point of points.filter((p) => p.district === area.properties.district)) {
        expect(
          inside([point.lng, point.lat], ring) || vertices.has(`${point.lng},${point.lat}`),
          `${area.properties.district} ${point.lng},${point.lat}`,
        ).toBe(true);
      }
    }
  });
});

describe('local PMTiles basemap', () => {
  let t: TestApp;
  let bytes: Buffer;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-pmtiles-'));
    const file = path.join(dir, 'city basemap.pmtiles');
    bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
    writeFileSync(file, bytes);
    writeFileSync(path.join(dir, 'secret.txt'), 'not for browsers');
    t = await buildTestApp('pglite', { mapPmtiles: file });
  });
  afterAll(async () => t?.close());

  it('is announced in the map settings and served by byte ranges, and nothing else in its folder is', async () => {
    const coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const { body } = await getJson(t.app, coordinator, '/api/map');
    expect(body.pmtilesUrl).toBe('/api/map/basemap/city%20basemap.pmtiles');
    const ranged = await t.app.inject({ method: 'GET', url: body.pmtilesUrl, headers: { range: 'bytes=100-227' } });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['content-range']).toBe('bytes 100-227/4096');
    expect(Buffer.compare(ranged.rawPayload, bytes.subarray(100, 228))).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: '/api/map/basemap/secret.txt' })).statusCode).toBe(404);
  });
});
