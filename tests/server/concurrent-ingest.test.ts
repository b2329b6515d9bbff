/**
 * Many phones at once: concurrent requests are written together (group commit) yet each gets its own answer, the
 * sequence stays gapless, and one event id is stored once however many copies race in.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { arrival, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

describe.each(drivers)('concurrent ingest on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let phones: { token: string; teamId: string }[];
  let stationIds: string[];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    phones = [await join(t.app, t.own.joinCodes[0]!.code), await join(t.app, t.own.joinCodes[1]!.code)];
    stationIds = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
  });
  afterAll(async () => t?.close());

  const position = (teamId: string) => ({
    id: randomUUID(),
    type: 'position',
    teamId,
    occurredAt: minutesAgo(1),
    position: { lat: 42.87, lng: 74.6 },
  });

  it('stores 60 concurrent requests with a gapless sequence, each answered with its own result', async () => {
    const sent = Array.from({ length: 60 }, (_, i) => position(phones[i % 2]!.teamId));
    const answers = await Promise.all(sent.map((event, i) => postEvents(t.app, phones[i % 2]!.token, [event])));
    const results = answers.map((a) => a.json().results[0]);
    results.forEach((r, i) => expect(r).toMatchObject({ id: sent[i]!.id, status: 'stored' }));
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('stores one copy of an event that many retries send at once, and answers the rest duplicate', async () => {
    const event = arrival(phones[0]!.teamId, stationIds[0]!, 5);
    const answers = await Promise.all(Array.from({ length: 12 }, () => postEvents(t.app, phones[0]!.token, [event])));
    const statuses = answers.map((a) => a.json().results[0].status);
    expect(statuses.filter((s) => s === 'stored')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(11);
    const seqs = new Set(answers.map((a) => a.json().results[0].seq));
    expect(seqs.size).toBe(1);
  });

  it("keeps one request's rejection from touching another request written in the same transaction", async () => {
    const good = position(phones[1]!.teamId);
    const impostor = position(phones[0]!.teamId); // posted with the other team's token: rejected
    const [a, b] = await Promise.all([
      postEvents(t.app, phones[1]!.token, [good]),
      postEvents(t.app, phones[1]!.token, [impostor]),
    ]);
    expect(a.json().results[0].status).toBe('stored');
    expect(b.json().results[0]).toMatchObject({ status: 'rejected', error: 'a team may post events only as itself' });
    const feed = (await getJson(t.app, coordinator, '/api/events?after=0&limit=5000')).body;
    expect(feed.events.map((e: { seq: number }) => e.seq)).toEqual(feed.events.map((_: unknown, i: number) => i + 1));
  });
});

describe.runIf(postgresAvailable)('two missions on one Postgres', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp('postgres');
  });
  afterAll(async () => t?.close());

  it("commits one mission's events while another mission's log head is held, and that one's after", async () => {
    const own = await join(t.app, t.own.joinCodes[0]!.code);
    const other = await join(t.app, t.other.joinCodes[0]!.code);
    const position = (teamId: string) => ({
      id: randomUUID(),
      type: 'position',
      teamId,
      occurredAt: minutesAgo(1),
      position: { lat: 42.87, lng: 74.6 },
    });
    // Another session holds the own mission's log head, as a long commit of that mission would.
    const holder = postgres(t.databaseUrl!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = holder.begin(async (tx) => {
      await tx`select last_seq from missions where id = ${t.own.missionId} for update`;
      locked();
      await released;
    });
    try {
      await isLocked;
      let ownAnswered = false;
      const ownPost = postEvents(t.app, own.token, [position(own.teamId)]).then((answer) => {
        ownAnswered = true;
        return answer;
      });
      // The other mission commits meanwhile: its writes take only its own rows' locks.
      const otherAnswer = await postEvents(t.app, other.token, [position(other.teamId)]);
      expect(otherAnswer.json().results[0]).toMatchObject({ status: 'stored', seq: 1 });
      expect(ownAnswered).toBe(false);
      release();
      await holding;
      expect((await ownPost).json().results[0]).toMatchObject({ status: 'stored', seq: 1 });
    } finally {
      release();
      await holding.catch(() => undefined);
      await holder.end();
    }
  });
});
