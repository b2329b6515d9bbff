/**
 * Mission operations through the real app on PGlite and Postgres: plan editing as events (live to dashboards), the
 * CSV plan import, conflicting reports and their resolution, and drill mode with its wipe back to genesis.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, FIXTURE_PASSWORD, rowsOf, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { arrival, checklist, finding, getJson, join, login, postEvents } from '../helpers/events';
import { LiveDashboard, waitFor } from '../helpers/live-client';
import { verifyMissionLog } from '../../server/modules/log/log-verifier';
import { genesisHash } from '../../server/modules/log/hash-chain';
import { TINY_JPEG } from '../helpers/images';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

interface Fixture {
  coordinator: string;
  t01: { token: string; teamId: string };
  t02: { token: string; teamId: string };
  station: Record<string, string>;
}

async function fixture(t: TestApp): Promise<Fixture> {
  const coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
  const t01 = await join(t.app, t.own.joinCodes[0]!.code);
  const t02 = await join(t.app, t.own.joinCodes[1]!.code);
  const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as {
    id: string;
    number: string;
  }[];
  return { coordinator, t01, t02, station: Object.fromEntries(stations.map((s) => [s.number, s.id])) };
}

const planChanged = (teamId: string, stations: { stationId: string; phases?: string[] }[]) => ({
  id: randomUUID(),
  type: 'plan_changed',
  occurredAt: new Date().toISOString(),
  teamId,
  stations,
});

async function routeOf(t: TestApp, token: string, teamId: string) {
  const teams = (await getJson(t.app, token, '/api/teams')).body.teams as {
    id: string;
    route?: unknown;
    assignedStationIds: string[];
  }[];
  return teams.find((team) => team.id === teamId)!;
}

describe.each(drivers)('mission operations on %s', (driver) => {
  let t: TestApp;
  let f: Fixture;
  beforeEach(async () => {
    t = await buildTestApp(driver);
    f = await fixture(t);
  });
  afterEach(async () => t?.close());

  describe('plan', () => {
    it("a coordinator replaces a team's route with phases; the team and coordinators read it, displays never do, a dashboard gets it live", async () => {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      const dashboard = new LiveDashboard(
        `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        f.coordinator,
        0,
      );
      try {
        await dashboard.connected();
        const change = planChanged(f.t01.teamId, [
          { stationId: f.station['1003']!, phases: ['closing', 'opening'] },
          { stationId: f.station['1001']! },
        ]);
        const res = await postEvents(t.app, f.coordinator, [change]);
        expect(res.json().results[0]).toMatchObject({ status: 'stored', seq: 1 });

        const expected = [
          { stationId: f.station['1003'], phases: ['opening', 'closing'] },
          { stationId: f.station['1001'], phases: ['opening', 'voting', 'closing'] },
        ];
        expect((await routeOf(t, f.coordinator, f.t01.teamId)).route).toEqual(expected);
        const asTeam = await routeOf(t, f.t01.token, f.t01.teamId);
        expect(asTeam.route).toEqual(expected);
        expect(asTeam.assignedStationIds).toEqual([f.station['1003'], f.station['1001']]);
        const asDisplay = await routeOf(t, t.own.displayToken, f.t01.teamId);
        expect(asDisplay.route).toBeUndefined();
        expect(asDisplay.assignedStationIds).toEqual([]);
        const displayFeed = (await getJson(t.app, t.own.displayToken, '/api/events?after=0')).body.events;
        expect(displayFeed[0]).not.toHaveProperty('stations');

        await waitFor(
          () => dashboard.applied.some((e) => e.id === change.id),
          5000,
          'the plan change on the dashboard',
        );
        expect(dashboard.applied.find((e) => e.id === change.id)).toMatchObject({
          type: 'plan_changed',
          teamId: f.t01.teamId,
        });
      } finally {
        dashboard.close();
      }
    });

    it('refuses plans from teams, with stations of another mission or a station twice, and changes nothing', async () => {
      const before = await routeOf(t, f.coordinator, f.t01.teamId);
      const otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
      const foreign = (await getJson(t.app, otherCoordinator, '/api/stations')).body.stations[0].id as string;
      const results = (
        await postEvents(t.app, f.coordinator, [
          planChanged(f.t01.teamId, [{ stationId: foreign }]),
          planChanged(f.t01.teamId, [{ stationId: f.station['1001']! }, { stationId: f.station['1001']! }]),
          planChanged(f.t01.teamId, [{ stationId: f.station['1001']!, phases: ['counting'] }]),
        ])
      ).json().results;
      expect(results.map((r: { status: string; field?: string }) => [r.status, r.field])).toEqual([
        ['rejected', '/stations/0/stationId'],
        ['rejected', '/stations/1/stationId'],
        ['rejected', '/stations/0/phases/0'],
      ]);
      const byTeam = (await postEvents(t.app, f.t01.token, [planChanged(f.t01.teamId, [])])).json().results[0];
      expect(byTeam).toMatchObject({ status: 'rejected', field: '/type' });
      expect(await routeOf(t, f.coordinator, f.t01.teamId)).toEqual(before);
    });

    it('imports a plan from CSV: a dry run changes nothing, a bad file is refused row by row, a good one replaces the routes it names', async () => {
      const good = 'team;station;order;phases\nT02;1002;2;voting closing\nT02;1001;1;opening\nT01;1003;1;all\n';
      const dry = await t.app.inject({
        method: 'POST',
        url: '/api/plan/import?dryRun=true',
        headers: { authorization: `Bearer ${f.coordinator}`, 'content-type': 'text/csv' },
        payload: good,
      });
      expect(dry.statusCode).toBe(200);
      expect(dry.json()).toMatchObject({ dryRun: true, seqs: [] });
      expect((await routeOf(t, f.coordinator, f.t02.teamId)).assignedStationIds).toEqual([f.station['1003']]);

      const bad = 'team,station,order,phases\nT02,1002,1,\nT09,1001,2,\nT02,9999,x,lunch\nT02,1002,3,\n';
      const refused = await t.app.inject({
        method: 'POST',
        url: '/api/plan/import',
        headers: { authorization: `Bearer ${f.coordinator}`, 'content-type': 'text/csv' },
        payload: bad,
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().problems).toEqual([
        { row: 2, field: 'team', problem: 'no team "T09" in this mission' },
        { row: 3, field: 'station', problem: 'no station "9999" in this mission' },
        { row: 3, field: 'order', problem: '"x" is not a whole number from 1' },
        { row: 3, field: 'phases', problem: 'use opening, voting, closing (or all), not "lunch"' },
        { row: 4, field: 'station', problem: "station 1002 is twice in team T02's route" },
      ]);
      expect(rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from events`))[0]!.n).toBe(
        0,
      );

      const stored = await t.app.inject({
        method: 'POST',
        url: '/api/plan/import',
        headers: { authorization: `Bearer ${f.coordinator}`, 'content-type': 'text/csv' },
        payload: good,
      });
      expect(stored.statusCode).toBe(200);
      expect(stored.json().seqs).toHaveLength(2);
      expect((await routeOf(t, f.coordinator, f.t02.teamId)).route).toEqual([
        { stationId: f.station['1001'], phases: ['opening'] },
        { stationId: f.station['1002'], phases: ['voting', 'closing'] },
      ]);
      expect((await routeOf(t, f.coordinator, f.t01.teamId)).route).toEqual([
        { stationId: f.station['1003'], phases: ['opening', 'voting', 'closing'] },
      ]);
      const asTeam = await t.app.inject({
        method: 'POST',
        url: '/api/plan/import',
        headers: { authorization: `Bearer ${f.t01.token}`, 'content-type': 'text/csv' },
        payload: good,
      });
      expect(asTeam.statusCode).toBe(403);
    });
  });

  describe('teams', () => {
    const create = (token: string, body: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/api/teams',
        headers: { authorization: `Bearer ${token}` },
        payload: body as object,
      });

    it('a coordinator adds a team with a first join code; its phone joins and reports; call signs are unique', async () => {
      const res = await create(f.coordinator, {
        callSign: 'T03',
        members: ['Aida Osmonova', 'Timur Bekov'],
        phone: '+996 555 000 003',
        languages: ['ky', 'ru'],
      });
      expect(res.statusCode).toBe(201);
      const { team, joinCode } = res.json();
      expect(team).toMatchObject({
        callSign: 'T03',
        members: ['Aida Osmonova', 'Timur Bekov'],
        assignedStationIds: [],
        route: [],
      });
      expect(joinCode).toMatchObject({ teamId: team.id, callSign: 'T03', code: expect.any(String) });
      const phone = await join(t.app, joinCode.code);
      expect(phone.teamId).toBe(team.id);
      expect(
        (await postEvents(t.app, phone.token, [arrival(team.id, f.station['1001']!, 5)])).json().results[0].status,
      ).toBe('stored');
      expect(
        (await postEvents(t.app, f.coordinator, [planChanged(team.id, [{ stationId: f.station['1003']! }])])).json()
          .results[0].status,
      ).toBe('stored');

      expect((await create(f.coordinator, { callSign: 'T03', members: [], languages: [] })).statusCode).toBe(409);
      expect((await create(f.coordinator, { callSign: '', members: [], languages: [] })).statusCode).toBe(400);
      expect((await create(f.t01.token, { callSign: 'T09', members: [], languages: [] })).statusCode).toBe(403);
      // The other mission may use the same call sign.
      const other = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
      expect((await create(other, { callSign: 'T03', members: [], languages: ['en'] })).statusCode).toBe(201);
    });
  });

  describe('station list update', () => {
    const importCsv = (csv: string, query = '') =>
      t.app.inject({
        method: 'POST',
        url: `/api/stations/import${query}`,
        headers: { authorization: `Bearer ${f.coordinator}`, 'content-type': 'text/csv' },
        payload: csv,
      });
    const header = 'number,name,address,district,electoral_district,lat,lng,registered_voters\n';

    it('a preview shows the good rows, what each would change and every problem, and writes nothing', async () => {
      const csv =
        header +
        '1001,School No. 1,Chui Ave 100,Leninsky,21,42.85,74.58,2000\n1002,School No. 2 (moved),Manas Ave 5,Leninsky,21,42.861,74.59,2001\n2001,New school,Toktogul St 1,Oktyabrsky,25,42.83,74.62,1500\n2002,,Nowhere,Oktyabrsky,25,91,74.6,\n';
      const before = (await getJson(t.app, f.coordinator, '/api/stations')).body.stations;
      const res = await importCsv(csv, '?dryRun=true');
      expect(res.statusCode).toBe(200);
      const preview = res.json();
      // New and changed rows first: a national dry run lists only the first 2,000 rows.
      expect(
        preview.rows.map((r: { row: { number: string }; change: string; changedFields: string[] }) => [
          r.row.number,
          r.change,
          r.changedFields,
        ]),
      ).toEqual([
        ['2001', 'created', []],
        ['1002', 'updated', ['name', 'address', 'lat']],
        ['1001', 'unchanged', []],
      ]);
      // A blank name is no longer a problem (the station is named by its address); the latitude still is.
      expect(preview.problems.map((p: { row: number; field: string }) => [p.row, p.field])).toEqual([[4, 'lat']]);
      expect(preview.counts).toEqual({ created: 1, updated: 1, unchanged: 1, unplaced: 0 });
      expect(preview.notInFile).toEqual(['1003']);
      expect((await getJson(t.app, f.coordinator, '/api/stations')).body.stations).toEqual(before);
    });

    it('an update by number keeps station ids, their events and status; new stations are added', async () => {
      const s = f.station['1002']!;
      await postEvents(t.app, f.t01.token, [arrival(f.t01.teamId, s, 30), checklist(f.t01.teamId, s, 'bad')]);
      const res = await importCsv(
        header +
          '1002,School No. 2 (moved),Manas Ave 5,Leninsky,21,42.861,74.59,2001\n2001,New school,Toktogul St 1,Oktyabrsky,25,42.83,74.62,1500\n',
      );
      expect(res.json()).toMatchObject({ rows: 2, created: 1, updated: 1, unchanged: 0, unplaced: 0 });
      const stations = (await getJson(t.app, f.coordinator, '/api/stations')).body.stations as {
        id: string;
        number: string;
        name: string;
        status: { visitCount: number; latestAssessments: { voting?: { assessment: string } } };
      }[];
      const moved = stations.find((st) => st.number === '1002')!;
      expect(moved).toMatchObject({
        id: s,
        name: 'School No. 2 (moved)',
        status: { visitCount: 1, latestAssessments: { voting: { assessment: 'bad' } } },
      });
      expect(stations.map((st) => st.number)).toEqual(['1001', '1002', '1003', '2001']);
      const feed = (await getJson(t.app, f.coordinator, '/api/events?after=0')).body.events as { stationId: string }[];
      expect(feed.every((e) => e.stationId === s)).toBe(true);
      expect(await verifyMissionLog(t.database.db, t.own.missionId)).toMatchObject({ ok: true, events: 2 });
    });
  });

  describe('conflicts', () => {
    it('flags different assessments and yes/no contradictions of two teams at one station and phase; a coordinator resolves; news reopens', async () => {
      const s = f.station['1001']!;
      const a = checklist(f.t01.teamId, s, 'good');
      const b = {
        ...checklist(f.t02.teamId, s, 'bad'),
        answers: { ...checklist(f.t02.teamId, s).answers, secrecy: true },
      };
      expect((await postEvents(t.app, f.t01.token, [a])).json().results[0].status).toBe('stored');
      expect((await getJson(t.app, f.coordinator, '/api/conflicts')).body.conflicts).toEqual([]);
      expect((await postEvents(t.app, f.t02.token, [b])).json().results[0].status).toBe('stored');

      const open = (await getJson(t.app, f.coordinator, '/api/conflicts')).body.conflicts as {
        id: string;
        kind: string;
        questionId: string | null;
        reports: { teamId: string; value: unknown }[];
      }[];
      expect(open.map((c) => [c.kind, c.questionId])).toEqual([
        ['assessment', null],
        ['answer', 'secrecy'],
      ]);
      const assessment = open.find((c) => c.kind === 'assessment')!;
      expect(new Map(assessment.reports.map((r) => [r.teamId, r.value]))).toEqual(
        new Map([
          [f.t01.teamId, 'good'],
          [f.t02.teamId, 'bad'],
        ]),
      );
      // A different phase at the same station is another question.
      await postEvents(t.app, f.t01.token, [checklist(f.t01.teamId, s, 'very_bad', 'opening')]);
      expect((await getJson(t.app, f.coordinator, '/api/conflicts')).body.conflicts).toHaveLength(2);

      const resolve = {
        id: randomUUID(),
        type: 'conflict_resolved',
        occurredAt: new Date().toISOString(),
        conflictId: assessment.id,
        note: 'Called T02: the queue was the problem',
      };
      expect((await postEvents(t.app, f.t01.token, [resolve])).json().results[0]).toMatchObject({
        status: 'rejected',
        field: '/type',
      });
      expect((await postEvents(t.app, f.coordinator, [resolve])).json().results[0].status).toBe('stored');
      const again = { ...resolve, id: randomUUID() };
      expect((await postEvents(t.app, f.coordinator, [again])).json().results[0]).toMatchObject({
        status: 'rejected',
        error: 'the conflict is already resolved',
      });
      const resolved = (await getJson(t.app, f.coordinator, '/api/conflicts?status=resolved')).body.conflicts;
      expect(resolved).toEqual([
        expect.objectContaining({ id: assessment.id, status: 'resolved', resolutionNote: resolve.note }),
      ]);
      expect((await getJson(t.app, f.coordinator, '/api/conflicts')).body.conflicts).toHaveLength(1);

      // T02 files again, still "bad": the contradiction stands with news after the resolution.
      await postEvents(t.app, f.t02.token, [
        { ...checklist(f.t02.teamId, s, 'very_bad'), occurredAt: new Date().toISOString() },
      ]);
      const reopened = (await getJson(t.app, f.coordinator, '/api/conflicts')).body.conflicts as {
        id: string;
        status: string;
      }[];
      expect(reopened.find((c) => c.id === assessment.id)).toMatchObject({ status: 'open' });

      // What the read model says equals what the rules say over the log (rebuild check).
      const rows = rowsOf<{ n: number }>(
        await t.database.db.execute(
          sql`select count(*)::int as n from conflicts where mission_id = ${t.own.missionId} and status = 'open'`,
        ),
      );
      expect(rows[0]!.n).toBe(2);
    });

    it("a coordinator cannot resolve another mission's conflict", async () => {
      const otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
      await postEvents(t.app, f.t01.token, [checklist(f.t01.teamId, f.station['1001']!, 'good')]);
      await postEvents(t.app, f.t02.token, [checklist(f.t02.teamId, f.station['1001']!, 'bad')]);
      const [conflict] = (await getJson(t.app, f.coordinator, '/api/conflicts')).body.conflicts;
      const res = await postEvents(t.app, otherCoordinator, [
        {
          id: randomUUID(),
          type: 'conflict_resolved',
          occurredAt: new Date().toISOString(),
          conflictId: conflict.id,
          note: 'not mine',
        },
      ]);
      expect(res.json().results[0]).toMatchObject({ status: 'rejected', field: '/conflictId' });
      expect((await getJson(t.app, otherCoordinator, '/api/conflicts')).body.conflicts).toEqual([]);
    });
  });

  describe('drill', () => {
    const mission = () => getJson(t.app, f.coordinator, '/api/mission');
    const setDrill = (drill: boolean) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/mission/drill',
        headers: { authorization: `Bearer ${f.coordinator}` },
        payload: { drill },
      });
    const clear = (confirmMissionName: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/mission/drill/clear',
        headers: { authorization: `Bearer ${f.coordinator}` },
        payload: { confirmMissionName },
      });

    it('a drill is wiped back to genesis, keeping stations, teams and the plan; pages are told; the mission then goes live', async () => {
      const name = (await mission()).body.name as string;
      expect((await setDrill(true)).json()).toMatchObject({ drill: true, events: 0 });
      expect((await getJson(t.app, f.coordinator, '/api/session')).body.mission.drill).toBe(true);
      const s = f.station['1001']!;
      const photo = randomUUID();
      const jpeg = TINY_JPEG;
      expect(
        (
          await t.app.inject({
            method: 'PUT',
            url: `/api/photos/${photo}`,
            headers: { authorization: `Bearer ${f.t01.token}`, 'content-type': 'image/jpeg' },
            payload: jpeg,
          })
        ).statusCode,
      ).toBe(201);
      await postEvents(t.app, f.coordinator, [planChanged(f.t01.teamId, [{ stationId: s }])]);
      await postEvents(t.app, f.t01.token, [
        arrival(f.t01.teamId, s, 30),
        { ...finding(f.t01.teamId, s, 'serious', 25), photoId: photo },
        checklist(f.t01.teamId, s, 'good'),
      ]);
      await postEvents(t.app, f.t02.token, [
        arrival(f.t02.teamId, s, 20),
        checklist(f.t02.teamId, s, 'bad'),
        { id: randomUUID(), type: 'help_request', teamId: f.t02.teamId, occurredAt: new Date().toISOString() },
      ]);
      // A coordinator answers the help request and acknowledges T01's silence: both are drill, and go with it.
      const acknowledge = (teamId: string, alert: 'help' | 'silent') => ({
        id: randomUUID(),
        type: 'team_alert_acknowledged',
        teamId,
        alert,
        occurredAt: new Date().toISOString(),
      });
      await postEvents(t.app, f.coordinator, [acknowledge(f.t02.teamId, 'help'), acknowledge(f.t01.teamId, 'silent')]);
      expect((await mission()).body.events).toBe(9);
      expect((await setDrill(false)).statusCode).toBe(409);

      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      const dashboard = new LiveDashboard(
        `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        f.coordinator,
        9,
      );
      let resets = 0;
      dashboard.socket.on('mission_reset', () => (resets += 1));
      try {
        await dashboard.connected();
        expect((await clear('not the name')).statusCode).toBe(400);
        const cleared = await clear(name);
        expect(cleared.statusCode).toBe(200);
        // The plan that stands (T01's new route, T02's from the fixture) is recorded again as the fresh chain's first events.
        expect(cleared.json()).toMatchObject({
          deleted: { events: 9, visits: 2, findings: 1, conflicts: 1, photos: 1 },
          replanned: 2,
          head: { seq: 2 },
        });
        await waitFor(() => resets === 1, 5000, 'mission_reset on the dashboard');
      } finally {
        dashboard.close();
      }

      const count = async (table: string) =>
        rowsOf<{ n: number }>(
          await t.database.db.execute(
            sql.raw(`select count(*)::int as n from ${table} where mission_id = '${t.own.missionId}'`),
          ),
        )[0]!.n;
      for (const table of ['visits', 'findings', 'conflicts', 'photos']) expect(await count(table), table).toBe(0);
      expect(await count('events')).toBe(2);
      const stations = (await getJson(t.app, f.coordinator, '/api/stations')).body.stations as {
        status: { visitCount: number; openFindings: number; presentTeamIds: string[] };
      }[];
      expect(stations).toHaveLength(3);
      expect(
        stations.every(
          (st) => st.status.visitCount === 0 && st.status.openFindings === 0 && st.status.presentTeamIds.length === 0,
        ),
      ).toBe(true);
      const teams = (await getJson(t.app, f.coordinator, '/api/teams')).body.teams as {
        id: string;
        assignedStationIds: string[];
        status: {
          helpOpen: boolean;
          lastSeenAt: string | null;
          helpAcknowledgedAt: string | null;
          silentAcknowledgedAt: string | null;
        };
      }[];
      expect(teams.find((team) => team.id === f.t01.teamId)!.assignedStationIds).toEqual([s]);
      for (const team of teams) {
        expect(team.status).toMatchObject({
          helpOpen: false,
          lastSeenAt: null,
          helpAcknowledgedAt: null,
          silentAcknowledgedAt: null,
        });
      }
      expect(await verifyMissionLog(t.database.db, t.own.missionId)).toMatchObject({ ok: true, events: 2 });
      const [first] = rowsOf<{ seq: number; type: string; prev_hash: string }>(
        await t.database.db.execute(
          sql.raw(
            `select seq::int as seq, type, prev_hash from events where mission_id = '${t.own.missionId}' order by seq`,
          ),
        ),
      );
      expect(first).toEqual({ seq: 1, type: 'plan_changed', prev_hash: genesisHash(t.own.missionId) });
      // The other mission is untouched.
      expect((await verifyMissionLog(t.database.db, t.other.missionId)).ok).toBe(true);

      // The same phones go on; the live record starts at seq 1 of a fresh chain.
      expect((await setDrill(false)).json()).toMatchObject({ drill: false, head: { seq: 2 }, reports: 0 });
      // A phone that was offline during the drill sends a drill report late: it stays out of the live record.
      const late = (await postEvents(t.app, f.t02.token, [arrival(f.t02.teamId, s, 40)])).json().results[0];
      expect(late).toMatchObject({ status: 'rejected', field: '/occurredAt' });
      const live = (
        await postEvents(t.app, f.t01.token, [
          { ...arrival(f.t01.teamId, s, 0), occurredAt: new Date(Date.now() + 1000).toISOString() },
        ])
      ).json().results[0];
      expect(live).toMatchObject({ status: 'stored', seq: 3 });
      expect(await verifyMissionLog(t.database.db, t.own.missionId)).toMatchObject({ ok: true, events: 3 });
      expect((await clear(name)).statusCode).toBe(409);
      expect((await setDrill(true)).json()).toMatchObject({ code: 'LOG_NOT_EMPTY' });
    });

    it('a plan saved before a drill, or before going live, never blocks drill mode; the plan stays in the record', async () => {
      const s = f.station['1001']!;
      // The README's order: plan first (live mission, empty of reports), then rehearse.
      expect(
        (await postEvents(t.app, f.coordinator, [planChanged(f.t01.teamId, [{ stationId: s }])])).json().results[0],
      ).toMatchObject({ status: 'stored', seq: 1 });
      expect((await setDrill(true)).json()).toMatchObject({ drill: true, events: 1, reports: 0 });
      // Planning again during the drill, then going live before any report: still allowed.
      await postEvents(t.app, f.coordinator, [planChanged(f.t02.teamId, [{ stationId: s }])]);
      expect((await setDrill(false)).json()).toMatchObject({ drill: false, events: 2, reports: 0 });
      expect((await setDrill(true)).json()).toMatchObject({ drill: true });
      // Once the drill holds a report, going live needs a wipe; a live record with reports never becomes a drill.
      const soon = new Date(Date.now() + 1000).toISOString();
      expect(
        (await postEvents(t.app, f.t01.token, [{ ...arrival(f.t01.teamId, s, 0), occurredAt: soon }])).json().results[0]
          .status,
      ).toBe('stored');
      expect((await setDrill(false)).json()).toMatchObject({ code: 'DRILL_DATA_PRESENT' });
      expect((await clear((await mission()).body.name as string)).json()).toMatchObject({
        deleted: { events: 3 },
        replanned: 2,
        head: { seq: 2 },
      });
      expect((await setDrill(false)).json()).toMatchObject({ drill: false, reports: 0 });
      await postEvents(t.app, f.t01.token, [
        { ...arrival(f.t01.teamId, s, 0), occurredAt: new Date(Date.now() + 2000).toISOString() },
      ]);
      expect((await setDrill(true)).json()).toMatchObject({ code: 'LOG_NOT_EMPTY' });
      const teams = (await getJson(t.app, f.coordinator, '/api/teams')).body.teams as {
        id: string;
        assignedStationIds: string[];
      }[];
      expect(
        teams
          .filter((team) => team.assignedStationIds.includes(s))
          .map((team) => team.id)
          .sort(),
      ).toEqual([f.t01.teamId, f.t02.teamId].sort());
      expect(await verifyMissionLog(t.database.db, t.own.missionId)).toMatchObject({ ok: true, events: 3 });
    });

    it('the observation day is the election date, or in a drill the day it started; covered today counts that day', async () => {
      const session = async () =>
        (await getJson(t.app, f.coordinator, '/api/session')).body.mission as {
          observationDay: string;
          drillClock: unknown;
          drill: boolean;
        };
      expect(await session()).toMatchObject({ drill: false, observationDay: '2025-11-30', drillClock: null });
      const today = new Intl.DateTimeFormat('en-CA', {
        timeZone: 'Asia/Bishkek',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }).format(new Date());
      expect((await setDrill(true)).statusCode).toBe(200);
      expect(await session()).toMatchObject({ drill: true, observationDay: today, drillClock: null });
      // A report made today counts as covered today in the drill (the election date is not today).
      await postEvents(t.app, f.t01.token, [arrival(f.t01.teamId, f.station['1001']!, 1)]);
      const summary = (await getJson(t.app, f.coordinator, '/api/summary')).body as {
        stations: { coveredToday: number; dayStartedAt: string };
      };
      expect(summary.stations.coveredToday).toBe(1);
      expect(Date.now() - Date.parse(summary.stations.dayStartedAt)).toBeLessThan(24 * 3600_000);
      // A simulator brings the clock of its compressed day.
      const clocked = await t.app.inject({
        method: 'PUT',
        url: '/api/mission/drill',
        headers: { authorization: `Bearer ${f.coordinator}` },
        payload: { drill: true, clock: { startsAt: '06:30', speed: 96 } },
      });
      expect(clocked.statusCode).toBe(200);
      expect((await session()).drillClock).toMatchObject({ startsAt: '06:30', speed: 96 });
      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/mission/drill',
        headers: { authorization: `Bearer ${f.coordinator}` },
        payload: { drill: false, clock: { startsAt: '06:30', speed: 2 } },
      });
      expect(bad.json()).toMatchObject({ code: 'CLOCK_WITHOUT_DRILL' });
    });

    it('only coordinators switch and clear drills', async () => {
      for (const token of [f.t01.token, t.own.displayToken]) {
        expect(
          (
            await t.app.inject({
              method: 'PUT',
              url: '/api/mission/drill',
              headers: { authorization: `Bearer ${token}` },
              payload: { drill: true },
            })
          ).statusCode,
        ).toBe(403);
        expect(
          (
            await t.app.inject({
              method: 'POST',
              url: '/api/mission/drill/clear',
              headers: { authorization: `Bearer ${token}` },
              payload: { confirmMissionName: 'x' },
            })
          ).statusCode,
        ).toBe(403);
      }
    });
  });
});
