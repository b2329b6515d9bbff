/**
 * Finding 11 of the hardening review: one token could stall and bloat the server with many large reads at once. Each
 * token now has LARGE_READS_PER_TOKEN (2 by default) in flight per instance; one more is refused at once with 429 and
 * Retry-After. Reads are held in flight deterministically by a Postgres lock on the stations table.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { login } from '../helpers/events';
import { postgresAvailable } from '../helpers/services';

describe.skipIf(!postgresAvailable)('large reads per token (postgres)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('postgres');
  });
  afterAll(async () => t?.close());

  /** Holds an exclusive lock on `stations` until `release()`: every read of the station list waits behind it. */
  async function lockStations(): Promise<{ release: () => Promise<void> }> {
    const sql = postgres(t.databaseUrl!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const transaction = sql.begin(async (tx) => {
      await tx`lock table stations in access exclusive mode`;
      locked();
      await held;
    });
    await isLocked;
    return {
      async release() {
        release();
        await transaction;
        await sql.end();
      },
    };
  }

  /** Waits until `count` queries are queued behind the lock, i.e. that many reads are past the gate. */
  async function waitingOnStations(count: number): Promise<void> {
    const sql = postgres(t.databaseUrl!, { max: 1, onnotice: () => {} });
    try {
      for (let waited = 0; waited < 120_000; waited += 50) {
        const [row] =
          await sql`select count(*)::int as n from pg_locks where relation = 'stations'::regclass and not granted`;
        if ((row?.n as number) >= count) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${count} reads never reached the database`);
    } finally {
      await sql.end();
    }
  }

  // Whole lists are built once for all their readers (encoded-replies.ts): a read of changes since 0 is one query per
  // request, so each held read waits on the lock by itself.
  const read = (token: string, url = '/api/stations?changedAfter=0') =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('finding 11: a third concurrent station list for one display token gets 429 with Retry-After; others are not held up', async () => {
    const display = t.own.displayToken;
    const coordinator = await login(t.app, t.own.coordinator.username, t.own.coordinator.password);
    // Authenticate first, so the held reads below wait on the lock and not on the token's first look-up.
    expect((await read(display, '/api/session')).statusCode).toBe(200);
    const lock = await lockStations();
    let held: Awaited<ReturnType<typeof read>>[] | undefined;
    try {
      const first = [read(display), read(display)];
      await waitingOnStations(2);
      const third = await read(display);
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBe('1');
      expect(third.json().message).toContain('large reads');
      // Another token is not limited by the display's reads (it waits on the same lock, so it is only started here).
      const coordinatorRead = read(coordinator);
      await lock.release();
      held = await Promise.all([...first, coordinatorRead]);
    } finally {
      await lock.release().catch(() => undefined);
    }
    expect(held?.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    // Once they are answered, the display reads again.
    expect((await read(display)).statusCode).toBe(200);
  });
});
