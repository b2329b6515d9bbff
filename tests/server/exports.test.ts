/**
 * Exports against the database: each file's rows are parsed back and compared with what SQL says the mission holds,
 * on PGlite and on Postgres; the chain head and DRILL marker are in every file; reading goes page by page.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { arrival, checklist, departure, finding, getJson, join, login, postEvents } from '../helpers/events';
import { DEFAULT_FIELD_KIT } from '../../server/modules/forms/default-kit';
import { EXPORT_PAGE_ROWS } from '../../server/modules/exports/exports.repository';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

describe.each(drivers)('exports on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let head: { seq: number; hash: string };
  const query = async <T>(text: string) =>
    rowsOf<T>(await t.database.db.execute(sql.raw(text.replaceAll('$MISSION', `'${t.own.missionId}'`))));

  async function download(file: string, token = coordinator) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/exports/${file}`,
      headers: { authorization: `Bearer ${token}` },
    });
    return res;
  }
  async function csv(file: string) {
    const res = await download(file);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const [comment] = res.body.split('\n', 1);
    return {
      comment: comment!,
      headers: res.headers,
      rows: parse(res.body, { comment: '#', columns: true, skip_empty_lines: true }) as Record<string, string>[],
    };
  }

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const t01 = await join(t.app, t.own.joinCodes[0]!.code);
    const t02 = await join(t.app, t.own.joinCodes[1]!.code);
    const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as {
      id: string;
      number: string;
    }[];
    const [s1, s2, s3] = stations.map((s) => s.id) as [string, string, string];
    const awkward = {
      ...finding(t01.teamId, s1, 'serious', 40),
      text: 'Ballots "folded", several;\nmore in the box, see photo',
    };
    await postEvents(t.app, t01.token, [
      arrival(t01.teamId, s1, 50),
      awkward,
      checklist(t01.teamId, s1, 'good'),
      departure(t01.teamId, s1, 35),
      arrival(t01.teamId, s3, 30),
    ]);
    await postEvents(t.app, t02.token, [
      arrival(t02.teamId, s1, 45),
      checklist(t02.teamId, s1, 'bad'),
      checklist(t02.teamId, s1, 'very_good', 'opening'),
      finding(t02.teamId, s2, 'minor', 20),
    ]);
    // The other mission's activity must never appear in this mission's exports.
    const otherTeam = await join(t.app, t.other.joinCodes[0]!.code);
    const otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    const otherStation = (await getJson(t.app, otherCoordinator, '/api/stations')).body.stations[0].id;
    await postEvents(t.app, otherTeam.token, [arrival(otherTeam.teamId, otherStation, 10)]);
    [head] = (await query<{ seq: number; hash: string }>(
      `select last_seq::int as seq, last_hash as hash from missions where id = $MISSION`,
    )) as [{ seq: number; hash: string }];
  });
  afterAll(async () => t?.close());

  it('every file names the chain head and whether it is a drill; only coordinators export', async () => {
    for (const file of [
      'events.csv',
      'visits.csv',
      'checklists.csv',
      'findings.csv',
      'stations.csv',
      'districts.csv',
    ]) {
      const { comment, headers } = await csv(file);
      expect(comment).toContain(`chain head seq=${head.seq} hash=${head.hash}`);
      expect(comment).toContain('live record');
      expect(headers['x-vigil-chain-head']).toBe(`${head.seq}:${head.hash}`);
      expect(headers['x-vigil-drill']).toBe('false');
    }
    for (const file of ['findings.geojson', 'stations.geojson']) {
      const res = await download(file);
      expect(res.headers['content-type']).toContain('application/geo+json');
      expect(res.json().vigil).toMatchObject({ drill: false, head });
    }
    const team = await join(t.app, t.own.joinCodes[0]!.code);
    expect((await download('events.csv', team.token)).statusCode).toBe(403);
    expect((await download('events.csv', t.own.displayToken)).statusCode).toBe(403);
    expect((await download('secrets.csv')).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/exports/events.csv' })).statusCode).toBe(401);
  });

  it('events.csv is the log: every event of the mission in order with its payload and hashes', async () => {
    const { rows } = await csv('events.csv');
    const db = await query<{
      seq: number;
      id: string;
      type: string;
      payload: unknown;
      prev_hash: string;
      hash: string;
    }>(
      `select seq::int as seq, id::text, type, payload, prev_hash, hash from events where mission_id = $MISSION order by seq`,
    );
    expect(rows.map((r) => [Number(r.seq), r.id, r.type, JSON.parse(r.payload!), r.prev_hash, r.hash])).toEqual(
      db.map((e) => [e.seq, e.id, e.type, e.payload, e.prev_hash, e.hash]),
    );
    expect(rows[rows.length - 1]!.hash).toBe(head.hash);
  });

  it('visits.csv, findings.csv and checklists.csv equal their tables (free text survives quoting)', async () => {
    const visits = (await csv('visits.csv')).rows;
    const dbVisits = await query<{ id: string; team: string; station: string; departed: boolean }>(
      `select v.id::text, t.call_sign as team, s.number as station, v.departed_at is not null as departed
       from visits v join teams t on t.id = v.team_id join stations s on s.id = v.station_id where v.mission_id = $MISSION order by v.arrived_at, v.id`,
    );
    expect(visits.map((v) => [v.visit_id, v.team, v.station, v.departed_at !== ''])).toEqual(
      dbVisits.map((v) => [v.id, v.team, v.station, v.departed]),
    );

    const findings = (await csv('findings.csv')).rows;
    const dbFindings = await query<{ id: string; severity: string; text: string; station: string }>(
      `select f.id::text, f.severity, e.payload->>'text' as text, s.number as station
       from findings f join events e on e.id = f.id and e.mission_id = f.mission_id join stations s on s.id = f.station_id where f.mission_id = $MISSION order by f.seq`,
    );
    expect(findings.map((f) => [f.id, f.severity, f.text, f.station])).toEqual(
      dbFindings.map((f) => [f.id, f.severity, f.text, f.station]),
    );
    expect(findings[0]!.text).toContain('"folded", several;\nmore');

    const { rows: checklists } = await csv('checklists.csv');
    const questionIds = [...new Set(DEFAULT_FIELD_KIT.forms.flatMap((f) => f.questions.map((q) => q.id)))];
    expect(Object.keys(checklists[0]!)).toEqual([
      'seq',
      'id',
      'occurred_at',
      'team',
      'station',
      'district',
      'form',
      'phase',
      'assessment',
      ...questionIds,
    ]);
    const dbChecklists = await query<{
      id: string;
      phase: string;
      assessment: string;
      answers: Record<string, unknown>;
    }>(
      `select id::text, payload->>'phase' as phase, payload->>'assessment' as assessment, payload->'answers' as answers
       from events where mission_id = $MISSION and type = 'checklist' order by seq`,
    );
    expect(checklists).toHaveLength(dbChecklists.length);
    checklists.forEach((row, i) => {
      const db = dbChecklists[i]!;
      expect([row.id, row.phase, row.assessment]).toEqual([db.id, db.phase, db.assessment]);
      for (const q of questionIds) {
        const v = db.answers[q];
        const expected =
          v === undefined || v === null
            ? ''
            : typeof v === 'boolean'
              ? v
                ? 'yes'
                : 'no'
              : Array.isArray(v)
                ? v.join(';')
                : String(v);
        expect(row[q], `${db.id} ${q}`).toBe(expected);
      }
    });
  });

  it('stations.csv/.geojson, districts.csv and findings.geojson equal the read models', async () => {
    const stations = (await csv('stations.csv')).rows;
    const dbStations = await query<{ number: string; visits: number; open: number; voting: string | null }>(
      `select s.number, st.visit_count as visits, st.open_findings as open, st.latest_assessments->'voting'->>'assessment' as voting
       from stations s join station_status st on st.station_id = s.id where s.mission_id = $MISSION order by s.number`,
    );
    expect(stations.map((s) => [s.number, Number(s.visits), Number(s.open_findings), s.voting_assessment])).toEqual(
      dbStations.map((s) => [s.number, s.visits, s.open, s.voting ?? '']),
    );
    expect(stations.find((s) => s.number === '1001')!.open_conflicts).toBe('1');
    expect(stations.find((s) => s.number === '1001')!.planned_teams).toBe('T01');

    const geo = (await download('stations.geojson')).json();
    expect(
      geo.features.map((f: { properties: { number: string; visits: number } }) => [
        f.properties.number,
        f.properties.visits,
      ]),
    ).toEqual(dbStations.map((s) => [s.number, s.visits]));
    const lonLat = await query<{ lng: number; lat: number }>(
      `select lng, lat from stations where mission_id = $MISSION order by number`,
    );
    expect(geo.features.map((f: { geometry: { coordinates: number[] } }) => f.geometry.coordinates)).toEqual(
      lonLat.map((s) => [s.lng, s.lat]),
    );

    const findingsGeo = (await download('findings.geojson')).json();
    const [countRow] = await query<{ n: number }>(
      `select count(*)::int as n from findings where mission_id = $MISSION`,
    );
    expect(findingsGeo.features).toHaveLength(countRow!.n);

    const districts = (await csv('districts.csv')).rows;
    const dbDistricts = await query<{ district: string; stations: number; bad: number }>(
      `select s.district, count(*)::int as stations, count(*) filter (where st.latest_assessments->'voting'->>'assessment' = 'bad')::int as bad
       from stations s join station_status st on st.station_id = s.id where s.mission_id = $MISSION group by s.district order by s.district`,
    );
    const voting = districts.filter((d) => d.phase === 'voting');
    expect(voting.map((d) => [d.district, Number(d.stations), Number(d.bad)])).toEqual(
      dbDistricts.map((d) => [d.district, d.stations, d.bad]),
    );
    expect(districts).toHaveLength(dbDistricts.length * 3);
    const reported = districts
      .filter((d) => d.phase === 'opening')
      .reduce((n, d) => n + Number(d.findings_reported), 0);
    expect(reported).toBe(countRow!.n);
  });

  it("the summary's figures are the database's", async () => {
    const report = (await getJson(t.app, coordinator, '/api/exports/summary')).body;
    expect(report).toMatchObject({
      drill: false,
      head,
      coverage: { stations: 3, visited: 2, planned: 3, plannedVisited: 2, teams: 2, teamsSeen: 2 },
    });
    const dbAssessments = await query<{ phase: string; assessment: string; n: number }>(
      `select payload->>'phase' as phase, payload->>'assessment' as assessment, count(*)::int as n from events where mission_id = $MISSION and type = 'checklist' group by 1, 2`,
    );
    const sort = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sort(report.assessments)).toEqual(
      sort(dbAssessments.map((a) => ({ phase: a.phase, assessment: a.assessment, count: a.n }))),
    );
    expect(report.findings.reduce((n: number, f: { count: number }) => n + f.count, 0)).toBe(2);
    expect(report.span.events).toBe(head.seq);
    expect(report.conflicts).toEqual({ open: 1, resolved: 0 });
    // No ballot: no turnout or quick count section.
    expect(report.results).toBeNull();
  });

  it('reads a log larger than a page, page by page, without losing or repeating a row', async () => {
    const team = await join(t.app, t.own.joinCodes[1]!.code);
    const total = EXPORT_PAGE_ROWS * 2 + 37;
    for (let sent = 0; sent < total; sent += 500) {
      const batch = Array.from({ length: Math.min(500, total - sent) }, () => ({
        id: randomUUID(),
        type: 'position',
        teamId: team.teamId,
        occurredAt: new Date().toISOString(),
        position: { lat: 42.87, lng: 74.6 },
      }));
      expect((await postEvents(t.app, team.token, batch)).statusCode).toBe(200);
    }
    const { rows } = await csv('events.csv');
    const [row] = await query<{ n: number }>(`select count(*)::int as n from events where mission_id = $MISSION`);
    expect(rows).toHaveLength(row!.n);
    expect(rows.every((r, i) => Number(r.seq) === i + 1)).toBe(true);
  });

  it("marks a drill's exports as DRILL", async () => {
    const fresh = await buildTestApp(driver);
    try {
      const token = await login(fresh.app, fresh.own.coordinator.username, FIXTURE_PASSWORD);
      await fresh.app.inject({
        method: 'PUT',
        url: '/api/mission/drill',
        headers: { authorization: `Bearer ${token}` },
        payload: { drill: true },
      });
      const res = await fresh.app.inject({
        method: 'GET',
        url: '/api/exports/stations.csv',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.body.split('\n', 1)[0]).toContain('DRILL data');
      expect(res.headers['content-disposition']).toContain('DRILL-stations.csv');
      expect((await getJson(fresh.app, token, '/api/exports/summary')).body.drill).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
