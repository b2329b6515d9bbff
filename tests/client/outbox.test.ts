/**
 * The field app's outbox against a real IndexedDB implementation (fake-indexeddb) and a scripted server: order,
 * exactly-once storage through retries, backoff, restarts, photos before their findings, and what "rejected" means.
 */
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput, EventResult } from '../../shared/schemas/events';
import { IdbOutboxStore, openFieldDb, type FieldDb } from '../../client/src/lib/field/field-db';
import {
  Outbox,
  OUTBOX_MAX_RETRY_DELAY_MS,
  retryDelayMs,
  type OutboxTransport,
  type SendFailure,
} from '../../client/src/lib/field/outbox';

const TEAM = randomUUID();
const STATION = randomUUID();

function arrival(): EventInput {
  return { id: randomUUID(), type: 'arrival', teamId: TEAM, stationId: STATION, occurredAt: new Date().toISOString() };
}
function findingWithPhoto(photoId: string): EventInput {
  return {
    id: randomUUID(),
    type: 'finding',
    teamId: TEAM,
    stationId: STATION,
    occurredAt: new Date().toISOString(),
    category: 'other',
    severity: 'minor',
    text: 'seen',
    photoId,
  };
}

type Scripted = SendFailure | 'lose-answer' | null;

/** A server that stores each id once (like the real one) and can be told to fail the next calls. */
class FakeServer implements OutboxTransport {
  stored: EventInput[] = [];
  photos = new Map<string, Blob>();
  calls: string[] = [];
  script: Scripted[] = [];
  reject = new Set<string>();
  photoFailure: SendFailure | null = null;

  async postEvents(events: EventInput[]) {
    this.calls.push(`events:${events.length}`);
    const next = this.script.shift() ?? null;
    if (next !== null && next !== 'lose-answer') return { ok: false as const, failure: next };
    const results: EventResult[] = events.map((event) => {
      if (this.reject.has(event.id))
        return { id: event.id, status: 'rejected', error: 'no such station in this mission', field: '/stationId' };
      const seen = this.stored.findIndex((e) => e.id === event.id);
      if (seen >= 0) return { id: event.id, status: 'duplicate', seq: seen + 1 };
      this.stored.push(event);
      return { id: event.id, status: 'stored', seq: this.stored.length };
    });
    // Stored, but the answer never reaches the phone (a timeout after the commit).
    if (next === 'lose-answer')
      return { ok: false as const, failure: { kind: 'transient' as const, message: 'timed out' } };
    return { ok: true as const, results };
  }

  async putPhoto(id: string, blob: Blob) {
    this.calls.push(`photo:${id}`);
    if (this.photoFailure) return { ok: false as const, failure: this.photoFailure };
    this.photos.set(id, blob);
    return { ok: true as const };
  }
}

/** Timers the test fires by hand. */
class ManualTimers {
  pending: { run: () => void; ms: number }[] = [];
  set = (run: () => void, ms: number) => {
    const timer = { run, ms };
    this.pending.push(timer);
    return timer;
  };
  clear = (timer: unknown) => {
    this.pending = this.pending.filter((t) => t !== timer);
  };
  fire(): number {
    const timer = this.pending.shift();
    if (!timer) throw new Error('no timer scheduled');
    timer.run();
    return timer.ms;
  }
}

let dbs: FieldDb[] = [];
async function freshDb(name = `outbox-${randomUUID()}`): Promise<FieldDb> {
  const db = await openFieldDb(name);
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs) db.close();
  dbs = [];
});

function makeOutbox(db: FieldDb, server: OutboxTransport, timers = new ManualTimers()) {
  return new Outbox({
    store: new IdbOutboxStore(db),
    transport: server,
    setTimer: timers.set,
    clearTimer: timers.clear,
    random: () => 1,
  });
}

describe('outbox', () => {
  it("sends reports in the order they were made and marks each sent only on the server's answer", async () => {
    const server = new FakeServer();
    const outbox = makeOutbox(await freshDb(), server);
    const events = [arrival(), arrival(), arrival()];
    for (const event of events) await outbox.enqueue([{ kind: 'event', event }]);
    await outbox.flush();
    expect(server.stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const items = await outbox.items();
    expect(items.map((i) => i.state)).toEqual(['sent', 'sent', 'sent']);
    expect(items.map((i) => i.order)).toEqual([1, 2, 3]);
    expect(items.every((i) => i.kind === 'event' && i.result?.status === 'stored')).toBe(true);
  });

  it('keeps an item pending after a 500 or a timeout and sends it later, stored exactly once', async () => {
    const server = new FakeServer();
    const timers = new ManualTimers();
    const outbox = makeOutbox(await freshDb(), server, timers);
    server.script = [{ kind: 'transient', message: 'HTTP 500' }, 'lose-answer'];
    const event = arrival();
    await outbox.enqueue([{ kind: 'event', event }]);
    await outbox.flush();
    expect((await outbox.items())[0]).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 500' });
    expect(outbox.status).toMatchObject({ failures: 1, lastError: 'HTTP 500' });
    expect(server.stored).toHaveLength(0);

    expect(timers.fire()).toBe(2_000);
    await outbox.flush();
    // The server stored it but the answer was lost: still pending on the phone.
    expect(server.stored).toHaveLength(1);
    expect((await outbox.items())[0]).toMatchObject({ state: 'pending', attempts: 2 });

    expect(timers.fire()).toBe(4_000);
    await outbox.flush();
    const [item] = await outbox.items();
    expect(item).toMatchObject({ state: 'sent', attempts: 3, result: { status: 'duplicate', seq: 1 } });
    expect(server.stored.map((e) => e.id)).toEqual([event.id]);
    expect(outbox.status.failures).toBe(0);
  });

  it('backs off exponentially up to a ceiling, and retries at once when told connectivity is back', async () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => retryDelayMs(n, () => 1))).toEqual([
      2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
    expect(retryDelayMs(3, () => 0)).toBe(4000);
    expect(retryDelayMs(50, () => 0.5)).toBeLessThanOrEqual(OUTBOX_MAX_RETRY_DELAY_MS);

    const server = new FakeServer();
    const timers = new ManualTimers();
    const outbox = makeOutbox(await freshDb(), server, timers);
    server.script = [
      { kind: 'transient', message: 'offline' },
      { kind: 'transient', message: 'offline' },
    ];
    await outbox.enqueue([{ kind: 'event', event: arrival() }]);
    await outbox.flush();
    timers.fire();
    await outbox.flush();
    expect(timers.pending.map((t) => t.ms)).toEqual([4_000]);
    outbox.retryNow();
    await outbox.flush();
    expect(timers.pending).toEqual([]);
    expect(server.stored).toHaveLength(1);
  });

  it('honours Retry-After when the server asks for a longer wait', async () => {
    const server = new FakeServer();
    const timers = new ManualTimers();
    const outbox = makeOutbox(await freshDb(), server, timers);
    server.script = [{ kind: 'transient', message: 'database unavailable', retryAfterMs: 30_000 }];
    await outbox.enqueue([{ kind: 'event', event: arrival() }]);
    await outbox.flush();
    expect(timers.pending.map((t) => t.ms)).toEqual([30_000]);
  });

  it('loses nothing across a restart: a new outbox on the same database sends what was pending, in order', async () => {
    const name = `outbox-${randomUUID()}`;
    const offline = new FakeServer();
    offline.script = Array(10).fill({ kind: 'transient', message: 'offline' });
    const before = makeOutbox(await freshDb(name), offline);
    const events = [arrival(), arrival(), arrival()];
    for (const event of events) await before.enqueue([{ kind: 'event', event }]);
    await before.flush();
    before.stop();
    dbs.shift()!.close();

    const server = new FakeServer();
    const after = makeOutbox(await freshDb(name), server);
    expect((await after.items()).map((i) => i.state)).toEqual(['pending', 'pending', 'pending']);
    await after.flush();
    expect(server.stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(server.calls).toEqual(['events:3']);
  });

  it("shows a rejection with the server's reason, never retries it, and goes on with the rest", async () => {
    const server = new FakeServer();
    const outbox = makeOutbox(await freshDb(), server);
    const [a, b, c] = [arrival(), arrival(), arrival()];
    server.reject.add(b.id);
    await outbox.enqueue([
      { kind: 'event', event: a },
      { kind: 'event', event: b },
      { kind: 'event', event: c },
    ]);
    await outbox.flush();
    const items = await outbox.items();
    expect(items.map((i) => i.state)).toEqual(['sent', 'rejected', 'sent']);
    expect(items[1]).toMatchObject({ note: 'no such station in this mission', result: { field: '/stationId' } });
    await outbox.flush();
    expect(server.calls).toEqual(['events:3']);
  });

  it('marks a whole request the server refused for good (4xx) as rejected, with the message', async () => {
    const server = new FakeServer();
    const outbox = makeOutbox(await freshDb(), server);
    server.script = [{ kind: 'permanent', message: 'HTTP 413: too large' }];
    await outbox.enqueue([{ kind: 'event', event: arrival() }]);
    await outbox.flush();
    expect((await outbox.items())[0]).toMatchObject({ state: 'rejected', note: 'HTTP 413: too large' });
  });

  it('uploads a photo before the finding that names it', async () => {
    const server = new FakeServer();
    const outbox = makeOutbox(await freshDb(), server);
    const photoId = randomUUID();
    const finding = findingWithPhoto(photoId);
    await outbox.enqueue([
      {
        kind: 'photo',
        id: photoId,
        blob: new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }),
        contentType: 'image/jpeg',
      },
      { kind: 'event', event: finding },
    ]);
    await outbox.flush();
    expect(server.calls).toEqual([`photo:${photoId}`, 'events:1']);
    expect(server.photos.get(photoId)?.size).toBe(3);
    expect(server.stored[0]).toMatchObject({ id: finding.id, photoId });
  });

  it('holds the finding while its photo cannot be sent, and sends the finding without it if the photo is refused', async () => {
    const server = new FakeServer();
    const timers = new ManualTimers();
    const outbox = makeOutbox(await freshDb(), server, timers);
    const photoId = randomUUID();
    server.photoFailure = { kind: 'transient', message: 'timed out' };
    await outbox.enqueue([
      { kind: 'photo', id: photoId, blob: new Blob(['x']), contentType: 'image/jpeg' },
      { kind: 'event', event: findingWithPhoto(photoId) },
    ]);
    await outbox.flush();
    expect(server.stored).toHaveLength(0);
    server.photoFailure = { kind: 'permanent', message: 'HTTP 415: the bytes are not a image/jpeg image' };
    timers.fire();
    await outbox.flush();
    const [photo, finding] = await outbox.items();
    expect(photo).toMatchObject({ state: 'rejected', note: 'HTTP 415: the bytes are not a image/jpeg image' });
    expect(finding).toMatchObject({ state: 'sent' });
    expect(finding!.note).toContain('photo not accepted');
    expect(server.stored[0]).not.toHaveProperty('photoId');
  });

  it('pauses on 401 without losing anything, and goes on with a new token', async () => {
    const server = new FakeServer();
    const timers = new ManualTimers();
    const outbox = makeOutbox(await freshDb(), server, timers);
    server.script = [{ kind: 'unauthorized', message: 'the token is unknown, expired or revoked' }];
    await outbox.enqueue([{ kind: 'event', event: arrival() }]);
    await outbox.flush();
    expect(outbox.status.paused).toBe('unauthorized');
    expect(timers.pending).toEqual([]);
    await outbox.enqueue([{ kind: 'event', event: arrival() }]);
    await outbox.flush();
    expect(server.calls).toEqual(['events:1']);
    outbox.setTransport(server);
    await outbox.flush();
    expect(server.stored).toHaveLength(2);
    expect(outbox.status.paused).toBeNull();
  });

  it('never sends the same batch twice at once when flushes overlap, and picks up reports made meanwhile', async () => {
    const server = new FakeServer();
    const outbox = makeOutbox(await freshDb(), server);
    const first = arrival();
    const second = arrival();
    await Promise.all([outbox.enqueue([{ kind: 'event', event: first }]), outbox.flush(), outbox.flush()]);
    await outbox.enqueue([{ kind: 'event', event: second }]);
    await Promise.all([outbox.flush(), outbox.flush()]);
    expect(server.stored.map((e) => e.id)).toEqual([first.id, second.id]);
    expect(server.calls.filter((c) => c.startsWith('events')).length).toBeLessThanOrEqual(2);
  });

  it('prunes settled items after a while but never pending ones', async () => {
    let now = Date.parse('2025-11-30T08:00:00Z');
    const server = new FakeServer();
    const db = await freshDb();
    const outbox = new Outbox({ store: new IdbOutboxStore(db), transport: server, now: () => now });
    await outbox.enqueue([{ kind: 'event', event: arrival() }]);
    await outbox.flush();
    server.script = [{ kind: 'transient', message: 'offline' }];
    await outbox.enqueue([{ kind: 'event', event: arrival() }]);
    await outbox.flush();
    outbox.stop();
    now += 3 * 24 * 3600_000;
    expect(await outbox.prune(48 * 3600_000)).toBe(1);
    expect((await outbox.items()).map((i) => i.state)).toEqual(['pending']);
  });
});
