/**
 * National station lists: (district, number) identity with mission-unique codes, unplaced stations, the column mapping,
 * problems by kind with a CSV of all of them, honest counts, blank cells, search, a team's plan stations, placing a
 * station live, and a phone checking in at an unplaced station.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { arrival, getJson, join, login, postEvents } from '../helpers/events';
import { LiveDashboard, waitFor } from '../helpers/live-client';
import { NATIONAL_MAPPING, nationalList } from '../helpers/national-list';
import type { ImportPreviewReply, ImportReply, Station } from '../../shared/schemas/stations';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];
const BISHKEK: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];

describe.each(drivers)('national station lists on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  beforeEach(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
  });
  afterEach(async () => t?.close());

  const importCsv = (csv: string, query: Record<string, string> = {}, path = '/api/stations/import') =>
    t.app.inject({
      method: 'POST',
      url: `${path}?${new URLSearchParams(query)}`,
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
      payload: csv,
    });
  const stations = async () => (await getJson(t.app, coordinator, '/api/stations')).body.stations as Station[];

  it('imports 20,000 stations numbered per district through a mapping, with the same counts in the dry run and the import, and re-imports them as unchanged', async () => {
    const list = nationalList({ stations: 20_000, bounds: BISHKEK });

    const unmapped = await importCsv(list.csv, { dryRun: 'true' });
    expect(unmapped.statusCode).toBe(200);
    const refused = unmapped.json() as ImportPreviewReply;
    expect(refused.columns).toContain('Localitate');
    expect(refused.sample).toHaveLength(5);
    expect(refused.problemKinds.filter((k) => k.severity === 'error').map((k) => k.kind)).toEqual([
      'number: column is missing (map one)',
      'district: column is missing (map one)',
    ]);
    expect(refused.problems[0]!.problem).toContain('"Nr. secție", "Județ", "Localitate"');

    const mapping = JSON.stringify(NATIONAL_MAPPING);
    const dry = (await importCsv(list.csv, { dryRun: 'true', mapping })).json() as ImportPreviewReply;
    expect(dry.problemKinds.filter((k) => k.severity === 'error')).toEqual([]);
    expect(dry.counts).toEqual({ created: 20_000, updated: 0, unchanged: 0, unplaced: list.unplaced });
    const warnings = Object.fromEntries(
      dry.problemKinds.filter((k) => k.severity !== 'error').map((k) => [k.kind, k.count]),
    );
    expect(warnings['position 0,0']).toBe(list.zeroPoints);
    expect(warnings["position outside the mission's map area"]).toBe(list.farPoints);
    expect(warnings['no position → unplaced (not on the map)']).toBe(list.unplaced);
    expect(dry.rows.length).toBeLessThanOrEqual(2000);

    const imported = await importCsv(list.csv, { mapping });
    expect(imported.statusCode).toBe(200);
    const counts = imported.json() as ImportReply;
    expect({
      created: counts.created,
      updated: counts.updated,
      unchanged: counts.unchanged,
      unplaced: counts.unplaced,
    }).toEqual(dry.counts);

    const all = await stations();
    expect(all).toHaveLength(20_003);
    const first = all.find((s) => s.district === list.districts[0] && s.number === '1')!;
    expect(first.code).toBe(`${list.districts[0]}-1`);
    expect(first.region).toBe('Județul 0');
    expect(first.address).toContain(', bloc 0, scara "B"');
    expect(all.filter((s) => s.lat === null && s.lng === null)).toHaveLength(list.unplaced);
    expect(all.find((s) => s.number === '1001')!.code).toBe('1001'); // stored stations keep their codes
    // A station without a name is named by its address.
    const unnamed = all.find((s) => s.district === list.districts[0] && s.number === '1')!;
    expect(unnamed.name).toBe(unnamed.address);

    const again = (await importCsv(list.csv, { dryRun: 'true', mapping })).json() as ImportPreviewReply;
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 20_000 });
    const reimported = (await importCsv(list.csv, { mapping })).json() as ImportReply;
    expect(reimported).toMatchObject({ created: 0, updated: 0, unchanged: 20_000 });
  }, 240_000);

  it('downloads every problem as CSV, not only the first 500', async () => {
    const list = nationalList({ stations: 2_000, bounds: BISHKEK, unplacedShare: 0.5 });
    const res = await importCsv(
      list.csv,
      { mapping: JSON.stringify(NATIONAL_MAPPING) },
      '/api/stations/import/problems',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parse(res.body, { columns: true }) as { row: string; severity: string; kind: string }[];
    expect(rows.filter((r) => r.kind === 'no position → unplaced (not on the map)')).toHaveLength(list.unplaced);
    expect(rows.length).toBeGreaterThan(500);
  }, 60_000);

  it('blocks values out of range and a broken mapping, naming the columns', async () => {
    const bad = 'number,district,lat,lng\n1,A,95,74.6\n2,A,42.8,\n';
    const res = await importCsv(bad);
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([
      expect.objectContaining({ row: 1, field: 'lat', problem: 'must be a number between -90 and 90' }),
      expect.objectContaining({
        row: 2,
        field: 'lng',
        problem: 'is blank while the other coordinate is given: give both or neither',
      }),
    ]);
    const mapped = await importCsv(bad, { mapping: JSON.stringify({ number: 'Nr' }) });
    expect(mapped.statusCode).toBe(400);
    expect(mapped.json().problems[0].problem).toMatch(/no such column \(found: "number", "district", "lat", "lng"\)/);
    const nonsense = await importCsv(bad, { mapping: '{"colour":"x"}' });
    expect(nonsense.statusCode).toBe(400);
    expect(nonsense.json().message).toMatch(/"colour" is not a station field/);
    expect(await stations()).toHaveLength(3);
  });

  it('leaves stored values alone for blank cells unless told to clear them, and warns about a point far from its district', async () => {
    await importCsv('number,district,name,address,lat,lng,registered_voters\n1001,Leninsky,,,,,\n');
    let station = (await stations()).find((s) => s.code === '1001')!;
    expect(station).toMatchObject({
      name: 'School No. 1',
      address: 'Chui Ave 100',
      lat: 42.85,
      lng: 74.58,
      registeredVoters: 2000,
    });
    const dry = (
      await importCsv('number,district,lat,lng,registered_voters\n1001,Leninsky,,,\n', {
        dryRun: 'true',
        clear: 'lat,lng,registeredVoters',
      })
    ).json() as ImportPreviewReply;
    expect(dry.rows[0]).toMatchObject({ change: 'updated', changedFields: ['lat', 'lng', 'registeredVoters'] });
    await importCsv('number,district,lat,lng,registered_voters\n1001,Leninsky,,,\n', {
      clear: 'lat,lng,registeredVoters',
    });
    station = (await stations()).find((s) => s.code === '1001')!;
    expect(station).toMatchObject({ lat: null, lng: null, registeredVoters: null, name: 'School No. 1' });

    const district = [
      'number,district,lat,lng',
      ...[1, 2, 3, 4, 5].map((n) => `${n},Far,42.85${n},74.6${n}`),
      '6,Far,42.78,74.51',
    ].join('\n');
    const warned = (await importCsv(district, { dryRun: 'true' })).json() as ImportPreviewReply;
    expect(warned.problems).toEqual([
      expect.objectContaining({ row: 6, severity: 'warning', kind: "position far from its district's other stations" }),
    ]);
  });

  it('finds stations by code, name or address ignoring case, spaces and dashes, nearest first; phones may search, displays may not', async () => {
    await importCsv(
      'number,district,code,name,address,lat,lng\n12,A,AB-12,Școala 1,Strada Lungă 1,42.80,74.55\n12,B,AB-120,Școala 2,Strada Lungă 2,42.90,74.65\n7,B,,Liceul,Piața Mare,,\n',
    );
    const team = await join(t.app, t.own.joinCodes[0]!.code);
    const search = async (token: string, query: string) => getJson(t.app, token, `/api/stations/search?${query}`);
    const found = await search(team.token, 'q=ab%2012');
    expect(found.status).toBe(200);
    expect((found.body.stations as Station[]).map((s) => s.code)).toEqual(['AB-12', 'AB-120']);
    const near = await search(coordinator, 'q=strada%20lunga&near=42.9,74.65');
    expect(near.status).toBe(200);
    expect((near.body.stations as Station[]).map((s) => s.code)).toEqual([]); // "lunga" is not "lungă": diacritics count
    const nearest = await search(coordinator, 'q=strada%20lung%C4%83&near=42.9,74.65');
    expect((nearest.body.stations as Station[]).map((s) => s.code)).toEqual(['AB-120', 'AB-12']);
    const unplaced = await search(team.token, 'q=LICEUL');
    expect(unplaced.body.stations).toEqual([expect.objectContaining({ code: 'B-7', lat: null, lng: null })]);
    expect((await search(coordinator, 'q=ab&limit=51')).status).toBe(400);
    expect((await search(coordinator, 'q=ab&near=95,1')).status).toBe(400);
    const display = await t.app.inject({
      method: 'GET',
      url: '/api/stations/search?q=ab',
      headers: { authorization: `Bearer ${t.own.displayToken}` },
    });
    expect(display.statusCode).toBe(403);
  });

  it('gives a made-up code that would be searched like another one a slash instead of refusing the list', async () => {
    // "Sector 1" + 12 and "Sector 11" + 2 both make "sector112" once spaces and dashes are ignored, as search does.
    const csv = 'number,district,address\n12,Sector 1,Strada 1\n2,Sector 11,Strada 2\n2,Sector 1,Strada 3\n';
    const dryRes = await importCsv(csv, { dryRun: 'true' });
    expect(dryRes.statusCode, dryRes.body).toBe(200);
    const dry = dryRes.json() as ImportPreviewReply;
    expect(dry.counts.created).toBe(3);
    expect(dry.problemKinds).toContainEqual(expect.objectContaining({ kind: 'code: made unique with "/"', count: 1 }));
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(200);
    expect((res.json() as ImportReply).created).toBe(3);
    const codes = (await stations())
      .filter((s) => s.district.startsWith('Sector '))
      .map((s) => s.code)
      .sort();
    expect(codes).toEqual(['Sector 1-12', 'Sector 1-2', 'Sector 11/2']);
    const found = await getJson(t.app, coordinator, `/api/stations/search?q=${encodeURIComponent('sector 11/2')}`);
    expect((found.body.stations as Station[]).map((s) => s.code)).toEqual(['Sector 11/2']);
    // Re-importing keeps the codes the stations now have.
    const again = (await importCsv(csv, { dryRun: 'true' })).json() as ImportPreviewReply;
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
  });

  it('a phone loads only its plan, checks in at an unplaced station planned by code, and a coordinator places it live', async () => {
    await importCsv('number,district,address\n5,Alamedin,Ulitsa Lenina 5\n');
    const unplaced = (await stations()).find((s) => s.number === '5')!;
    expect(unplaced).toMatchObject({ code: '5', name: 'Ulitsa Lenina 5', lat: null, lng: null });
    const plan = await t.app.inject({
      method: 'POST',
      url: '/api/plan/import',
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
      payload: 'team,station,order\nT01, 5 ,1\nT01,1001,2\n',
    });
    expect(plan.statusCode).toBe(200);

    const team = await join(t.app, t.own.joinCodes[0]!.code);
    const mine = await getJson(t.app, team.token, '/api/stations/plan');
    expect(mine.status).toBe(200);
    expect((mine.body.stations as Station[]).map((s) => s.code).sort()).toEqual(['1001', '5']);
    expect((await getJson(t.app, coordinator, '/api/stations/plan')).status).toBe(403);

    const checkIn = await postEvents(t.app, team.token, [arrival(team.teamId, unplaced.id, 5)]);
    expect(checkIn.statusCode).toBe(200);
    expect((await stations()).find((s) => s.id === unplaced.id)!.status.visitCount).toBe(1);

    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address() as { port: number };
    const dashboard = new LiveDashboard(`http://127.0.0.1:${address.port}`, coordinator, 0);
    try {
      await dashboard.connected();
      const heard: Station[] = [];
      dashboard.socket.on('stations_changed', ({ stations: changed }) => heard.push(...changed));
      const placed = await t.app.inject({
        method: 'PUT',
        url: `/api/stations/${unplaced.id}/position`,
        headers: { authorization: `Bearer ${coordinator}` },
        payload: { lat: 42.87, lng: 74.61 },
      });
      expect(placed.statusCode).toBe(200);
      await waitFor(() => heard.length > 0, 10_000, 'stations_changed');
      expect(heard[0]).toMatchObject({ id: unplaced.id, lat: 42.87, lng: 74.61 });
      expect((await stations()).find((s) => s.id === unplaced.id)).toMatchObject({ lat: 42.87, lng: 74.61 });
      const byTeam = await t.app.inject({
        method: 'PUT',
        url: `/api/stations/${unplaced.id}/position`,
        headers: { authorization: `Bearer ${team.token}` },
        payload: { lat: 1, lng: 1 },
      });
      expect(byTeam.statusCode).toBe(403);
    } finally {
      dashboard.close();
    }
  });
});
