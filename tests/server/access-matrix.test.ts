/**
 * Who may do what: every route and the socket handshake × every kind of caller (no token, coordinator, team, display,
 * revoked token) of the own mission, and the other mission's coordinator against this mission's data.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { eq } from 'drizzle-orm';
import { accessTokens } from '../../db/schema/index';
import { buildTestApp, FIXTURE_PASSWORD, type TestApp } from '../helpers/app';
import { arrival, finding, getJson, join, login, postEvents } from '../helpers/events';
import { TINY_JPEG } from '../helpers/images';

type Caller = 'none' | 'coordinator' | 'team' | 'display' | 'revoked';
/** ok: the guard lets the call through (the answer is not 401/403); 401: not signed in; 403: the role may not. */
type Expected = 'ok' | 401 | 403;

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  contentType?: string;
  expect: Record<Exclude<Caller, 'none' | 'revoked'>, Expected>;
  public?: boolean;
}

const COORD: RouteCase['expect'] = { coordinator: 'ok', team: 403, display: 403 };
const COORD_TEAM: RouteCase['expect'] = { coordinator: 'ok', team: 'ok', display: 403 };
const COORD_DISPLAY: RouteCase['expect'] = { coordinator: 'ok', team: 403, display: 'ok' };
const ALL: RouteCase['expect'] = { coordinator: 'ok', team: 'ok', display: 'ok' };

describe('access matrix', () => {
  let t: TestApp;
  let tokens: Record<Caller, string | null>;
  let otherCoordinator: string;
  let team: { token: string; teamId: string };
  let stationIds: string[];
  let linkId: string;
  let photoId: string;
  let findingId: string;
  let url: string;

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    const coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
    stationIds = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/display-links',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { label: 'To revoke' },
    });
    const revokedToken = created.json().token as string;
    await t.app.inject({
      method: 'DELETE',
      url: `/api/display-links/${created.json().link.id}`,
      headers: { authorization: `Bearer ${coordinator}` },
    });
    linkId = (await getJson(t.app, coordinator, '/api/display-links')).body.links[0].id;
    tokens = { none: null, coordinator, team: team.token, display: t.own.displayToken, revoked: revokedToken };

    photoId = randomUUID();
    const jpeg = TINY_JPEG;
    const upload = await t.app.inject({
      method: 'PUT',
      url: `/api/photos/${photoId}`,
      headers: { authorization: `Bearer ${team.token}`, 'content-type': 'image/jpeg' },
      payload: jpeg,
    });
    expect(upload.statusCode).toBe(201);
    const reported = finding(team.teamId, stationIds[0]!, 'serious', 5);
    findingId = reported.id;
    await postEvents(t.app, team.token, [arrival(team.teamId, stationIds[0]!, 10), reported]);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => t?.close());

  const routes = (): RouteCase[] => [
    { method: 'GET', url: '/health', expect: ALL, public: true },
    { method: 'GET', url: '/ready', expect: ALL, public: true },
    { method: 'GET', url: '/api/version', expect: ALL, public: true },
    { method: 'POST', url: '/api/auth/logout', expect: COORD_TEAM },
    { method: 'GET', url: '/api/session', expect: ALL },
    { method: 'GET', url: '/api/stations', expect: ALL },
    { method: 'GET', url: '/api/stations/summary', expect: COORD },
    {
      method: 'POST',
      url: '/api/stations/import',
      body: 'number,name,address,district,electoral_district,lat,lng,registered_voters\n',
      contentType: 'text/csv',
      expect: COORD,
    },
    { method: 'GET', url: '/api/teams', expect: ALL },
    { method: 'GET', url: '/api/teams/trails', expect: COORD },
    { method: 'GET', url: `/api/stations/${stationIds[0]}/detail`, expect: COORD },
    { method: 'GET', url: '/api/map', expect: ALL },
    {
      method: 'POST',
      url: '/api/events',
      body: {
        events: [
          {
            id: randomUUID(),
            type: 'position',
            teamId: team.teamId,
            occurredAt: new Date().toISOString(),
            position: { lat: 42.8, lng: 74.6 },
          },
        ],
      },
      expect: COORD_TEAM,
    },
    { method: 'GET', url: '/api/events?after=0', expect: COORD_DISPLAY },
    { method: 'GET', url: '/api/summary', expect: ALL },
    { method: 'GET', url: '/api/findings/recent', expect: COORD_DISPLAY },
    { method: 'GET', url: '/api/findings', expect: COORD },
    { method: 'GET', url: '/api/coverage', expect: COORD },
    { method: 'GET', url: `/api/replay?at=${new Date().toISOString()}`, expect: COORD },
    {
      method: 'PUT',
      url: '/api/mission/alert-settings',
      body: { silentTeamMinutes: 45, pollingStartsAt: '07:00', pollingEndsAt: '20:00', criticalAckMinutes: 15 },
      expect: COORD,
    },
    { method: 'GET', url: '/api/mission/emergency-contacts', expect: COORD },
    { method: 'PUT', url: '/api/mission/emergency-contacts', body: { contacts: [] }, expect: COORD },
    { method: 'GET', url: '/api/mission/route-sheets', expect: COORD },
    { method: 'GET', url: '/api/forms', expect: ALL },
    { method: 'PUT', url: '/api/forms', body: {}, expect: COORD },
    { method: 'GET', url: `/api/photos/${photoId}`, expect: COORD },
    {
      method: 'PUT',
      url: `/api/photos/${randomUUID()}`,
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      contentType: 'image/png',
      expect: COORD_TEAM,
    },
    { method: 'GET', url: '/api/display-links', expect: COORD },
    { method: 'POST', url: `/api/teams/${team.teamId}/join-codes`, expect: COORD },
    { method: 'POST', url: '/api/display-links', body: { label: 'Matrix wall' }, expect: COORD },
    { method: 'PATCH', url: `/api/display-links/${linkId}`, body: { label: 'Renamed' }, expect: COORD },
    {
      method: 'PUT',
      url: '/api/display-links/policy',
      body: { showsFindingText: false, showsTeamPositions: false },
      expect: COORD,
    },
    { method: 'DELETE', url: `/api/display-links/${randomUUID()}`, expect: COORD },
    { method: 'GET', url: '/api/mission', expect: COORD },
    {
      method: 'POST',
      url: '/api/teams',
      body: { callSign: `M${Math.random().toString(36).slice(2, 8)}`, members: [], languages: ['en'] },
      expect: COORD,
    },
    // A mission with events refuses drill mode (409): the guard still has to let a coordinator through to hear it.
    { method: 'PUT', url: '/api/mission/drill', body: { drill: true }, expect: COORD },
    { method: 'POST', url: '/api/mission/drill/clear', body: { confirmMissionName: 'not the name' }, expect: COORD },
    { method: 'GET', url: '/api/conflicts', expect: COORD },
    {
      method: 'POST',
      url: '/api/plan/import?dryRun=true',
      body: 'team,station,order\nT01,1001,1\n',
      contentType: 'text/csv',
      expect: COORD,
    },
    { method: 'GET', url: '/api/exports/summary', expect: COORD },
    { method: 'GET', url: '/api/ballot', expect: COORD_TEAM },
    {
      method: 'PUT',
      url: '/api/ballot',
      body: { contests: [], turnoutHours: ['10:00'], protocolPhotoRequired: false },
      expect: COORD,
    },
    { method: 'POST', url: '/api/ballot/sample', body: { method: 'simple_random', size: 1 }, expect: COORD },
    {
      method: 'POST',
      url: '/api/ballot/import',
      body: 'contest_id,contest_name,candidate_id,candidate_name,stations\nm,M,A,Asanov,all\n',
      contentType: 'text/csv',
      expect: COORD,
    },
    { method: 'GET', url: '/api/turnout', expect: COORD_DISPLAY },
    { method: 'GET', url: '/api/protocols', expect: COORD },
    { method: 'GET', url: '/api/quick-count', expect: COORD_DISPLAY },
    {
      method: 'POST',
      url: '/api/official-results/import?dryRun=true',
      body: 'station_code,candidate,votes\n1001,A,1\n',
      contentType: 'text/csv',
      expect: COORD,
    },
    { method: 'GET', url: '/api/official-results/comparison', expect: COORD },
    { method: 'GET', url: '/api/result-checks', expect: COORD },
    ...[
      'events.csv',
      'visits.csv',
      'checklists.csv',
      'findings.csv',
      'findings.geojson',
      'stations.csv',
      'stations.geojson',
      'districts.csv',
      'turnout.csv',
      'protocols.csv',
      'quick-count.csv',
      'official-comparison.csv',
      'result-checks.csv',
    ].map((file): RouteCase => ({ method: 'GET', url: `/api/exports/${file}`, expect: COORD })),
  ];

  async function call(route: RouteCase, token: string | null) {
    const payload =
      route.body === undefined
        ? undefined
        : Buffer.isBuffer(route.body) || typeof route.body === 'string'
          ? route.body
          : JSON.stringify(route.body);
    return t.app.inject({
      method: route.method,
      url: route.url,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload !== undefined ? { 'content-type': route.contentType ?? 'application/json' } : {}),
      },
      ...(payload !== undefined ? { payload } : {}),
    });
  }

  it('answers every route for every caller as the table says', async () => {
    const mismatches: string[] = [];
    // Logout would revoke the caller's token for the rest of the table: it goes last.
    const table = routes().sort((a, b) => Number(a.url === '/api/auth/logout') - Number(b.url === '/api/auth/logout'));
    for (const route of table) {
      for (const caller of ['none', 'revoked', 'display', 'team', 'coordinator'] as Caller[]) {
        const expected: Expected = route.public
          ? 'ok'
          : caller === 'none' || caller === 'revoked'
            ? 401
            : route.expect[caller];
        const res = await call(route, tokens[caller]);
        const actual = res.statusCode;
        const fits = expected === 'ok' ? actual !== 401 && actual !== 403 && actual < 500 : actual === expected;
        if (!fits)
          mismatches.push(
            `${route.method} ${route.url} as ${caller}: expected ${expected}, got ${actual} ${res.body.slice(0, 120)}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("never shows this mission's data to the other mission's coordinator", async () => {
    for (const path of [
      '/api/stations',
      '/api/teams',
      '/api/teams/trails',
      '/api/map',
      '/api/events?after=0&limit=5000',
      '/api/findings/recent',
      '/api/findings',
      '/api/coverage',
      '/api/display-links',
      '/api/summary',
      '/api/conflicts?status=all',
      '/api/mission',
      '/api/exports/summary',
    ]) {
      const { status, body } = await getJson(t.app, otherCoordinator, path);
      expect(status, path).toBe(200);
      for (const id of [...stationIds, team.teamId, findingId, linkId])
        expect(JSON.stringify(body), `${path} leaks ${id}`).not.toContain(id);
    }
    expect((await getJson(t.app, otherCoordinator, `/api/photos/${photoId}`)).status).toBe(404);
    for (const file of [
      'events.csv',
      'visits.csv',
      'findings.csv',
      'stations.geojson',
      'findings.geojson',
      'turnout.csv',
      'protocols.csv',
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/exports/${file}`,
        headers: { authorization: `Bearer ${otherCoordinator}` },
      });
      for (const id of [...stationIds, team.teamId, findingId])
        expect(res.body, `${file} leaks ${id}`).not.toContain(id);
    }
    expect((await getJson(t.app, otherCoordinator, `/api/stations/${stationIds[0]}/detail`)).status).toBe(404);
    const rename = await t.app.inject({
      method: 'PATCH',
      url: `/api/display-links/${linkId}`,
      headers: { authorization: `Bearer ${otherCoordinator}` },
      payload: { label: 'taken over' },
    });
    expect(rename.statusCode).toBe(404);
    const code = await t.app.inject({
      method: 'POST',
      url: `/api/teams/${team.teamId}/join-codes`,
      headers: { authorization: `Bearer ${otherCoordinator}` },
    });
    expect(code.statusCode).toBe(404);
  });

  it('never lets the other mission write into this one', async () => {
    const results = (
      await postEvents(t.app, otherCoordinator, [
        arrival(team.teamId, stationIds[1]!, 1),
        {
          id: randomUUID(),
          type: 'finding_status',
          findingId,
          status: 'acknowledged',
          occurredAt: new Date().toISOString(),
        },
      ])
    ).json().results;
    expect(results.map((r: { error: string }) => r.error)).toEqual([
      'no such team in this mission',
      'no such finding in this mission',
    ]);
  });

  it('opens the live feed to coordinators and displays only; a team socket gets its own team room and nothing else', async () => {
    const outcome = async (token: string | null) =>
      new Promise<string>((resolve) => {
        const socket = io(url, {
          transports: ['websocket'],
          auth: token ? { token } : {},
          reconnection: false,
          forceNew: true,
        });
        socket.once('connect', () => (socket.close(), resolve('connected')));
        socket.once('connect_error', (err) => (socket.close(), resolve(err.message.split(':')[0]!)));
      });
    // The table's logout row revoked the earlier tokens: sign in afresh.
    const fresh = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const freshTeam = await join(t.app, t.own.joinCodes[0]!.code);
    expect(await outcome(null)).toBe('unauthorized');
    expect(await outcome(tokens.revoked)).toBe('unauthorized');
    expect(await outcome(t.own.displayToken)).toBe('connected');
    expect(await outcome(fresh)).toBe('connected');

    // Team: allowed, but only into its team's room. While its own team, a coordinator and a display all make news, the
    // only frame it gets is the notice of its own plan; catch_up is refused.
    const phone = io(url, {
      transports: ['websocket'],
      auth: { token: freshTeam.token, after: 0 },
      reconnection: false,
      forceNew: true,
    });
    const frames: string[] = [];
    phone.onAny((name: string) => frames.push(name));
    await new Promise<void>((resolve, reject) => (phone.once('connect', resolve), phone.once('connect_error', reject)));
    const others = await join(t.app, t.own.joinCodes[1]!.code);
    await postEvents(t.app, others.token, [arrival(others.teamId, stationIds[1]!, 2)]);
    await postEvents(t.app, freshTeam.token, [arrival(freshTeam.teamId, stationIds[0]!, 1)]);
    const plan = {
      id: randomUUID(),
      type: 'plan_changed',
      occurredAt: new Date().toISOString(),
      teamId: freshTeam.teamId,
      stations: [{ stationId: stationIds[0]! }],
    };
    expect((await postEvents(t.app, fresh, [plan])).json().results[0].status).toBe('stored');
    const deadline = Date.now() + 5000;
    while (!frames.includes('plan_updated') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await phone.timeout(2000).emitWithAck('catch_up', { after: 0 })).toEqual({
      error: expect.stringContaining('forbidden'),
    });
    phone.close();
    expect(frames).toEqual(['plan_updated']);
  });

  it("finding 1: a coordinator's and a team's live sockets are dropped at logout and hear nothing after it", async () => {
    const session = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const device = await join(t.app, t.own.joinCodes[0]!.code);
    const watcher = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    const open = (token: string) => {
      const socket = io(url, {
        transports: ['websocket'],
        auth: { token, after: 0 },
        reconnection: false,
        forceNew: true,
      });
      const frames: string[] = [];
      const ended = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      return { socket, frames, ended };
    };
    const desk = open(session);
    const phone = open(device.token);
    const control = open(watcher);
    try {
      await Promise.all(
        [desk, phone, control].map(
          ({ socket }) =>
            new Promise<void>(
              (resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)),
            ),
        ),
      );
      for (const { socket, frames } of [desk, phone, control]) socket.onAny((name: string) => frames.push(name));

      const within = <T>(promise: Promise<T>, what: string) =>
        Promise.race([
          promise,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within 10 s`)), 10_000)),
        ]);
      for (const [token, { ended }] of [
        [session, desk],
        [device.token, phone],
      ] as const) {
        const out = await t.app.inject({
          method: 'POST',
          url: '/api/auth/logout',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(out.statusCode).toBe(204);
        expect(await within(ended, 'disconnect after logout')).toBe('io server disconnect');
      }
      // News after the logouts: a still-signed-in coordinator hears it, the logged-out sockets hear nothing.
      const plan = {
        id: randomUUID(),
        type: 'plan_changed',
        occurredAt: new Date().toISOString(),
        teamId: device.teamId,
        stations: [{ stationId: stationIds[2]! }],
      };
      expect((await postEvents(t.app, watcher, [plan])).json().results[0].status).toBe('stored');
      const deadline = Date.now() + 10_000;
      while (!control.frames.includes('commit') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(control.frames).toContain('commit');
      expect(desk.frames).toEqual([]);
      expect(phone.frames).toEqual([]);
      // The logged-out session cannot open a new socket either.
      const again = io(url, {
        transports: ['websocket'],
        auth: { token: session },
        reconnection: false,
        forceNew: true,
      });
      expect(
        await new Promise<string>((resolve) => again.once('connect_error', (err) => resolve(err.message))),
      ).toContain('unauthorized');
      again.close();
    } finally {
      for (const { socket } of [desk, phone, control]) socket.close();
    }
  });

  it('finding 1: a session revoked or expired where no news reaches this instance gets no catch_up, and is dropped', async () => {
    // A sweep far away, so only catch_up's own check can refuse: as on an instance Redis could not tell of a logout.
    const quiet = await buildTestApp('pglite', { headAnnounceIntervalMs: 600_000 });
    try {
      await quiet.app.listen({ host: '127.0.0.1', port: 0 });
      const address = quiet.app.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      for (const change of [{ revokedAt: new Date() }, { expiresAt: new Date(Date.now() - 1000) }]) {
        const session = await login(quiet.app, quiet.own.coordinator.username, FIXTURE_PASSWORD);
        const socket = io(base, {
          transports: ['websocket'],
          auth: { token: session },
          reconnection: false,
          forceNew: true,
        });
        try {
          await new Promise<void>(
            (resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)),
          );
          expect(await socket.timeout(5000).emitWithAck('catch_up', { after: 0 })).toMatchObject({
            data: { head: expect.any(Number) },
          });
          const ended = new Promise<string>((resolve) => socket.once('disconnect', resolve));
          const tokenId = (await quiet.app.services.auth.authenticate(session))!.tokenId;
          await quiet.database.db.update(accessTokens).set(change).where(eq(accessTokens.id, tokenId));
          expect(await socket.timeout(5000).emitWithAck('catch_up', { after: 0 }), JSON.stringify(change)).toEqual({
            error: expect.stringContaining('unauthorized'),
          });
          expect(await ended).toBe('io server disconnect');
        } finally {
          socket.close();
        }
      }
    } finally {
      await quiet.close();
    }
  }, 300_000);
});
