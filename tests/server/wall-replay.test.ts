/**
 * Replay on the walls: a coordinator shows the mission's displays a past moment (PUT /api/replay/walls); every display
 * socket of the mission gets `wall_replay` with the moment redacted as its live data is, and a lease that runs out by
 * itself; the same moment again only renews the lease (`wall_replay_renewed`); a display that connects meanwhile is
 * sent the moment at once; DELETE sends them back to live. Displays still get 403 from GET /api/replay, and may not
 * start a replay.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime';
import type { WallReplay, WallReplayRenewal } from '../../shared/schemas/replay';
import { wallReplays } from '../../db/schema/index';
import { WALL_REPLAY_LEASE_MS } from '../../shared/constants';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { arrival, getJson, join, login, postEvents } from '../helpers/events';
import { postgresAvailable } from '../helpers/services';
import { waitFor } from '../helpers/live-client';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];
const FINDING_TEXT = 'Chairman Bakirov carried the box out';
const LAT = 42.861234;

describe.each(drivers)('replay on the walls on %s', (driver) => {
  let t: TestApp;
  let url: string;
  let coordinator: string;
  let team: { token: string; teamId: string };
  let stationIds: string[];
  /** A moment after the arrival and before the finding. */
  let between: string;
  let findingId: string;
  const sockets: ClientSocket[] = [];
  const frames: { socket: string; event: string; args: unknown[] }[] = [];

  function listen(name: string, token: string): ClientSocket {
    const socket: ClientSocket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false });
    socket.onAny((event: string, ...args: unknown[]) => frames.push({ socket: name, event, args }));
    sockets.push(socket);
    return socket;
  }
  const replays = (name: string) =>
    frames.filter((f) => f.socket === name && f.event === 'wall_replay').map((f) => f.args[0] as WallReplay);
  const renewals = (name: string) =>
    frames
      .filter((f) => f.socket === name && f.event === 'wall_replay_renewed')
      .map((f) => f.args[0] as WallReplayRenewal);
  const ended = (name: string) => frames.filter((f) => f.socket === name && f.event === 'wall_replay_ended').length;

  const walls = (token: string, method: 'PUT' | 'DELETE', payload?: Record<string, unknown>) =>
    t.app.inject({
      method,
      url: '/api/replay/walls',
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload }),
    });

  beforeAll(async () => {
    t = await buildTestApp(driver);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
    stationIds = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
    const position = { lat: LAT, lng: 74.591234, accuracyM: 9 };
    const first = await postEvents(t.app, team.token, [{ ...arrival(team.teamId, stationIds[0]!), position }]);
    expect(first.json().results[0].status).toBe('stored');
    await new Promise((resolve) => setTimeout(resolve, 30));
    between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 30));
    findingId = randomUUID();
    const later = await postEvents(t.app, team.token, [
      {
        id: findingId,
        type: 'finding',
        teamId: team.teamId,
        stationId: stationIds[0],
        occurredAt: new Date(Date.now() - 1000).toISOString(),
        category: 'ballot_stuffing',
        severity: 'critical',
        text: FINDING_TEXT,
      },
    ]);
    expect(later.json().results[0].status).toBe('stored');
    const wall = listen('wall', t.own.displayToken);
    const otherWall = listen('other', t.other.displayToken);
    const desk = listen('desk', coordinator);
    await waitFor(() => wall.connected && otherWall.connected && desk.connected, 5000, 'sockets connected');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it("shows the mission's walls the moment, redacted, with a lease; the finding that came later is absent", async () => {
    const res = await walls(coordinator, 'PUT', { at: between });
    expect(res.statusCode).toBe(200);
    const { expiresAt } = res.json() as { expiresAt: string };
    const lease = Date.parse(expiresAt) - Date.now();
    expect(lease).toBeGreaterThan(WALL_REPLAY_LEASE_MS - 5000);
    expect(lease).toBeLessThanOrEqual(WALL_REPLAY_LEASE_MS);
    await waitFor(() => replays('wall').length === 1, 5000, 'wall_replay on the wall');
    const shown = replays('wall')[0]!;
    expect(shown.expiresAt).toBe(expiresAt);
    expect(shown.moment.at).toBe(between);
    expect(shown.moment.findings).toEqual([]);
    const station = shown.moment.stations.find((s) => s.id === stationIds[0])!;
    expect(station.status.presentTeamIds).toEqual([team.teamId]);
    // The team was there, but the wall is not told where it stood.
    expect(shown.moment.teams.find((x) => x.id === team.teamId)!.status.lastPosition).toBeNull();
    expect(JSON.stringify(shown)).not.toContain(String(LAT));
    // Only this mission's walls; coordinators' pages are not sent it.
    expect(replays('other')).toEqual([]);
    expect(replays('desk')).toEqual([]);
    // Coordinators can ask what the walls show, and who put it there.
    const now = await getJson(t.app, coordinator, '/api/replay/walls');
    expect(now.status).toBe(200);
    expect(now.body).toEqual({
      onWalls: { at: between, expiresAt, startedBy: t.own.coordinator.username, startedAt: expect.any(String) },
    });
    expect(Date.parse(now.body.onWalls.startedAt)).toBeLessThanOrEqual(Date.now());
    // The other mission's walls are live.
    const otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    expect((await getJson(t.app, otherCoordinator, '/api/replay/walls')).body).toEqual({ onWalls: null });
  });

  it('the same moment again only renews the lease: walls get wall_replay_renewed, not the moment', async () => {
    const first = replays('wall')[0]!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const res = await walls(coordinator, 'PUT', { at: between });
    expect(res.statusCode).toBe(200);
    const { expiresAt } = res.json() as { expiresAt: string };
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    await waitFor(() => renewals('wall').length === 1, 5000, 'wall_replay_renewed on the wall');
    expect(renewals('wall')[0]).toEqual({ at: between, expiresAt });
    expect(replays('wall')).toHaveLength(1);
    expect(renewals('other')).toEqual([]);
    expect(renewals('desk')).toEqual([]);
  });

  it('a wall that connects while a moment is on the walls is sent it at once, redacted', async () => {
    const late = listen('late', t.own.displayToken);
    await waitFor(() => replays('late').length === 1, 5000, 'wall_replay on the wall that connected late');
    const shown = replays('late')[0]!;
    expect(shown.moment.at).toBe(between);
    expect(shown.expiresAt).toBe(renewals('wall')[0]!.expiresAt);
    expect(shown.moment.stations.find((s) => s.id === stationIds[0])!.status.presentTeamIds).toEqual([team.teamId]);
    expect(JSON.stringify(shown)).not.toContain(String(LAT));
    // The other mission's wall connecting now is sent nothing.
    const otherLate = listen('other-late', t.other.displayToken);
    await waitFor(() => otherLate.connected, 5000, 'the other wall connected');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replays('other-late')).toEqual([]);
    late.close();
  });

  it('a later moment has the finding without its text, sent whole', async () => {
    const res = await walls(coordinator, 'PUT', { at: new Date().toISOString() });
    expect(res.statusCode).toBe(200);
    await waitFor(() => replays('wall').length === 2, 5000, 'the second wall_replay');
    const shown = replays('wall')[1]!;
    expect(shown.moment.findings.map((f) => [f.id, f.category, f.severity])).toEqual([
      [findingId, 'ballot_stuffing', 'critical'],
    ]);
    expect(JSON.stringify(shown)).not.toContain(FINDING_TEXT);
    // The coordinator sees the same moment whole (the check above could fail).
    const whole = await getJson(t.app, coordinator, `/api/replay?at=${encodeURIComponent(shown.moment.at)}`);
    expect(JSON.stringify(whole.body)).toContain(String(LAT));
  });

  it('with team positions allowed, the wall gets them; the text still never', async () => {
    const policy = (body: Record<string, unknown>) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/display-links/policy',
        headers: { authorization: `Bearer ${coordinator}` },
        payload: body,
      });
    expect((await policy({ showsFindingText: true, showsTeamPositions: true })).statusCode).toBe(200);
    expect((await walls(coordinator, 'PUT', { at: new Date().toISOString() })).statusCode).toBe(200);
    await waitFor(() => replays('wall').length === 3, 5000, 'the third wall_replay');
    const shown = JSON.stringify(replays('wall')[2]);
    expect(shown).toContain(String(LAT));
    expect(shown).not.toContain(FINDING_TEXT);
    expect((await policy({ showsFindingText: false, showsTeamPositions: false })).statusCode).toBe(200);
  });

  it('DELETE sends the walls back to live; a wall connecting after it is sent no moment', async () => {
    const res = await walls(coordinator, 'DELETE');
    expect(res.statusCode).toBe(204);
    await waitFor(() => ended('wall') === 1, 5000, 'wall_replay_ended on the wall');
    expect(ended('other')).toBe(0);
    expect((await getJson(t.app, coordinator, '/api/replay/walls')).body).toEqual({ onWalls: null });
    const after = listen('after-delete', t.own.displayToken);
    await waitFor(() => after.connected, 5000, 'the wall connected after DELETE');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replays('after-delete')).toEqual([]);
    after.close();
  });

  it('a wall connecting after the lease ran out is sent no moment, and the same moment is sent whole again', async () => {
    expect((await walls(coordinator, 'PUT', { at: between })).statusCode).toBe(200);
    const sent = replays('wall').length;
    // The coordinator's page went away 30 s ago: its lease has run out (told by the database, the instances' truth).
    await t.database.db
      .update(wallReplays)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(wallReplays.missionId, t.own.missionId));
    expect((await getJson(t.app, coordinator, '/api/replay/walls')).body).toEqual({ onWalls: null });
    const expired = listen('expired', t.own.displayToken);
    await waitFor(() => expired.connected, 5000, 'the wall connected after the lease');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replays('expired')).toEqual([]);
    expired.close();
    // Asked for again, that moment is no renewal of a lease that ran out: the walls get it whole.
    expect((await walls(coordinator, 'PUT', { at: between })).statusCode).toBe(200);
    await waitFor(() => replays('wall').length === sent + 1, 5000, 'the moment sent whole again');
    expect((await walls(coordinator, 'DELETE')).statusCode).toBe(204);
  });

  it('displays may neither read a replay nor start one; bad moments are refused and nothing is sent', async () => {
    const before = replays('wall').length;
    const read = await getJson(t.app, t.own.displayToken, `/api/replay?at=${encodeURIComponent(between)}`);
    expect(read.status).toBe(403);
    expect((await getJson(t.app, t.own.displayToken, '/api/replay/walls')).status).toBe(403);
    expect((await getJson(t.app, team.token, '/api/replay/walls')).status).toBe(403);
    expect((await walls(t.own.displayToken, 'PUT', { at: between })).statusCode).toBe(403);
    expect((await walls(t.own.displayToken, 'DELETE')).statusCode).toBe(403);
    expect((await walls(team.token, 'PUT', { at: between })).statusCode).toBe(403);
    const future = await walls(coordinator, 'PUT', { at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.statusCode).toBe(400);
    expect(future.json().message).toMatch(/^at: .*future/);
    const missing = await walls(coordinator, 'PUT', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/at/);
    // A later, valid send arrives; the refused ones never did.
    expect((await walls(coordinator, 'PUT', { at: between })).statusCode).toBe(200);
    await waitFor(() => replays('wall').length === before + 1, 5000, 'the valid wall_replay');
    expect(replays('wall').at(-1)!.moment.at).toBe(between);
  });
});
