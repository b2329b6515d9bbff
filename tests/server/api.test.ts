/**
 * The HTTP API through fastify.inject, on embedded PGlite and on a real Postgres: the same suite on both drivers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
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
import { eventHash, genesisHash } from '../../server/modules/log/hash-chain';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

async function countRows(t: TestApp, table: string): Promise<number> {
  const result = await t.database.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: { n: number }[] }).rows) as {
    n: number;
  }[];
  return rows[0]!.n;
}

describe.each(drivers)('HTTP API on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let otherCoordinator: string;
  let team: { token: string; teamId: string };
  let team2: { token: string; teamId: string };
  let display: string;
  let stationIds: string[];
  let otherStationId: string;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
    team2 = await join(t.app, t.own.joinCodes[1]!.code);
    display = t.own.displayToken;
    stationIds = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
    otherStationId = (await getJson(t.app, otherCoordinator, '/api/stations')).body.stations[0].id;
  });
  afterAll(async () => t?.close());

  describe('auth', () => {
    it('rejects a wrong password with 401 and no hint which part was wrong', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: t.own.coordinator.username, password: 'nope' },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toBe('wrong username or password');
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'nobody', password: 'nope' },
      });
      expect(unknown.json().message).toBe('wrong username or password');
    });

    it('names the missing field of a malformed login', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain('password');
    });

    it('answers malformed JSON with 400', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"username":',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('joins with a join code typed loosely (lower case, no dash)', async () => {
      const code = t.own.joinCodes[1]!.code.replace('-', '').toLowerCase();
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/join', payload: { code } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ role: 'team', teamId: t.own.joinCodes[1]!.teamId, callSign: 'T02' });
    });

    it('rejects an unknown join code', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/join', payload: { code: 'ZZZZ-ZZZZ' } });
      expect(res.statusCode).toBe(401);
    });

    it('tells each token who it is', async () => {
      expect((await getJson(t.app, coordinator, '/api/session')).body).toMatchObject({
        role: 'coordinator',
        mission: { id: t.own.missionId },
      });
      expect((await getJson(t.app, team.token, '/api/session')).body).toMatchObject({
        role: 'team',
        teamId: team.teamId,
        name: 'T01',
      });
      expect((await getJson(t.app, display, '/api/session')).body).toMatchObject({ role: 'display', teamId: null });
    });

    it('refuses calls without a token or with a made-up one', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/stations' })).statusCode).toBe(401);
      expect((await getJson(t.app, 'made-up-token', '/api/stations')).status).toBe(401);
    });

    it('a revoked session stops working', async () => {
      const token = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(204);
      expect((await getJson(t.app, token, '/api/stations')).status).toBe(401);
    });

    it('sets security headers', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/health' });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    });
  });

  describe('stations and teams', () => {
    it("lists the mission's stations with status for every role, never another mission's", async () => {
      for (const token of [coordinator, team.token, display]) {
        const { status, body } = await getJson(t.app, token, '/api/stations');
        expect(status).toBe(200);
        expect(body.stations.map((s: { number: string }) => s.number)).toEqual(['1001', '1002', '1003']);
        expect(body.stations.map((s: { id: string }) => s.id)).not.toContain(otherStationId);
        expect(body.stations[0].status).toMatchObject({ visitCount: 0, presentTeamIds: [], openFindings: 0 });
      }
    });

    it('shows members and phones to coordinators only, and a team only itself', async () => {
      const full = (await getJson(t.app, coordinator, '/api/teams')).body.teams;
      expect(full).toHaveLength(2);
      expect(full[0]).toMatchObject({
        callSign: 'T01',
        members: ['Aigerim Sadykova', 'Rashad Aliyev'],
        phone: '+996 555 000 001',
      });
      expect(full[0].assignedStationIds).toEqual(stationIds.slice(0, 2));

      const forDisplay = (await getJson(t.app, display, '/api/teams')).body;
      expect(JSON.stringify(forDisplay)).not.toContain('Aigerim');
      expect(JSON.stringify(forDisplay)).not.toContain('+996');
      expect(forDisplay.teams[0]).not.toHaveProperty('members');

      const own = (await getJson(t.app, team.token, '/api/teams')).body.teams;
      expect(own.map((x: { id: string }) => x.id)).toEqual([team.teamId]);
    });
  });

  describe('events', () => {
    it('stores an arrival, marks the station as having a team, and answers duplicate on resubmission', async () => {
      const event = arrival(team.teamId, stationIds[0]!, 40);
      const first = await postEvents(t.app, team.token, [event]);
      expect(first.statusCode).toBe(200);
      const [result] = first.json().results;
      expect(result).toMatchObject({ id: event.id, status: 'stored' });

      const again = await postEvents(t.app, team.token, [event]);
      expect(again.json().results[0]).toEqual({ id: event.id, status: 'duplicate', seq: result.seq });
      const stored = (await getJson(t.app, coordinator, `/api/events?after=${result.seq - 1}`)).body.events;
      expect(stored.filter((e: { id: string }) => e.id === event.id)).toHaveLength(1);

      const station = (await getJson(t.app, coordinator, '/api/stations')).body.stations[0];
      expect(station.status).toMatchObject({ presentTeamIds: [team.teamId], visitCount: 1 });
      const teams = (await getJson(t.app, coordinator, '/api/teams')).body.teams;
      expect(teams[0].status.currentStationId).toBe(stationIds[0]);
    });

    it('rejects a departure with no prior arrival there, and accepts one after it', async () => {
      const wrong = await postEvents(t.app, team.token, [departure(team.teamId, stationIds[1]!, 5)]);
      expect(wrong.json().results[0]).toMatchObject({ status: 'rejected', field: '/stationId' });
      expect(wrong.json().results[0].error).toContain('without a prior arrival');

      const right = await postEvents(t.app, team.token, [departure(team.teamId, stationIds[0]!, 35)]);
      expect(right.json().results[0].status).toBe('stored');
      const station = (await getJson(t.app, coordinator, '/api/stations')).body.stations[0];
      expect(station.status.presentTeamIds).toEqual([]);
      expect(station.status.visitCount).toBe(1);
    });

    it('judges each event of a batch on its own, in order, and writes nothing for the rejected ones', async () => {
      const before = await countRows(t, 'events');
      const arrive = arrival(team2.teamId, stationIds[2]!, 20);
      const batch = [
        arrive,
        { ...checklist(team2.teamId, stationIds[2]!, 'very_bad') },
        { ...finding(team2.teamId, stationIds[2]!, 'serious') },
        { id: randomUUID(), type: 'teleport', occurredAt: minutesAgo(1) },
        { ...arrival(team2.teamId, stationIds[2]!), occurredAt: new Date(Date.now() + 3_600_000).toISOString() },
        { ...arrival(team2.teamId, stationIds[2]!), colour: 'red' },
        { ...arrival(team2.teamId, stationIds[2]!), stationId: 'not-a-uuid' },
        arrival(team2.teamId, otherStationId),
        arrival(team.teamId, stationIds[2]!),
        'not an object',
        departure(team2.teamId, stationIds[2]!, 5),
      ];
      const res = await postEvents(t.app, team2.token, batch);
      expect(res.statusCode).toBe(200);
      const results = res.json().results;
      expect(results.map((r: { status: string }) => r.status)).toEqual([
        'stored',
        'stored',
        'stored',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'stored',
      ]);
      expect(results[3].error).toContain('type must be one of');
      expect(results[4]).toMatchObject({ field: '/occurredAt' });
      expect(results[4].error).toContain('future');
      expect(results[5]).toMatchObject({ field: '/colour' });
      expect(results[6]).toMatchObject({ field: '/stationId' });
      expect(results[7].error).toBe('no such station in this mission');
      expect(results[8].error).toBe('a team may post events only as itself');
      expect(results[9]).toMatchObject({ id: null, error: 'event must be an object' });
      const seqs = results.filter((r: { status: string }) => r.status === 'stored').map((r: { seq: number }) => r.seq);
      expect(seqs).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2, seqs[0] + 3]);
      expect(await countRows(t, 'events')).toBe(before + 4);

      const station = (await getJson(t.app, coordinator, '/api/stations')).body.stations[2];
      expect(station.status).toMatchObject({ openFindings: 1, worstOpenSeverity: 'serious', presentTeamIds: [] });
      expect(station.status.latestAssessments.voting).toMatchObject({ assessment: 'very_bad', teamId: team2.teamId });
    });

    it('lets coordinators triage findings, and only coordinators', async () => {
      const reported = finding(team.teamId, stationIds[1]!, 'critical', 3);
      expect((await postEvents(t.app, team.token, [reported])).json().results[0].status).toBe('stored');
      let station = (await getJson(t.app, coordinator, '/api/stations')).body.stations[1];
      expect(station.status.worstOpenSeverity).toBe('critical');

      const ack = {
        id: randomUUID(),
        type: 'finding_status',
        findingId: reported.id,
        status: 'acknowledged',
        occurredAt: minutesAgo(1),
      };
      expect((await postEvents(t.app, team.token, [ack])).json().results[0]).toMatchObject({
        status: 'rejected',
        field: '/type',
      });
      const acked = (await postEvents(t.app, coordinator, [ack])).json().results[0];
      expect(acked.status).toBe('stored');
      const stored = (await getJson(t.app, coordinator, `/api/events?after=${acked.seq - 1}&limit=1`)).body.events[0];
      expect(stored).toMatchObject({
        type: 'finding_status',
        stationId: stationIds[1],
        actor: { role: 'coordinator', name: t.own.coordinator.username },
      });

      const twice = { ...ack, id: randomUUID() };
      expect((await postEvents(t.app, coordinator, [twice])).json().results[0].error).toBe(
        'the finding is already acknowledged',
      );

      const resolve = { ...ack, id: randomUUID(), status: 'resolved', note: 'Commission re-sealed the box' };
      expect((await postEvents(t.app, coordinator, [resolve])).json().results[0].status).toBe('stored');
      station = (await getJson(t.app, coordinator, '/api/stations')).body.stations[1];
      expect(station.status).toMatchObject({ openFindings: 0, worstOpenSeverity: null });

      const otherMission = { ...ack, id: randomUUID() };
      expect((await postEvents(t.app, otherCoordinator, [otherMission])).json().results[0].error).toBe(
        'no such finding in this mission',
      );
    });

    it('tracks help requests and their resolution', async () => {
      const help = {
        id: randomUUID(),
        type: 'help_request',
        teamId: team.teamId,
        occurredAt: minutesAgo(2),
        position: { lat: 42.87, lng: 74.6 },
      };
      expect((await postEvents(t.app, team.token, [help])).json().results[0].status).toBe('stored');
      let status = (await getJson(t.app, coordinator, '/api/teams')).body.teams[0].status;
      expect(status).toMatchObject({ helpOpen: true, lastPosition: { lat: 42.87, lng: 74.6 } });
      const resolved = {
        id: randomUUID(),
        type: 'help_resolved',
        teamId: team.teamId,
        occurredAt: minutesAgo(1),
        note: 'called back',
      };
      expect((await postEvents(t.app, coordinator, [resolved])).json().results[0].status).toBe('stored');
      status = (await getJson(t.app, coordinator, '/api/teams')).body.teams[0].status;
      expect(status.helpOpen).toBe(false);
      const again = { ...resolved, id: randomUUID() };
      expect((await postEvents(t.app, coordinator, [again])).json().results[0].error).toBe(
        'this team has no open help request',
      );
    });

    it('keeps displays read-only and teams out of the feed', async () => {
      expect((await postEvents(t.app, display, [arrival(team.teamId, stationIds[0]!)])).statusCode).toBe(403);
      expect((await getJson(t.app, team.token, '/api/events?after=0')).status).toBe(403);
      expect((await getJson(t.app, display, '/api/events?after=0')).status).toBe(200);
    });

    it("never shows one mission's events to another", async () => {
      const own = (await getJson(t.app, coordinator, '/api/events?after=0&limit=5000')).body;
      const other = (await getJson(t.app, otherCoordinator, '/api/events?after=0&limit=5000')).body;
      const ownIds = new Set(own.events.map((e: { id: string }) => e.id));
      expect(other.events.some((e: { id: string }) => ownIds.has(e.id))).toBe(false);
    });

    it('pages the feed in sequence order without gaps', async () => {
      const all = (await getJson(t.app, coordinator, '/api/events?after=0&limit=5000')).body;
      expect(all.events.map((e: { seq: number }) => e.seq)).toEqual(all.events.map((_: unknown, i: number) => i + 1));
      expect(all.head).toBe(all.events.length);
      const page = (await getJson(t.app, coordinator, '/api/events?after=2&limit=2')).body;
      expect(page.events.map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
    });

    it('chains every stored event to the one before it', async () => {
      const rows = await t.database.db.query.events.findMany({
        where: (e, { eq }) => eq(e.missionId, t.own.missionId),
        orderBy: (e, { asc }) => asc(e.seq),
      });
      let prev = genesisHash(t.own.missionId);
      for (const row of rows) {
        expect(row.prevHash).toBe(prev);
        expect(eventHash(row)).toBe(row.hash);
        prev = row.hash;
      }
      expect(rows.length).toBeGreaterThan(5);
    });

    it('answers envelope errors with a 4xx naming the problem', async () => {
      const empty = await postEvents(t.app, team.token, []);
      expect(empty.statusCode).toBe(400);
      expect(empty.json().message).toContain('events');
      const tooMany = await postEvents(
        t.app,
        team.token,
        Array.from({ length: 501 }, () => arrival(team.teamId, stationIds[0]!)),
      );
      expect(tooMany.statusCode).toBe(413);
      const notArray = await t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: { authorization: `Bearer ${team.token}` },
        payload: { events: 'x' },
      });
      expect(notArray.statusCode).toBe(400);
      const badQuery = await getJson(t.app, coordinator, '/api/events?after=-1');
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.message).toContain('after');
    });

    it('refuses bodies over the size limit', async () => {
      const huge = { events: [{ ...finding(team.teamId, stationIds[0]!), text: 'x'.repeat(6 * 1024 * 1024) }] };
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: { authorization: `Bearer ${team.token}` },
        payload: huge,
      });
      expect(res.statusCode).toBe(413);
    });
  });

  describe('station import', () => {
    const header = 'number,name,address,district,electoral_district,lat,lng,registered_voters';

    it('adds new stations and updates existing ones by number, keeping their ids', async () => {
      const csv = [
        header,
        '1001,School No. 1 (renamed),Chui Ave 100,Leninsky,21,42.85,74.58,2100',
        '1004,Gymnasium No. 5,Manas Ave 12,Oktyabrsky,22,42.83,74.62,1800',
      ].join('\n');
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/stations/import',
        headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
        payload: csv,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ rows: 2, created: 1, updated: 1 });
      const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations;
      expect(stations.map((s: { number: string }) => s.number)).toEqual(['1001', '1002', '1003', '1004']);
      expect(stations[0]).toMatchObject({ id: stationIds[0], name: 'School No. 1 (renamed)', registeredVoters: 2100 });
      expect(stations[0].status.visitCount).toBe(1);
    });

    it('imports GeoJSON points', async () => {
      const geojson = {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [74.61, 42.88] },
            properties: {
              number: '1005',
              name: 'Lyceum No. 2',
              address: 'Frunze St 4',
              district: 'Pervomaisky',
              electoral_district: '23',
              registered_voters: 1500,
            },
          },
        ],
      };
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/stations/import',
        headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'application/geo+json' },
        payload: JSON.stringify(geojson),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ rows: 1, created: 1, updated: 0 });
    });

    it('rejects a file with a bad row, listing each problem, and writes nothing', async () => {
      const before = await countRows(t, 'stations');
      const csv = [
        header,
        '1006,Ok Station,Mira Ave 1,Leninsky,21,42.85,74.58,100',
        '1007,Bad Station,Mira Ave 2,Leninsky,21,142.85,74.58,100',
        '1006,Dup,Mira Ave 3,Leninsky,21,42.8,74.5,',
      ].join('\n');
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/stations/import',
        headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
        payload: csv,
      });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.code).toBe('IMPORT_INVALID');
      expect(body.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ row: 2, field: 'lat' }),
          expect.objectContaining({ row: 3, field: 'number' }),
        ]),
      );
      expect(await countRows(t, 'stations')).toBe(before);
    });

    it('is for coordinators only', async () => {
      for (const token of [team.token, display]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/stations/import',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
          payload: header,
        });
        expect(res.statusCode).toBe(403);
      }
    });

    it('asks for a known format', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/stations/import',
        headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'application/octet-stream' },
        payload: Buffer.from('x'),
      });
      expect(res.statusCode).toBe(415);
    });
  });

  describe('health', () => {
    it('is live and ready with the database up', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ ok: true });
      const ready = await t.app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ ready: true, database: 'up', driver, redis: 'off' });
    });

    it('serves the OpenAPI document with the public routes', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const path of ['/api/auth/login', '/api/auth/join', '/api/stations', '/api/teams', '/api/events']) {
        expect(doc.paths).toHaveProperty([path]);
      }
    });
  });
});
