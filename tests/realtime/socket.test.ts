/**
 * Live fan-out on one instance, with real sockets: catch-up on connect, live events after it, gaps filled,
 * the access rules of the handshake, and what displays are not sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { buildTestApp, FIXTURE_PASSWORD, type TestApp } from '../helpers/app';
import { arrival, departure, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import { isExactLog, LiveDashboard, waitFor } from '../helpers/live-client';

describe('live fan-out on one instance', () => {
  let t: TestApp;
  let url: string;
  let coordinator: string;
  let team: { token: string; teamId: string };
  let stations: string[];
  const dashboards: LiveDashboard[] = [];
  const open = (token: string, after: number) => {
    const d = new LiveDashboard(url, token, after);
    dashboards.push(d);
    return d;
  };

  beforeAll(async () => {
    t = await buildTestApp('pglite', { headAnnounceIntervalMs: 300 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
    stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
  });
  afterAll(async () => {
    for (const d of dashboards) d.close();
    await t?.close();
  });

  it('sends what was missed after `after`, then live events, each once and in order', async () => {
    await postEvents(t.app, team.token, [arrival(team.teamId, stations[0]!, 50)]);
    await postEvents(t.app, team.token, [departure(team.teamId, stations[0]!, 45)]);
    const late = open(coordinator, 0);
    await waitFor(() => late.applied.length === 2, 5000, 'catch-up of 2 events');
    await late.connected();
    // Catch-up frames may span commits, so they carry no rows: the client reads those after connecting. The second
    // commit's live frame may still have been waiting out the mission's frame interval (commit-frames.ts) and arrive
    // around the catch-up: its event is then a repeat, which the client drops by seq.
    expect(late.frames.filter((f) => f.status === null).map((f) => [f.events.length, f.status])).toEqual([[2, null]]);

    await postEvents(t.app, team.token, [arrival(team.teamId, stations[1]!, 40)]);
    await waitFor(() => late.applied.length === 3, 5000, 'the live event');
    expect(isExactLog(late.seqs, 3)).toBe(true);
    expect(late.applied[2]).toMatchObject({ type: 'arrival', stationId: stations[1], teamId: team.teamId });
  });

  it('sends each commit as one frame: its events with the status rows they changed', async () => {
    const d = open(coordinator, (await getJson(t.app, coordinator, '/api/events?after=0&limit=1')).body.head);
    const names: string[] = [];
    d.socket.onAny((name: string) => names.push(name));
    await d.connected();
    const res = await postEvents(t.app, team.token, [departure(team.teamId, stations[1]!, 39)]);
    await waitFor(() => d.frames.length > 0, 5000, 'the commit frame');
    // Long enough for a second frame of the same commit to land, had the server sent one.
    await new Promise((r) => setTimeout(r, 300));
    expect(names.filter((name) => name !== 'head')).toEqual(['commit']);
    expect(d.frames).toHaveLength(1);
    expect(d.frames[0]!.events).toEqual([
      expect.objectContaining({ type: 'departure', seq: res.json().results[0].seq, stationId: stations[1] }),
    ]);
    const patch = d.frames[0]!.status!;
    expect(patch.stations).toEqual([
      expect.objectContaining({ id: stations[1], status: expect.objectContaining({ presentTeamIds: [] }) }),
    ]);
    expect(patch.teams[0]).toMatchObject({ id: team.teamId, status: { currentStationId: null } });
  });

  it('a client that was offline reconnects with its last seq and ends with exactly the log', async () => {
    const d = open(coordinator, 0);
    await waitFor(() => d.applied.length === 4, 5000, 'catch-up');
    d.socket.disconnect();
    for (let i = 0; i < 5; i++) {
      const res = await postEvents(t.app, team.token, [
        {
          id: randomUUID(),
          type: 'position',
          teamId: team.teamId,
          occurredAt: minutesAgo(30 - i),
          position: { lat: 42.87, lng: 74.6 + i / 1000 },
        },
      ]);
      expect(res.json().results[0].status).toBe('stored');
    }
    d.socket.connect();
    await waitFor(() => d.applied.length === 9, 5000, 'catch-up after reconnect');
    expect(isExactLog(d.seqs, 9)).toBe(true);
  });

  it('notices it is behind from the head announcement and fetches the missing events', async () => {
    const d = open(coordinator, 0);
    await waitFor(() => d.applied.length === 9, 5000, 'catch-up');
    // Drop live frames on the floor, as if the fan-out had lost them.
    d.socket.off('commit');
    await postEvents(t.app, team.token, [arrival(team.teamId, stations[2]!, 20)]);
    await waitFor(() => d.applied.length === 10, 5000, 'gap filled through catch_up');
    expect(isExactLog(d.seqs, 10)).toBe(true);
  });

  it('refuses sockets with no token or a bad token (team sockets: team-socket.test.ts)', async () => {
    for (const auth of [{}, { token: 'nope' }]) {
      const socket = io(url, { transports: ['websocket'], auth, reconnection: false });
      const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
      socket.close();
      expect(error.message).toMatch(/^unauthorized/);
    }
  });

  it('answers a malformed catch_up with an error, not a crash', async () => {
    const d = open(coordinator, 0);
    await d.connected();
    const result = await d.socket.timeout(2000).emitWithAck('catch_up', { after: -5 } as never);
    expect(result).toEqual({ error: expect.stringContaining('catch_up needs') });
  });

  it('never sends team positions to displays', async () => {
    const wall = open(t.own.displayToken, (await getJson(t.app, coordinator, '/api/events?after=0&limit=1')).body.head);
    const desk = open(coordinator, wall.sequencer.lastSeq);
    await Promise.all([wall.connected(), desk.connected()]);
    await postEvents(t.app, team.token, [
      {
        id: randomUUID(),
        type: 'position',
        teamId: team.teamId,
        occurredAt: minutesAgo(1),
        position: { lat: 42.8801, lng: 74.6101 },
      },
    ]);
    await waitFor(() => wall.patches.length > 0 && desk.patches.length > 0, 5000, 'patches on both');
    expect(desk.patches[0]!.teams[0]!.status.lastPosition).toMatchObject({ lat: 42.8801 });
    expect(wall.patches[0]!.teams[0]!.status.lastPosition).toBeNull();
    expect(JSON.stringify(wall.patches)).not.toContain('42.8801');
  });

  it('keeps missions apart on the socket', async () => {
    const otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    const stranger = open(otherCoordinator, 0);
    await stranger.connected();
    await postEvents(t.app, team.token, [arrival(team.teamId, stations[0]!, 1)]);
    await new Promise((r) => setTimeout(r, 500));
    expect(stranger.applied).toEqual([]);
    expect(stranger.patches).toEqual([]);
  });
});
