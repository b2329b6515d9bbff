/**
 * Coverage and the district export with a region above the district: each region carries its own totals (the sum of
 * its districts), each district names its region, and districts of a list without regions stay as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { arrival, checklist, finding, getJson, join, login, postEvents } from '../helpers/events';
import { NATIONAL_MAPPING, nationalList } from '../helpers/national-list';
import type { CoverageReply } from '../../shared/schemas/coverage';
import type { Station } from '../../shared/schemas/stations';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];
const BISHKEK: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];

describe.each(drivers)('coverage by region and district on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  const list = nationalList({ stations: 240, districts: 12, regions: 4, bounds: BISHKEK, seed: 13 });

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const imported = await t.app.inject({
      method: 'POST',
      url: `/api/stations/import?${new URLSearchParams({ mapping: JSON.stringify(NATIONAL_MAPPING) })}`,
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
      payload: list.csv,
    });
    expect(imported.statusCode).toBe(200);
  });
  afterAll(async () => t?.close());

  it('groups districts under their regions with the regions’ own totals, equal to the database', async () => {
    const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as Station[];
    // Visit two stations of one region's two different districts, and assess one of them.
    const region = list.regions[1]!;
    const [a, b] = list.districts.filter((d) => list.regionOf.get(d) === region);
    const atA = stations.find((s) => s.district === a && s.number === '1')!;
    const atB = stations.find((s) => s.district === b && s.number === '2')!;
    const team = await join(t.app, t.own.joinCodes[0]!.code);
    await postEvents(t.app, team.token, [
      arrival(team.teamId, atA.id, 40),
      checklist(team.teamId, atA.id, 'good', 'opening'),
      arrival(team.teamId, atB.id, 20),
    ]);

    const { status, body } = (await getJson(t.app, coordinator, '/api/coverage')) as {
      status: number;
      body: CoverageReply;
    };
    expect(status).toBe(200);

    expect(body.regions.map((r) => r.region)).toEqual([...list.regions].sort((x, y) => x.localeCompare(y)));
    for (const r of body.regions) {
      const parts = body.districts.filter((d) => d.region === r.region);
      expect(r.districts).toEqual(parts.map((d) => d.district));
      expect(r.districts.sort()).toEqual(list.districts.filter((d) => list.regionOf.get(d) === r.region).sort());
      expect(r.total).toBe(parts.reduce((n, d) => n + d.total, 0));
      expect(r.visited).toBe(parts.reduce((n, d) => n + d.visited, 0));
    }
    const byRegion = await t.database.db.execute(
      sql`select region, count(*)::int as n from stations where mission_id = ${t.own.missionId} and region is not null group by region`,
    );
    const rows = (Array.isArray(byRegion) ? byRegion : (byRegion as { rows: unknown[] }).rows) as {
      region: string;
      n: number;
    }[];
    expect(Object.fromEntries(body.regions.map((r) => [r.region, r.total]))).toEqual(
      Object.fromEntries(rows.map((r) => [r.region, r.n])),
    );

    const visitedRegion = body.regions.find((r) => r.region === region)!;
    expect(visitedRegion).toMatchObject({
      visited: 2,
      presentNow: 1,
      observedByPhase: { opening: 1, voting: 0, closing: 0 },
    });
    expect(visitedRegion.neverVisited).toBe(visitedRegion.total - 2);
    for (const other of body.regions.filter((r) => r.region !== region)) expect(other.visited).toBe(0);

    // The mission's own stations came without a region: their districts stay, last and outside every region.
    const plain = body.districts.filter((d) => d.region === null);
    expect(plain.length).toBeGreaterThan(0);
    expect(body.districts.slice(-plain.length)).toEqual(plain);
    expect(body.overall.total).toBe(body.districts.reduce((n, d) => n + d.total, 0));
  });

  it("districts.csv follows each region's districts with the region's own totals per phase, and leaves plain districts alone", async () => {
    const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as Station[];
    const team = await join(t.app, t.own.joinCodes[0]!.code);
    const [a, b] = list.districts.filter((d) => list.regionOf.get(d) === list.regions[2]);
    await postEvents(t.app, team.token, [
      finding(team.teamId, stations.find((s) => s.district === a && s.number === '3')!.id, 'serious', 15),
      finding(team.teamId, stations.find((s) => s.district === b && s.number === '4')!.id, 'minor', 14),
    ]);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/exports/districts.csv',
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(res.statusCode).toBe(200);
    const rows = parse(res.body, { columns: true, comment: '#', skip_empty_lines: true }) as Record<string, string>[];
    const coverage = (await getJson(t.app, coordinator, '/api/coverage')).body as CoverageReply;
    for (const region of coverage.regions) {
      const block = rows.filter((r) => r.region === region.region);
      // Its districts' rows first (three phases each), then its three total rows.
      expect(block.slice(-3).map((r) => [r.district, r.phase])).toEqual([
        ['', 'opening'],
        ['', 'voting'],
        ['', 'closing'],
      ]);
      expect(new Set(block.slice(0, -3).map((r) => r.district))).toEqual(new Set(region.districts));
      for (const phase of ['opening', 'voting', 'closing']) {
        const parts = block.filter((r) => r.phase === phase && r.district !== '');
        const total = block.find((r) => r.phase === phase && r.district === '')!;
        expect(Number(total.stations)).toBe(region.total);
        for (const key of ['stations', 'observed', 'good', 'findings_reported', 'findings_open']) {
          expect(Number(total[key]), `${region.region} ${phase} ${key}`).toBe(
            parts.reduce((n, r) => n + Number(r[key]), 0),
          );
        }
      }
      expect(Number(block.find((r) => r.phase === 'opening' && r.district === '')!.observed)).toBe(
        region.observedByPhase.opening,
      );
    }
    expect(
      Number(
        rows.find((r) => r.region === list.regions[2] && r.district === '' && r.phase === 'voting')!.findings_reported,
      ),
    ).toBe(2);
    // Districts without a region: their rows only, no total row.
    const plain = rows.filter((r) => r.region === '');
    expect(plain.every((r) => r.district !== '')).toBe(true);
    expect(plain).toHaveLength(coverage.districts.filter((d) => d.region === null).length * 3);
  });
});
