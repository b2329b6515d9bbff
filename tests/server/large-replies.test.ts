/**
 * Issue 16, item 1: the whole station list is built once per version, kept compressed, and served with an ETag. A
 * repeat answers 304; any change (an event, a station placed, an import) gives a new ETag and the new list at once.
 */
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationsReply, type Station } from '../../shared/schemas/stations';
import { buildTestApp, FIXTURE_PASSWORD, rowsOf, type Driver, type TestApp } from '../helpers/app';
import { arrival, checklist, finding, join, login, postEvents } from '../helpers/events';
import { listStations } from '../../server/modules/stations/stations.repository';
import { postgresAvailable } from '../helpers/services';
import { NATIONAL_MAPPING, nationalList } from '../helpers/national-list';

const BISHKEK: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];
const isStationsReply = Compile(StationsReply);

describe.each(drivers)('the cached, compressed station list on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let phone: { token: string; teamId: string };

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    phone = await join(t.app, t.own.joinCodes[0]!.code);
  }, 60_000);
  afterAll(async () => t?.close());

  const get = (headers: Record<string, string> = {}, token = coordinator) =>
    t.app.inject({ method: 'GET', url: '/api/stations', headers: { authorization: `Bearer ${token}`, ...headers } });

  /** The list as a browser would read it: gzip asked for, the body inflated. */
  async function read(headers: Record<string, string> = {}, token = coordinator) {
    const res = await get({ 'accept-encoding': 'gzip', ...headers }, token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(res.rawPayload).toString('utf8')) as StationsReply;
    return { res, body, etag: String(res.headers.etag) };
  }

  it('sends the same list in every encoding, valid against the reply schema, with an ETag and no-cache', async () => {
    const { res, body, etag } = await read();
    expect(isStationsReply.Check(body)).toBe(true);
    expect(body.stations.length).toBeGreaterThan(0);
    expect(etag).toMatch(/^W\/".+"$/);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers.vary).toContain('accept-encoding');

    const br = await get({ 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(body);

    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json()).toEqual(body);
    // The list is ordered by code, as it always was.
    const codes = body.stations.map((s) => s.code);
    expect(codes).toEqual([...codes].sort());
  });

  it('answers a repeat with 304 and no body, for any reader of the mission', async () => {
    const { etag } = await read();
    const again = await get({ 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect((await get({ 'if-none-match': etag }, t.own.displayToken)).statusCode).toBe(304);
    // Another mission's list is another resource: its tag never matches this one's.
    const other = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    expect((await get({ 'if-none-match': etag }, other)).statusCode).toBe(200);
  });

  it('gives a new ETag and the new status as soon as an event is stored (a read after a write sees it)', async () => {
    const before = await read();
    const station = before.body.stations.find((s) => s.status.presentTeamIds.length === 0)!;
    const stored = await postEvents(t.app, phone.token, [arrival(phone.teamId, station.id, 5)]);
    expect(stored.json().results[0].status).toBe('stored');

    const after = await read({ 'if-none-match': before.etag });
    expect(after.etag).not.toBe(before.etag);
    expect(after.body.head).toBeGreaterThan(before.body.head);
    const seen = after.body.stations.find((s) => s.id === station.id)!;
    expect(seen.status.presentTeamIds).toEqual([phone.teamId]);
    expect(seen.status.updatedSeq).toBe(after.body.head);
  });

  it('gives a new ETag when a station is placed, which moves no log head', async () => {
    const before = await read();
    const station = before.body.stations[0]!;
    const placed = await t.app.inject({
      method: 'PUT',
      url: `/api/stations/${station.id}/position`,
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { lat: 42.8711, lng: 74.6011 },
    });
    expect(placed.statusCode, placed.body).toBe(200);

    const after = await read({ 'if-none-match': before.etag });
    expect(after.body.head).toBe(before.body.head);
    expect(after.etag).not.toBe(before.etag);
    expect(after.body.stations.find((s) => s.id === station.id)).toMatchObject({ lat: 42.8711, lng: 74.6011 });
  });

  it("serves the map's district areas once per version of the stations: an event keeps its ETag, a placement not", async () => {
    const map = (headers: Record<string, string> = {}, token = coordinator) =>
      t.app.inject({ method: 'GET', url: '/api/map', headers: { authorization: `Bearer ${token}`, ...headers } });
    const first = await map({ 'accept-encoding': 'gzip' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    const etag = String(first.headers.etag);
    const areas = JSON.parse(gunzipSync(first.rawPayload).toString('utf8'));
    expect(areas.districts.features.length).toBeGreaterThan(0);
    // Any reader of the mission may revalidate it; walls and phones load the same areas.
    expect((await map({ 'if-none-match': etag }, t.own.displayToken)).statusCode).toBe(304);

    const { body } = await read();
    const free = body.stations.find((s) => s.status.presentTeamIds.length === 0)!;
    expect((await postEvents(t.app, phone.token, [arrival(phone.teamId, free.id, 4)])).json().results[0].status).toBe(
      'stored',
    );
    expect((await map({ 'if-none-match': etag })).statusCode).toBe(304);

    // A station placed far off stretches its district's area: a new version, built afresh.
    const moved = body.stations[0]!;
    const placed = await t.app.inject({
      method: 'PUT',
      url: `/api/stations/${moved.id}/position`,
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { lat: 42.93, lng: 74.67 },
    });
    expect(placed.statusCode, placed.body).toBe(200);
    const after = await map({ 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(after.json().districts).not.toEqual(areas.districts);
  });

  it('gives a new ETag after an import that changes a station, and keeps it after one that changes nothing', async () => {
    const before = await read();
    const station: Station = before.body.stations[1]!;
    const importCsv = (name: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/stations/import',
        headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
        payload: `number,district,name\n${station.number},${station.district},${name}\n`,
      });
    expect((await importCsv('Renamed school')).statusCode).toBe(200);
    const renamed = await read({ 'if-none-match': before.etag });
    expect(renamed.etag).not.toBe(before.etag);
    expect(renamed.body.stations.find((s) => s.id === station.id)?.name).toBe('Renamed school');

    expect((await importCsv('Renamed school')).statusCode).toBe(200);
    expect((await get({ 'if-none-match': renamed.etag })).statusCode).toBe(304);
  });

  it('answers many readers at once with one and the same list', async () => {
    t.app.encodedReplies.clear();
    // Two at a time per token is what a token may have in flight (large-reads.ts): ten readers, two reads each.
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD)),
    );
    const replies = await Promise.all(tokens.flatMap((token) => [read({}, token), read({}, token)]));
    expect(new Set(replies.map((r) => r.etag)).size).toBe(1);
    for (const reply of replies) expect(reply.body).toEqual(replies[0]!.body);
  });

  it('builds a list large enough to fill the compressors (5,000 more stations) for several readers at once', async () => {
    // A list of a few megabytes makes both compressors push back on every page: the build must wait for each of them
    // without missing either one's drain (it once hung here for good).
    const list = nationalList({ stations: 5_000, bounds: BISHKEK, seed: 16 });
    const imported = await t.app.inject({
      method: 'POST',
      url: `/api/stations/import?mapping=${encodeURIComponent(JSON.stringify(NATIONAL_MAPPING))}`,
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
      payload: list.csv,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    if (driver === 'postgres') {
      // A bulk import refreshes the planner's statistics, or each page of the list is planned as a full sort.
      const [stats] = rowsOf<{ analyzed: boolean }>(
        await t.database.db.execute(
          sql`select last_analyze is not null as analyzed from pg_stat_user_tables where relname = 'stations'`,
        ),
      );
      expect(stats?.analyzed).toBe(true);
    }
    t.app.encodedReplies.clear();
    const [one, two] = await Promise.all([read(), read()]);
    expect(one.body.stations.length).toBeGreaterThan(5_000);
    expect(two.etag).toBe(one.etag);
  });

  it('writes every station as the row-by-row reply does (Postgres makes the JSON of the whole list)', async () => {
    // The whole list's pages are JSON made by Postgres; the small replies map rows in Node (toStation). A station seen
    // through both must be the same object: present teams, visit times, assessments, open findings, unplaced ones.
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/stations/import',
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
      payload:
        'number,district,name,address,lat,lng,registered_voters\n' +
        '9001,Sverdlovsky,"Unplaced school, ""No. 9""",,,,\n' +
        '9002,Sverdlovsky,Exact point,Ул. Токтогула 1,42.87000000000001,74.60000000000002,1250\n',
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const { body } = await read();
    const free = body.stations.filter((s) => s.status.presentTeamIds.length === 0);
    const [visited, assessed] = [free[0]!, free[1]!];
    const stored = await postEvents(t.app, phone.token, [
      arrival(phone.teamId, visited.id, 9),
      finding(phone.teamId, visited.id, 'serious', 8),
      checklist(phone.teamId, assessed.id, 'very_bad', 'opening'),
    ]);
    expect(stored.json().results.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored', 'stored']);

    const after = await read();
    const rowByRow = await listStations(t.database.db, t.own.missionId);
    expect(after.body.stations.length).toBe(rowByRow.length);
    expect(after.body.stations).toEqual(rowByRow);
    expect(isStationsReply.Check(after.body)).toBe(true);
    const seen = after.body.stations.find((s) => s.id === visited.id)!;
    expect(seen.status).toMatchObject({ openFindings: 1, worstOpenSeverity: 'serious' });
    expect(seen.status.firstVisitAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(after.body.stations.find((s) => s.id === assessed.id)!.status.latestAssessments.opening?.assessment).toBe(
      'very_bad',
    );
    expect(after.body.stations.find((s) => s.number === '9001')).toMatchObject({ lat: null, lng: null, address: '' });
    expect(after.body.stations.find((s) => s.number === '9002')).toMatchObject({
      lat: 42.87000000000001,
      lng: 74.60000000000002,
      registeredVoters: 1250,
    });
  });

  it('compresses other large replies by Accept-Encoding, and leaves small ones alone', async () => {
    const coverage = await t.app.inject({
      method: 'GET',
      url: '/api/teams',
      headers: { authorization: `Bearer ${coordinator}`, 'accept-encoding': 'gzip' },
    });
    expect(coverage.statusCode).toBe(200);
    expect(coverage.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(coverage.rawPayload).toString('utf8')).teams.length).toBeGreaterThan(0);
    const health = await t.app.inject({ method: 'GET', url: '/health', headers: { 'accept-encoding': 'gzip' } });
    expect(health.headers['content-encoding']).toBeUndefined();
  });
});
