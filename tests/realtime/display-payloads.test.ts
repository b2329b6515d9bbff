/**
 * What a wall display receives, proved on everything it can receive: every HTTP answer it may ask for and every socket
 * frame (catch-up on connect, `catch_up`, live `commit` frames, `head`, a replay shown on the walls). Member
 * names, phones, notes, checklist answers, message text, finding text and team positions are in none of them — the
 * last two until the mission allows them. And a revoked display link is told and disconnected.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Commit, ServerToClientEvents } from '../../shared/realtime';
import { buildTestApp, FIXTURE_PASSWORD, type TestApp } from '../helpers/app';
import { checklist, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import { waitFor } from '../helpers/live-client';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const FINDING_TEXT = 'Chairman Bakirov pushed a stack of ballots into box 2';
const ANSWER_TEXT = 'Secretary Osmonova refused to show the seal';
const NOTE_TEXT = 'Call the driver on +996 700 111 222';
const MESSAGE_TEXT = 'Go to Director Osmonov now';
const ANSWER_MESSAGE_TEXT = 'On our way to Osmonov';
const LAT = 42.861234;
const LNG = 74.591234;
const position = { lat: LAT, lng: LNG, accuracyM: 9 };

/** A checklist of the mission's voting form with free text in its "other observations" answer. */
function withAnswer(event: ReturnType<typeof checklist>, notes: string, occurredAt: string) {
  return { ...event, occurredAt, answers: { ...event.answers, notes } };
}

/** Everything one socket was sent, as it arrived. */
class Recorder {
  readonly frames: { event: string; args: unknown[] }[] = [];
  readonly socket: ClientSocket;
  constructor(url: string, token: string, after: number | null) {
    this.socket = io(url, {
      transports: ['websocket'],
      auth: after === null ? { token } : { token, after },
      reconnection: false,
    });
    this.socket.onAny((event: string, ...args: unknown[]) => this.frames.push({ event, args }));
  }
  seqs(): number[] {
    return this.commits().flatMap((c) => c.events.map((e) => e.seq));
  }
  commits(): Commit[] {
    return this.frames.filter((f) => f.event === 'commit').map((f) => f.args[0] as Commit);
  }
  has(event: string): boolean {
    return this.frames.some((f) => f.event === event);
  }
  close(): void {
    this.socket.close();
  }
}

describe('what a wall display receives', () => {
  let t: TestApp;
  let url: string;
  let coordinator: string;
  let team: { token: string; teamId: string };
  let stationIds: string[];
  const sockets: Recorder[] = [];
  const record = (token: string, after: number | null) => {
    const r = new Recorder(url, token, after);
    sockets.push(r);
    return r;
  };

  /** Personal data and free text that the fixture and the events below carry; none may reach a display. */
  let personal: string[];
  const freeText = [FINDING_TEXT, ANSWER_TEXT, NOTE_TEXT, '+996 700', MESSAGE_TEXT, ANSWER_MESSAGE_TEXT];
  const positions = [String(LAT), String(LNG)];

  /** One event of every type, carrying every kind of private detail it can. */
  async function postEverything(): Promise<number> {
    const findingId = randomUUID();
    const messageId = randomUUID();
    const byTeam = await postEvents(t.app, team.token, [
      {
        id: randomUUID(),
        type: 'arrival',
        teamId: team.teamId,
        stationId: stationIds[0],
        occurredAt: minutesAgo(9),
        position,
      },
      withAnswer(checklist(team.teamId, stationIds[0]!, 'very_bad', 'voting'), ANSWER_TEXT, minutesAgo(8)),
      {
        id: findingId,
        type: 'finding',
        teamId: team.teamId,
        stationId: stationIds[0],
        occurredAt: minutesAgo(7),
        category: 'ballot_stuffing',
        severity: 'critical',
        text: FINDING_TEXT,
        position,
      },
      { id: randomUUID(), type: 'position', teamId: team.teamId, occurredAt: minutesAgo(6), position },
      {
        id: randomUUID(),
        type: 'help_request',
        teamId: team.teamId,
        stationId: stationIds[0],
        occurredAt: minutesAgo(5),
        position,
        note: NOTE_TEXT,
      },
      {
        id: randomUUID(),
        type: 'departure',
        teamId: team.teamId,
        stationId: stationIds[0],
        occurredAt: minutesAgo(4),
        position,
      },
    ]);
    const byCoordinator = await postEvents(t.app, coordinator, [
      {
        id: randomUUID(),
        type: 'finding_status',
        findingId,
        status: 'escalated',
        occurredAt: minutesAgo(3),
        note: NOTE_TEXT,
      },
      { id: randomUUID(), type: 'help_resolved', teamId: team.teamId, occurredAt: minutesAgo(2), note: NOTE_TEXT },
      {
        id: messageId,
        type: 'message_sent',
        to: { all: true },
        stationId: stationIds[0],
        occurredAt: minutesAgo(2),
        text: MESSAGE_TEXT,
      },
    ]);
    const answers = await postEvents(t.app, team.token, [
      { id: randomUUID(), type: 'message_read', teamId: team.teamId, messageId, occurredAt: minutesAgo(1) },
      {
        id: randomUUID(),
        type: 'team_message',
        teamId: team.teamId,
        replyTo: messageId,
        occurredAt: minutesAgo(1),
        text: ANSWER_MESSAGE_TEXT,
      },
    ]);
    const results = [...byTeam.json().results, ...byCoordinator.json().results, ...answers.json().results];
    expect(results.map((r: { status: string }) => r.status)).toEqual(Array(11).fill('stored'));
    return results.at(-1).seq;
  }

  /** Every answer a display may ask for over HTTP, with the token of `token`. */
  async function httpAnswers(token: string): Promise<unknown[]> {
    const urls = [
      '/api/session',
      '/api/stations',
      '/api/stations?changedAfter=0',
      '/api/teams',
      '/api/events?after=0&limit=5000',
      '/api/summary',
      '/api/findings/recent?limit=100',
      '/api/version',
    ];
    const answers: unknown[] = [];
    for (const path of urls) {
      const res = await getJson(t.app, token, path);
      expect(res.status, path).toBe(200);
      answers.push(res.body);
    }
    return answers;
  }

  /** Connects, takes the catch-up, asks `catch_up`, receives live events and a head announcement: all of it. */
  async function everythingOnTheSocket(token: string, display = true): Promise<unknown[]> {
    const head = (await getJson(t.app, coordinator, '/api/events?after=0&limit=1')).body.head;
    const r = record(token, 0);
    await waitFor(() => r.seqs().length >= head, 5000, 'the catch-up on connect');
    const ack = await r.socket.timeout(5000).emitWithAck('catch_up', { after: 0, limit: 5000 });
    const last = await postEverything();
    // Two requests, so two publications: each one frame, its events with the status rows they changed.
    await waitFor(
      () => r.seqs().includes(last) && r.commits().filter((c) => c.status !== null).length >= 2,
      5000,
      'live commits',
    );
    await waitFor(() => r.has('head'), 5000, 'a head announcement');
    expect(new Set(r.seqs()).size).toBe(last);
    // The rows travel in the same frame as their events (so the checks on the frames see them), never on their own.
    const live = r.commits().filter((c) => c.status !== null);
    expect(live.every((c) => c.events.length > 0)).toBe(true);
    expect(live.some((c) => c.status!.teams.length > 0 && c.status!.stations.length > 0)).toBe(true);
    expect(r.has('events') || r.has('status')).toBe(false);
    if (display) {
      // A coordinator shows the walls the whole day so far (replay on the walls): its moment is checked with the rest.
      const shown = await t.app.inject({
        method: 'PUT',
        url: '/api/replay/walls',
        headers: { authorization: `Bearer ${coordinator}` },
        payload: { at: new Date().toISOString() },
      });
      expect(shown.statusCode).toBe(200);
      await waitFor(() => r.has('wall_replay'), 5000, 'a wall replay');
      const moment = r.frames.find((f) => f.event === 'wall_replay')!.args[0] as { moment: { findings: unknown[] } };
      expect(moment.moment.findings.length).toBeGreaterThan(0);
    }
    return [r.frames, ack];
  }

  beforeAll(async () => {
    t = await buildTestApp('pglite', { headAnnounceIntervalMs: 200 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
    stationIds = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
    const teams = (await getJson(t.app, coordinator, '/api/teams')).body.teams as {
      members: string[];
      phone: string;
    }[];
    // The coordinator's username travels as the author of its events (in `actor`).
    personal = [...teams.flatMap((x) => [...x.members, x.phone]), t.own.coordinator.username];
    expect(personal).toContain('Aigerim Sadykova');
    expect(personal).toContain('+996 555 000 001');
    await postEverything();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it('a coordinator does receive all of it (so the checks below would see it)', async () => {
    const seen = JSON.stringify([
      await everythingOnTheSocket(await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD), false),
      await httpAnswers(coordinator),
    ]);
    for (const secret of [...personal, ...freeText, ...positions]) expect(seen, secret).toContain(secret);
  });

  it('a display receives no names, phones, free text or team positions in any payload, HTTP or socket', async () => {
    const socketPayloads = await everythingOnTheSocket(t.own.displayToken);
    const seen = JSON.stringify([socketPayloads, await httpAnswers(t.own.displayToken)]);
    for (const secret of [...personal, ...freeText, ...positions]) expect(seen, secret).not.toContain(secret);
    // ...while it does get what the wall needs.
    expect(seen).toContain('ballot_stuffing');
    expect(seen).toContain('"severity":"critical"');
    expect(seen).toContain('"assessment":"very_bad"');
    expect(seen).toContain('"status":"escalated"');
  });

  it('once the mission allows it, a display gets finding text and team positions, and still no names, phones or notes', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/display-links/policy',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { showsFindingText: true, showsTeamPositions: true },
    });
    expect(res.statusCode).toBe(200);
    const seen = JSON.stringify([
      await everythingOnTheSocket(t.own.displayToken),
      await httpAnswers(t.own.displayToken),
    ]);
    expect(seen).toContain(FINDING_TEXT);
    for (const p of positions) expect(seen).toContain(p);
    for (const secret of [...personal, ANSWER_TEXT, NOTE_TEXT, '+996 700', MESSAGE_TEXT, ANSWER_MESSAGE_TEXT])
      expect(seen, secret).not.toContain(secret);
    await t.app.inject({
      method: 'PUT',
      url: '/api/display-links/policy',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { showsFindingText: false, showsTeamPositions: false },
    });
  });

  describe('display links on the socket', () => {
    async function newLink(label: string) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/display-links',
        headers: { authorization: `Bearer ${coordinator}` },
        payload: { label },
      });
      return res.json() as { token: string; link: { id: string } };
    }

    it('a revoked link is told so and disconnected, and cannot connect again', async () => {
      const { token, link } = await newLink('Left wall');
      const wall = record(token, null);
      const bystander = record(t.own.displayToken, null);
      await waitFor(() => wall.socket.connected && bystander.socket.connected, 5000, 'both walls to connect');
      const disconnected = new Promise<string>((resolve) => wall.socket.once('disconnect', resolve));
      const res = await t.app.inject({
        method: 'DELETE',
        url: `/api/display-links/${link.id}`,
        headers: { authorization: `Bearer ${coordinator}` },
      });
      expect(res.statusCode).toBe(204);
      expect(await disconnected).toBe('io server disconnect');
      expect(wall.frames.find((f) => f.event === 'revoked')?.args[0]).toEqual({
        reason: expect.stringContaining('revoked'),
      });
      expect(bystander.socket.connected).toBe(true);
      expect(bystander.has('revoked')).toBe(false);

      const again = io(url, { transports: ['websocket'], auth: { token }, reconnection: false });
      const error = await new Promise<Error>((resolve) => again.on('connect_error', resolve));
      again.close();
      expect(error.message).toMatch(/unauthorized/);
    });

    it('a link revoked where the news could not reach this instance is still cut off by the periodic sweep', async () => {
      const { token, link } = await newLink('Right wall');
      const wall = record(token, null);
      await waitFor(() => wall.socket.connected, 5000, 'the wall to connect');
      // As if another instance revoked it while Redis was down: the database knows, no message came.
      await t.database.db.execute(sql`update access_tokens set revoked_at = now() where id = ${link.id}`);
      await waitFor(() => wall.has('revoked') && !wall.socket.connected, 5000, 'the sweep to revoke the socket');
    });

    it('a change of rotation reaches the open display at once', async () => {
      const { token, link } = await newLink('Corridor');
      const wall = record(token, null);
      await waitFor(() => wall.socket.connected, 5000, 'the wall to connect');
      await t.app.inject({
        method: 'PATCH',
        url: `/api/display-links/${link.id}`,
        headers: { authorization: `Bearer ${coordinator}` },
        payload: { rotationSeconds: 20 },
      });
      await waitFor(() => wall.has('display_settings'), 5000, 'the new settings');
      expect(wall.frames.find((f) => f.event === 'display_settings')?.args[0]).toEqual({
        id: link.id,
        label: 'Corridor',
        rotationSeconds: 20,
      });
    });
  });
});
