/**
 * The production topology with local processes: two Vigil instances sharing one Postgres and one Redis, then the
 * same over a three-master Redis Cluster (REDIS_CLUSTER_NODES, the sharded adapter).
 * An event posted to one instance reaches dashboards on both; Redis going away and coming back, or an instance
 * restarting, never leaves a dashboard different from the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';
import { FIXTURE_PASSWORD } from '../helpers/app';
import { IN_CI, createTestDatabase, postgresAvailable } from '../helpers/services';
import {
  freePort,
  hasBinary,
  RedisClusterProcess,
  RedisProcess,
  VigilInstance,
  type LocalRedis,
} from '../helpers/processes';
import { isExactLog, LiveDashboard, waitFor } from '../helpers/live-client';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { sql } from 'drizzle-orm';
import { hashSecret } from '../../server/modules/auth/secrets';

const redisServer = hasBinary('redis-server');
if (!redisServer && IN_CI) throw new Error('redis-server is required on CI for the multi-instance tests');
const runnable = postgresAvailable && redisServer;
if (!runnable)
  console.warn('[vigil tests] multi-instance tests skipped: they need PostgreSQL and the redis-server binary');

async function api(base: string, method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as any };
}

describe.runIf(runnable).each(['single', 'cluster'] as const)('two instances over Redis (%s)', (topology) => {
  let dropDatabase: () => Promise<void>;
  let databaseUrl: string;
  let database: Database;
  let redis: LocalRedis;
  let a: VigilInstance;
  let b: VigilInstance;
  let mission: MissionCredentials;
  let coordinator: string;
  let teamToken: string;
  let teamId: string;
  let stationIds: string[];
  const dashboards: LiveDashboard[] = [];
  let posted = 0;

  const dashboardOn = (instance: VigilInstance, after: number) => {
    const d = new LiveDashboard(instance.url, coordinator, after);
    dashboards.push(d);
    return d;
  };
  const positionEvent = () => ({
    id: randomUUID(),
    type: 'position',
    teamId,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    position: { lat: 42.87, lng: 74.6 },
  });
  async function post(instance: VigilInstance, events: unknown[]) {
    const res = await api(instance.url, 'POST', '/api/events', teamToken, { events });
    expect(res.status).toBe(200);
    for (const r of res.body.results) expect(r.status).toBe('stored');
    posted += events.length;
    return res.body.results;
  }

  beforeAll(async () => {
    const created = await createTestDatabase();
    dropDatabase = created.drop;
    databaseUrl = created.url;
    database = await openDatabase({ driver: 'postgres', url: created.url, poolSize: 2 });
    await database.migrate();
    mission = (await setUpMission(database.db, {
      mission: {
        name: 'Two-instance mission',
        electionDate: '2025-11-30',
        timeZone: 'Asia/Bishkek',
        centerLat: 42.87,
        centerLng: 74.6,
        bounds: [
          [74.5, 42.77],
          [74.68, 42.94],
        ],
        outline: null,
        languages: ['en'],
      },
      stations: [1001, 1002].map((n) => ({
        number: String(n),
        name: `School ${n}`,
        address: 'Chui Ave 1',
        district: 'Leninsky',
        electoralDistrict: '21',
        lat: 42.85,
        lng: 74.58,
        registeredVoters: 1000,
      })),
      teams: [{ callSign: 'T01', members: ['A', 'B'], phone: null, languages: ['en'], assignedStationNumbers: [] }],
      coordinator: { username: `coord-${randomUUID().slice(0, 8)}`, displayName: 'C', password: FIXTURE_PASSWORD },
      displayLabel: 'Wall',
    }))!;
    redis = topology === 'cluster' ? await RedisClusterProcess.onFreePorts() : new RedisProcess(await freePort());
    await redis.start();
    const instance = async (name: string) =>
      new VigilInstance({
        port: await freePort(),
        databaseUrl: created.url,
        redisUrl: null,
        name,
        env: redis.instanceEnv,
      });
    a = await instance('A');
    b = await instance('B');
    await Promise.all([a.start(), b.start()]);
    coordinator = (
      await api(a.url, 'POST', '/api/auth/login', null, {
        username: mission.coordinator.username,
        password: FIXTURE_PASSWORD,
      })
    ).body.token;
    const joined = (await api(b.url, 'POST', '/api/auth/join', null, { code: mission.joinCodes[0]!.code })).body;
    teamToken = joined.token;
    teamId = joined.teamId;
    stationIds = (await api(a.url, 'GET', '/api/stations', coordinator)).body.stations.map((s: { id: string }) => s.id);
  }, 120_000);

  afterAll(async () => {
    for (const d of dashboards) d.close();
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await redis?.remove();
    await database?.close();
    await dropDatabase?.();
  });

  it('an arrival posted to instance B reaches dashboards on A and on B, recolouring the station', async () => {
    const onA = dashboardOn(a, 0);
    const onB = dashboardOn(b, 0);
    await Promise.all([onA.connected(), onB.connected()]);
    expect((await api(a.url, 'GET', '/ready', null)).body).toMatchObject({
      ready: true,
      redis: 'ready',
      driver: 'postgres',
    });

    await post(b, [
      {
        id: randomUUID(),
        type: 'arrival',
        teamId,
        stationId: stationIds[0],
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
      },
    ]);
    await waitFor(() => onA.applied.length === 1 && onB.applied.length === 1, 5000, 'the arrival on both instances');
    expect(onA.applied[0]).toMatchObject({ type: 'arrival', stationId: stationIds[0] });
    await waitFor(() => onA.patches.length > 0, 5000, 'the status patch on A');
    expect(onA.patches[0]!.stations[0]).toMatchObject({ id: stationIds[0], status: { presentTeamIds: [teamId] } });
  });

  it('with Redis stopped, ingest still stores and dashboards catch up from Postgres; after Redis returns, live fan-out resumes', async () => {
    const onA = dashboardOn(a, 0);
    await waitFor(() => onA.applied.length === posted, 5000, 'initial catch-up');

    await redis.stop();
    const outage = await api(a.url, 'GET', '/ready', null);
    expect(outage).toMatchObject({ status: 503, body: { redis: 'down', database: 'up' } });
    for (let i = 0; i < 3; i++) await post(b, [positionEvent()]);
    // A's own head announcements come from Postgres, so A's dashboard learns it is behind and fetches.
    await waitFor(() => onA.applied.length === posted, 15_000, 'catch-up while Redis is down');
    // An instance stopped while Redis is away still drains and exits at once, rather than waiting for Redis.
    const drained = await b.stop('SIGTERM');
    if (drained !== 0) throw new Error(`B did not drain cleanly: ${b.output.slice(-2000)}`);
    expect(drained).toBe(0);

    await redis.start();
    await b.start();
    const readyAgain = async () =>
      (await api(b.url, 'GET', '/ready', null)).body.redis === 'ready' &&
      (await api(a.url, 'GET', '/ready', null)).body.redis === 'ready';
    const deadline = Date.now() + 20_000;
    while (!(await readyAgain())) {
      if (Date.now() > deadline) throw new Error('instances did not reconnect to Redis');
      await new Promise((r) => setTimeout(r, 100));
    }
    await post(b, [positionEvent(), positionEvent()]);
    await waitFor(() => onA.applied.length === posted, 10_000, 'live events after Redis returned');
    expect(isExactLog(onA.seqs, posted)).toBe(true);
  }, 60_000);

  it('a dashboard whose instance restarts reconnects and ends equal to the database', async () => {
    const onA = dashboardOn(a, 0);
    await waitFor(() => onA.applied.length === posted, 5000, 'initial catch-up');
    await a.stop('SIGTERM');
    await post(b, [positionEvent(), positionEvent(), positionEvent()]);
    await a.start();
    await waitFor(() => onA.applied.length === posted, 20_000, 'catch-up after the restart');
    expect(isExactLog(onA.seqs, posted)).toBe(true);
    const feed = (await api(b.url, 'GET', `/api/events?after=0&limit=5000`, coordinator)).body;
    expect(feed.events.map((e: { id: string }) => e.id)).toEqual(onA.applied.map((e) => e.id));
  }, 60_000);

  it('revoking a display link through B tells and disconnects its display on A at once', async () => {
    const created = (await api(b.url, 'POST', '/api/display-links', coordinator, { label: 'Wall on A' })).body;
    const wall = new LiveDashboard(a.url, created.token, 0);
    dashboards.push(wall);
    await wall.connected();
    const revoked = new Promise<unknown>((resolve) => wall.socket.once('revoked', resolve));
    const disconnected = new Promise<string>((resolve) => wall.socket.once('disconnect', resolve));
    expect((await api(b.url, 'DELETE', `/api/display-links/${created.link.id}`, coordinator)).status).toBe(204);
    const [notice, reason] = await Promise.all([revoked, disconnected]);
    expect(notice).toEqual({ reason: expect.stringContaining('revoked') });
    expect(reason).toBe('io server disconnect');
  });

  it('a token revoked on one instance stops working on the other at once, though the other had it cached', async () => {
    const created = (await api(b.url, 'POST', '/api/display-links', coordinator, { label: 'Cached on A' })).body;
    expect((await api(a.url, 'GET', '/api/summary', created.token)).status).toBe(200);
    expect((await api(b.url, 'DELETE', `/api/display-links/${created.link.id}`, coordinator)).status).toBe(204);
    // The news travels through Redis: well under the cache's own lifetime (AUTH_CACHE_MS, 5 s by default).
    const revokedAt = Date.now();
    while ((await api(a.url, 'GET', '/api/summary', created.token)).status !== 401) {
      if (Date.now() - revokedAt > 2000) throw new Error('instance A kept accepting a revoked display token');
      await new Promise((r) => setTimeout(r, 20));
    }

    const session = (
      await api(b.url, 'POST', '/api/auth/login', null, {
        username: mission.coordinator.username,
        password: FIXTURE_PASSWORD,
      })
    ).body.token;
    expect((await api(a.url, 'GET', '/api/session', session)).status).toBe(200);
    expect((await api(b.url, 'POST', '/api/auth/logout', session)).status).toBeLessThan(300);
    const loggedOutAt = Date.now();
    while ((await api(a.url, 'GET', '/api/session', session)).status !== 401) {
      if (Date.now() - loggedOutAt > 2000) throw new Error('instance A kept accepting a logged-out session');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it("a plan changed through B reaches the team's phone on A as a notice only, and the device's logout on B drops it on A", async () => {
    const device = (await api(b.url, 'POST', '/api/auth/join', null, { code: mission.joinCodes[0]!.code })).body;
    const phone = io(a.url, {
      transports: ['websocket'],
      auth: { token: device.token },
      reconnection: false,
      forceNew: true,
    });
    const frames: { name: string; args: unknown[] }[] = [];
    phone.onAny((name: string, ...args: unknown[]) => frames.push({ name, args }));
    try {
      await waitFor(() => phone.connected, 10_000, 'the team socket on A');
      await post(b, [positionEvent()]);
      const plan = {
        id: randomUUID(),
        type: 'plan_changed',
        occurredAt: new Date().toISOString(),
        teamId,
        stations: [{ stationId: stationIds[1] }],
      };
      const res = await api(b.url, 'POST', '/api/events', coordinator, { events: [plan] });
      expect(res.body.results[0]).toMatchObject({ status: 'stored' });
      posted += 1;
      await waitFor(() => frames.length > 0, 5000, 'the plan notice on A');
      expect(frames).toEqual([{ name: 'plan_updated', args: [{ teamId, seq: res.body.results[0].seq }] }]);

      const disconnected = new Promise<string>((resolve) => phone.once('disconnect', resolve));
      expect((await api(b.url, 'POST', '/api/auth/logout', device.token)).status).toBeLessThan(300);
      expect(await disconnected).toBe('io server disconnect');
    } finally {
      phone.close();
    }
  });

  it('a help acknowledgement and a message through B reach the phone on A; its read receipt reaches B', async () => {
    const device = (await api(b.url, 'POST', '/api/auth/join', null, { code: mission.joinCodes[0]!.code })).body;
    const phone = io(a.url, {
      transports: ['websocket'],
      auth: { token: device.token },
      reconnection: false,
      forceNew: true,
    });
    const messages: unknown[] = [];
    phone.on('message', (item: unknown) => messages.push(item));
    try {
      await waitFor(() => phone.connected, 10_000, 'the team socket on A');
      await post(b, [
        { id: randomUUID(), type: 'help_request', teamId, occurredAt: new Date(Date.now() - 60_000).toISOString() },
      ]);
      const ack = {
        id: randomUUID(),
        type: 'team_alert_acknowledged',
        teamId,
        alert: 'help',
        occurredAt: new Date().toISOString(),
        note: 'Calling you now',
      };
      const res = await api(b.url, 'POST', '/api/events', coordinator, { events: [ack] });
      expect(res.body.results[0]).toMatchObject({ status: 'stored' });
      posted += 1;
      await waitFor(() => messages.length > 0, 5000, 'the acknowledgement on A');
      expect(messages).toEqual([
        expect.objectContaining({
          id: ack.id,
          teamId,
          kind: 'help_acknowledged',
          text: 'Calling you now',
          readAt: null,
        }),
      ]);

      // A coordinator's message through B reaches the phone on A; the phone's read receipt, posted to A, reaches a
      // coordinator's page on B ("read by T01").
      const desk = dashboardOn(b, 0);
      await desk.connected();
      const sent = {
        id: randomUUID(),
        type: 'message_sent',
        occurredAt: new Date().toISOString(),
        to: { teamIds: [teamId] },
        text: 'Go to 1002 now',
        stationId: stationIds[1],
      };
      const out = await api(b.url, 'POST', '/api/events', coordinator, { events: [sent] });
      expect(out.body.results[0]).toMatchObject({ status: 'stored' });
      posted += 1;
      await waitFor(() => messages.length > 1, 5000, 'the message on A');
      expect(messages[1]).toEqual(
        expect.objectContaining({ id: sent.id, kind: 'message', text: 'Go to 1002 now', stationId: stationIds[1] }),
      );
      const read = {
        id: randomUUID(),
        type: 'message_read',
        teamId,
        messageId: sent.id,
        occurredAt: new Date().toISOString(),
      };
      await post(a, [read]);
      await waitFor(() => desk.applied.some((e) => e.id === read.id), 5000, 'the read receipt on B');
      const receipts = (await api(b.url, 'GET', '/api/messages', coordinator)).body.messages;
      expect(receipts.find((m: { id: string }) => m.id === sent.id).receipts).toEqual([
        expect.objectContaining({ teamId, readAt: expect.any(String) }),
      ]);
    } finally {
      phone.close();
    }
  });

  it("alert settings saved through B reach coordinators' pages on A (not displays), as stored", async () => {
    const desk = new LiveDashboard(a.url, coordinator, 0);
    const wall = new LiveDashboard(a.url, mission.displayToken, 0);
    dashboards.push(desk, wall);
    await Promise.all([desk.connected(), wall.connected()]);
    const heard = (board: LiveDashboard) => {
      const got: unknown[] = [];
      board.socket.on('alert_settings', (settings) => got.push(settings));
      return got;
    };
    const onDesk = heard(desk);
    const onWall = heard(wall);
    const settings = { silentTeamMinutes: 20, pollingStartsAt: '08:00', pollingEndsAt: '20:00', criticalAckMinutes: 5 };
    expect((await api(b.url, 'PUT', '/api/mission/alert-settings', coordinator, settings)).status).toBe(200);
    await waitFor(() => onDesk.length > 0, 5000, 'the settings on A');
    expect(onDesk).toEqual([settings]);
    expect((await api(a.url, 'GET', '/api/session', coordinator)).body.mission.alerts).toEqual(settings);
    // A bad value changes nothing and tells no one.
    expect(
      (await api(b.url, 'PUT', '/api/mission/alert-settings', coordinator, { ...settings, silentTeamMinutes: 0 }))
        .status,
    ).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onDesk).toHaveLength(1);
    expect(onWall).toEqual([]);
  });

  it('a wall replay started on A reaches a wall on B redacted, a wall joining B gets it, renewals and the end too', async () => {
    const LAT = 42.861234;
    await post(b, [{ ...positionEvent(), position: { lat: LAT, lng: 74.591234 } }]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const at = new Date().toISOString();
    const replay = `/api/replay?at=${encodeURIComponent(at)}`;
    // The same moment from either instance: each rebuilds it from the one log (A's replay cache is not B's).
    const [onA, onB] = await Promise.all([
      api(a.url, 'GET', replay, coordinator),
      api(b.url, 'GET', replay, coordinator),
    ]);
    expect(onA.status).toBe(200);
    const same = (body: { coverage: { computedAt?: string } }) => ({
      ...body,
      coverage: { ...body.coverage, computedAt: undefined },
    });
    expect(same(onB.body)).toEqual(same(onA.body));
    expect(onA.body.teams.find((x: { id: string }) => x.id === teamId).status.lastPosition.lat).toBe(LAT);

    const frames: { socket: string; name: string; args: any[] }[] = [];
    const wallOn = (instance: VigilInstance, name: string) => {
      const socket = io(instance.url, {
        transports: ['websocket'],
        auth: { token: mission.displayToken },
        reconnection: false,
        forceNew: true,
      });
      socket.onAny((event: string, ...args: any[]) => {
        if (event.startsWith('wall_replay')) frames.push({ socket: name, name: event, args });
      });
      return socket;
    };
    const heard = (socket: string, name: string) => frames.filter((f) => f.socket === socket && f.name === name);
    const wall = wallOn(b, 'wall');
    let late: ReturnType<typeof wallOn> | null = null;
    try {
      await waitFor(() => wall.connected, 10_000, 'the wall on B');
      const put = await api(a.url, 'PUT', '/api/replay/walls', coordinator, { at });
      expect(put.status).toBe(200);
      await waitFor(() => heard('wall', 'wall_replay').length > 0, 5000, 'wall_replay on B');
      const shown = heard('wall', 'wall_replay')[0]!.args[0];
      expect(shown.expiresAt).toBe(put.body.expiresAt);
      expect(shown.moment.at).toBe(at);
      expect(shown.moment.seq).toBe(onA.body.seq);
      expect(shown.moment.stations).toEqual(onA.body.stations);
      // Redacted for the wall: the team's position at the moment stays with the coordinators.
      expect(shown.moment.teams.find((x: { id: string }) => x.id === teamId).status.lastPosition).toBeNull();
      expect(JSON.stringify(shown)).not.toContain(String(LAT));

      // B knows what A put on the walls, and who did.
      expect((await api(b.url, 'GET', '/api/replay/walls', coordinator)).body.onWalls).toMatchObject({
        at,
        expiresAt: put.body.expiresAt,
        startedBy: mission.coordinator.username,
      });
      // A wall that connects to B now is sent the moment at once: A stored it, and the database is B's truth too.
      late = wallOn(b, 'late');
      await waitFor(() => heard('late', 'wall_replay').length > 0, 5000, 'the moment on the wall joining B');
      const joined = heard('late', 'wall_replay')[0]!.args[0];
      expect({ ...joined, moment: same(joined.moment) }).toEqual({ ...shown, moment: same(shown.moment) });

      // The coordinator's page renews through B: B knows it is the moment A put up, and sends only the lease.
      const renewed = await api(b.url, 'PUT', '/api/replay/walls', coordinator, { at });
      expect(renewed.status).toBe(200);
      await waitFor(() => heard('wall', 'wall_replay_renewed').length > 0, 5000, 'the renewal on B');
      expect(heard('wall', 'wall_replay_renewed')[0]!.args).toEqual([{ at, expiresAt: renewed.body.expiresAt }]);
      expect(heard('wall', 'wall_replay')).toHaveLength(1);

      expect((await api(a.url, 'DELETE', '/api/replay/walls', coordinator)).status).toBe(204);
      await waitFor(() => heard('wall', 'wall_replay_ended').length > 0, 5000, 'wall_replay_ended on B');
      await waitFor(() => heard('late', 'wall_replay_ended').length > 0, 5000, 'wall_replay_ended on the late wall');
    } finally {
      wall.close();
      late?.close();
    }
  });

  it('counts failed joins per address across instances, not per instance', async () => {
    // Two more instances on the same Postgres and Redis, allowing 5 failed joins per address, behind a proxy on this
    // machine (TRUST_PROXY: by default no one's X-Forwarded-For is believed).
    const limited = async (name: string) =>
      new VigilInstance({
        port: await freePort(),
        databaseUrl,
        redisUrl: null,
        name,
        env: { ...redis.instanceEnv, JOIN_FAILURES_PER_ADDRESS: '5', TRUST_PROXY: 'loopback' },
      });
    const [c, d] = [await limited('C'), await limited('D')];
    await Promise.all([c.start(), d.start()]);
    try {
      // As if through a load balancer on this machine, for a client address no other test used.
      const client = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
      const attempt = (instance: VigilInstance) =>
        fetch(`${instance.url}/api/auth/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
          body: JSON.stringify({ code: 'WRONG-CODE' }),
        }).then((r) => r.status);
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push(await attempt(i % 2 === 0 ? c : d));
      // Counted on each instance alone, the first 429 would be the 11th attempt.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      // Logins count apart: still allowed.
      expect(
        (
          await api(d.url, 'POST', '/api/auth/login', null, {
            username: mission.coordinator.username,
            password: FIXTURE_PASSWORD,
          })
        ).status,
      ).toBe(200);
    } finally {
      await Promise.all([c.stop('SIGKILL'), d.stop('SIGKILL')]);
    }
  });

  const socketOn = (instance: VigilInstance, token: string) => {
    const socket = io(instance.url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
    });
    const frames: string[] = [];
    socket.onAny((name: string) => frames.push(name));
    const ended = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    return {
      socket,
      frames,
      ended,
      connected: () => waitFor(() => socket.connected, 10_000, `a socket on ${instance.options.name}`),
    };
  };

  it("finding 1: a coordinator's sockets on A and B are dropped when the session logs out through B, and hear nothing after", async () => {
    const session = (
      await api(a.url, 'POST', '/api/auth/login', null, {
        username: mission.coordinator.username,
        password: FIXTURE_PASSWORD,
      })
    ).body.token;
    const onA = socketOn(a, session);
    const onB = socketOn(b, session);
    const control = dashboardOn(a, posted);
    try {
      await Promise.all([onA.connected(), onB.connected(), control.connected()]);
      expect((await api(b.url, 'POST', '/api/auth/logout', session)).status).toBe(204);
      // The logout answers once every instance has dropped the session's sockets: nothing can reach them after it.
      const framesAtLogout = [onA.frames.length, onB.frames.length];
      expect(await Promise.all([onA.ended, onB.ended])).toEqual(['io server disconnect', 'io server disconnect']);
      await post(b, [positionEvent()]);
      await post(a, [positionEvent()]);
      await waitFor(() => control.applied.length === 2, 10_000, 'the events on a signed-in dashboard');
      expect([onA.frames.length, onB.frames.length]).toEqual(framesAtLogout);
      expect([...onA.frames, ...onB.frames]).not.toContain('events');
    } finally {
      onA.socket.close();
      onB.socket.close();
    }
  });

  async function bothBackOnRedis(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ready = async (url: string) => (await api(url, 'GET', '/ready', null)).body.redis === 'ready';
    while (Date.now() < deadline && !((await ready(a.url)) && (await ready(b.url))))
      await new Promise((r) => setTimeout(r, 100));
  }

  it('finding 1: with Redis down, the sweep drops a session logged out through B, or expired, from A; its catch_up is refused', async () => {
    const signIn = async () =>
      (
        await api(a.url, 'POST', '/api/auth/login', null, {
          username: mission.coordinator.username,
          password: FIXTURE_PASSWORD,
        })
      ).body.token as string;
    const [loggedOut, expiring] = [await signIn(), await signIn()];
    const out = socketOn(a, loggedOut);
    const expired = socketOn(a, expiring);
    try {
      await Promise.all([out.connected(), expired.connected()]);
      await redis.stop();
      expect((await api(b.url, 'POST', '/api/auth/logout', loggedOut)).status).toBe(204);
      // Straight after the logout, before or after A's sweep got to it: the log is closed to that session.
      const asked = await out.socket
        .timeout(3000)
        .emitWithAck('catch_up', { after: 0 })
        .catch(() => ({ error: 'unauthorized: disconnected' }));
      expect(asked).toEqual({ error: expect.stringContaining('unauthorized') });
      await database.db.execute(
        sql`update access_tokens set expires_at = now() - interval '1 second' where token_hash = ${hashSecret(expiring)}`,
      );
      // Promised: within AUTH_CACHE_MS (5 s) + one head interval (300 ms here); waited for with a generous ceiling.
      await waitFor(() => !out.socket.connected && !expired.socket.connected, 30_000, 'the sweep to drop both sockets');
      expect(await Promise.all([out.ended, expired.ended])).toEqual(['io server disconnect', 'io server disconnect']);
    } finally {
      out.socket.close();
      expired.socket.close();
      await redis.start();
      // Later tests need both instances back on Redis; a failure here is reported by them, not by masking this one's.
      await bothBackOnRedis(60_000);
    }
  }, 90_000);

  it.runIf(topology === 'cluster')(
    'each instance subscribes only to the rooms of missions it has sockets of, and drops them when they leave',
    async () => {
      const cluster = redis as RedisClusterProcess;
      for (const d of dashboards) d.close();
      // The sharded adapter's channel for the mission's coordinator room (socket.io#<namespace>#<room>#).
      const channel = `socket.io#/#mission:${mission.missionId}#`;
      await waitFor(() => cluster.shardSubscribers(channel) === 0, 10_000, 'no dashboard, no subscription');
      const onA = dashboardOn(a, 0);
      await onA.connected();
      await waitFor(() => cluster.shardSubscribers(channel) === 1, 10_000, 'only A subscribed');
      const onB = dashboardOn(b, 0);
      await onB.connected();
      await waitFor(() => cluster.shardSubscribers(channel) === 2, 10_000, 'A and B subscribed');
      // News still reaches both over the room's channel.
      await post(b, [positionEvent()]);
      await waitFor(() => onA.applied.length === posted && onB.applied.length === posted, 10_000, 'news on A and B');
      onA.close();
      onB.close();
      await waitFor(() => cluster.shardSubscribers(channel) === 0, 10_000, 'unsubscribed once the sockets left');
    },
  );

  it('drains on SIGTERM and exits cleanly', async () => {
    const code = await b.stop('SIGTERM');
    expect(code).toBe(0);
    await b.start();
  }, 60_000);
});
