/**
 * Team phones' sockets on one instance, with real sockets: news of their own team only (a changed plan, a closed help
 * request), never the mission's feed, no catch-up, and nothing more once the device has logged out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime';
import { revokeToken } from '../../server/modules/auth/auth.repository';
import { hashSecret } from '../../server/modules/auth/secrets';
import { buildTestApp, FIXTURE_PASSWORD, type TestApp } from '../helpers/app';
import { arrival, finding, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import { LiveDashboard, waitFor } from '../helpers/live-client';

/** A phone's socket that records every frame it is sent, by name. */
class TeamPhone {
  readonly frames: { name: string; args: unknown[] }[] = [];
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  constructor(url: string, token: string) {
    // `after` as a dashboard would send it: a team socket must still get no catch-up.
    this.socket = io(url, {
      transports: ['websocket'],
      auth: { token, after: 0 },
      forceNew: true,
      reconnection: false,
    });
    this.socket.onAny((name: string, ...args: unknown[]) => this.frames.push({ name, args }));
  }
  named(name: string): unknown[] {
    return this.frames.filter((f) => f.name === name).map((f) => f.args[0]);
  }
  async connected(): Promise<void> {
    await waitFor(() => this.socket.connected, 10_000, 'team socket to connect');
  }
}

describe('team sockets on one instance', () => {
  let t: TestApp;
  let url: string;
  let coordinator: string;
  let t01: { token: string; teamId: string };
  let t02: { token: string; teamId: string };
  let stations: string[];
  const sockets: { close(): void }[] = [];
  const phone = (token: string) => {
    const p = new TeamPhone(url, token);
    sockets.push(p.socket);
    return p;
  };
  const planChanged = (teamId: string, stationIds: string[]) => ({
    id: randomUUID(),
    type: 'plan_changed',
    occurredAt: new Date().toISOString(),
    teamId,
    stations: stationIds.map((stationId) => ({ stationId })),
  });
  const stored = async (token: string, events: unknown[]) => {
    const results = (await postEvents(t.app, token, events)).json().results as { status: string; seq: number }[];
    for (const r of results) expect(r.status).toBe('stored');
    return results.map((r) => r.seq);
  };

  beforeAll(async () => {
    // Frequent head announcements: a team socket must not get them either.
    t = await buildTestApp('pglite', { headAnnounceIntervalMs: 200 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    t01 = await join(t.app, t.own.joinCodes[0]!.code);
    t02 = await join(t.app, t.own.joinCodes[1]!.code);
    stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it("gets plan_updated for its own team's plan only, and never commit or head frames", async () => {
    // Something in the log already, so a catch-up (if one were wrongly sent) would show.
    await stored(t01.token, [arrival(t01.teamId, stations[0]!, 50)]);
    const mine = phone(t01.token);
    const theirs = phone(t02.token);
    const desk = new LiveDashboard(url, coordinator, 0);
    sockets.push(desk);
    await Promise.all([mine.connected(), theirs.connected(), desk.connected()]);

    // Other teams' findings and positions, and a plan change for T02, while T01's phone listens.
    await stored(t02.token, [
      finding(t02.teamId, stations[1]!, 'serious', 5),
      {
        id: randomUUID(),
        type: 'position',
        teamId: t02.teamId,
        occurredAt: minutesAgo(1),
        position: { lat: 42.88, lng: 74.61 },
      },
    ]);
    const [forT02] = await stored(coordinator, [planChanged(t02.teamId, [stations[2]!])]);
    const [forT01] = await stored(coordinator, [planChanged(t01.teamId, [stations[1]!, stations[0]!])]);

    await waitFor(
      () => mine.named('plan_updated').length === 1 && theirs.named('plan_updated').length === 1,
      5000,
      'both plan notices',
    );
    expect(mine.named('plan_updated')).toEqual([{ teamId: t01.teamId, seq: forT01 }]);
    expect(theirs.named('plan_updated')).toEqual([{ teamId: t02.teamId, seq: forT02 }]);
    // The coordinator's dashboard has had everything by now (it shares the fan-out), and a few head announcements passed.
    await waitFor(() => desk.applied.length >= 5, 5000, 'the dashboard feed');
    await new Promise((r) => setTimeout(r, 600));
    expect(mine.frames.map((f) => f.name)).toEqual(['plan_updated']);
    expect(theirs.frames.map((f) => f.name)).toEqual(['plan_updated']);
  });

  it('gets help_resolved when a coordinator closes its help request', async () => {
    const mine = phone(t01.token);
    const theirs = phone(t02.token);
    await Promise.all([mine.connected(), theirs.connected()]);
    await stored(t01.token, [
      { id: randomUUID(), type: 'help_request', teamId: t01.teamId, occurredAt: minutesAgo(2) },
    ]);
    const [seq] = await stored(coordinator, [
      { id: randomUUID(), type: 'help_resolved', teamId: t01.teamId, occurredAt: minutesAgo(1) },
    ]);
    await waitFor(() => mine.named('help_resolved').length === 1, 5000, 'the help notice');
    expect(mine.named('help_resolved')).toEqual([{ teamId: t01.teamId, seq }]);
    expect(theirs.frames).toEqual([]);
  });

  it('gets each message and notice addressed to its team as `message`, and nothing addressed to others', async () => {
    const mine = phone(t01.token);
    const theirs = phone(t02.token);
    await Promise.all([mine.connected(), theirs.connected()]);
    const toT01 = {
      id: randomUUID(),
      type: 'message_sent',
      occurredAt: minutesAgo(0),
      to: { teamIds: [t01.teamId] },
      text: 'Go to 1002 now',
      stationId: stations[1]!,
    };
    const toAll = {
      id: randomUUID(),
      type: 'message_sent',
      occurredAt: minutesAgo(0),
      to: { all: true },
      text: 'Count starts late',
    };
    await stored(coordinator, [toT01, toAll]);
    await stored(t01.token, [
      { id: randomUUID(), type: 'help_request', teamId: t01.teamId, occurredAt: minutesAgo(2) },
    ]);
    const ack = {
      id: randomUUID(),
      type: 'team_alert_acknowledged',
      teamId: t01.teamId,
      alert: 'help',
      occurredAt: minutesAgo(1),
      note: 'Calling you now',
    };
    await stored(coordinator, [ack]);
    await waitFor(
      () => mine.named('message').length === 3 && theirs.named('message').length === 1,
      5000,
      'the messages',
    );
    expect(
      (mine.named('message') as { id: string; kind: string; text: string }[]).map((m) => [m.id, m.kind, m.text]),
    ).toEqual([
      [toT01.id, 'message', 'Go to 1002 now'],
      [toAll.id, 'message', 'Count starts late'],
      [ack.id, 'help_acknowledged', 'Calling you now'],
    ]);
    expect(theirs.named('message')).toEqual([expect.objectContaining({ id: toAll.id, teamId: t02.teamId })]);
    // What came live equals what the phone reads after a reconnect.
    const inbox = (await getJson(t.app, t01.token, '/api/messages')).body.items as unknown[];
    expect(inbox.slice(-3)).toEqual(mine.named('message'));
  });

  it('refuses catch_up with an error', async () => {
    const mine = phone(t01.token);
    await mine.connected();
    const result = await mine.socket.timeout(2000).emitWithAck('catch_up', { after: 0 });
    expect(result).toEqual({ error: expect.stringContaining('forbidden') });
  });

  it('is disconnected when the device logs out, and hears nothing more', async () => {
    const device = await join(t.app, t.own.joinCodes[0]!.code);
    const mine = phone(device.token);
    await mine.connected();
    const disconnected = new Promise<string>((resolve) => mine.socket.once('disconnect', resolve));
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${device.token}` },
    });
    expect(out.statusCode).toBeLessThan(300);
    expect(await disconnected).toBe('io server disconnect');
    await stored(coordinator, [planChanged(device.teamId, [stations[0]!])]);
    await new Promise((r) => setTimeout(r, 300));
    expect(mine.named('plan_updated')).toEqual([]);
    // And it cannot come back with the revoked token.
    const again = phone(device.token);
    const error = await new Promise<Error>((resolve) => again.socket.once('connect_error', resolve));
    expect(error.message).toMatch(/^unauthorized/);
  });

  it('is dropped by the periodic sweep when its token was revoked without the news reaching this instance', async () => {
    const device = await join(t.app, t.own.joinCodes[1]!.code);
    const mine = phone(device.token);
    await mine.connected();
    const disconnected = new Promise<string>((resolve) => mine.socket.once('disconnect', resolve));
    // Straight in the database, as another instance would while Redis is down: no notice reaches this one.
    expect(await revokeToken(t.database.db, t.own.missionId, hashSecret(device.token))).toBe(true);
    expect(await disconnected).toBe('io server disconnect');
  });
});
