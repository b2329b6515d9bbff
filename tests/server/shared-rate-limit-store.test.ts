/**
 * The door's counters in Redis: instances count together, windows end, a count can be taken back, and with Redis
 * away an instance answers at once from its own count (never waits, never lets everything through).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClientType } from 'redis';
import {
  LocalWindows,
  windowCounters,
  type WindowCounters,
} from '../../server/plugins/external/shared-rate-limit-store';
import { freePort } from '../helpers/processes';
import { REDIS_TEST_URL, redisAvailable } from '../helpers/services';

function countersFor(client: RedisClientType, namespace: string, fallbacks: unknown[] = []): WindowCounters {
  return windowCounters({ client, namespace, onFallback: (error) => fallbacks.push(error) });
}

describe('local windows (the fallback)', () => {
  it('counts within a window and starts again after it', () => {
    const windows = new LocalWindows();
    expect(windows.count('a', 1000, 0)).toEqual({ current: 1, ttl: 1000 });
    expect(windows.count('a', 1000, 400)).toEqual({ current: 2, ttl: 600 });
    expect(windows.count('b', 1000, 400)).toEqual({ current: 1, ttl: 1000 });
    expect(windows.count('a', 1000, 1000)).toEqual({ current: 1, ttl: 1000 });
    windows.uncount('a', 1100);
    expect(windows.peek('a', 1100)).toEqual({ current: 0, ttl: 900 });
    windows.uncount('a', 1100);
    expect(windows.peek('a', 1100)).toEqual({ current: 0, ttl: 900 });
    expect(windows.peek('c', 1100)).toEqual({ current: 0, ttl: 0 });
  });
});

describe.runIf(redisAvailable)('the shared store on a real Redis', () => {
  const clients: RedisClientType[] = [];
  const namespace = `vigil-test:${randomUUID()}:`;
  async function connected(url: string, options: { disableOfflineQueue?: boolean } = {}): Promise<RedisClientType> {
    const client = createClient({ url, ...options, socket: { reconnectStrategy: false } }) as RedisClientType;
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  }
  afterAll(async () => {
    for (const client of clients) if (client.isOpen) await client.close();
  });

  it('counts one key together across two instances, takes counts back, and the window ends', async () => {
    const [a, b] = await Promise.all([connected(REDIS_TEST_URL), connected(REDIS_TEST_URL)]);
    await Promise.all([a.connect(), b.connect()]);
    const onA = countersFor(a, namespace);
    const onB = countersFor(b, namespace);
    const currents = [];
    for (let i = 0; i < 4; i++)
      currents.push((await (i % 2 === 0 ? onA : onB).count('login:address:203.0.113.9', 60_000)).current);
    expect(currents).toEqual([1, 2, 3, 4]);
    await onB.uncount('login:address:203.0.113.9');
    expect((await onA.peek('login:address:203.0.113.9')).current).toBe(3);
    expect(await onA.peek('join:address:203.0.113.9')).toEqual({ current: 0, ttl: 0 });
    // A short window runs out in Redis.
    expect((await onA.count('k:203.0.113.10', 150)).current).toBe(1);
    const second = await onB.count('k:203.0.113.10', 150);
    expect(second.current).toBe(2);
    expect(second.ttl).toBeLessThanOrEqual(150);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await onA.count('k:203.0.113.10', 150)).current).toBe(1);
  });

  it('with Redis away, answers at once from its own count', async () => {
    // Nothing listens on this port: the client never becomes ready.
    const away = await connected(`redis://127.0.0.1:${await freePort()}`, { disableOfflineQueue: true });
    void away.connect().catch(() => undefined);
    const counters = countersFor(away, namespace);
    const started = Date.now();
    const currents = [];
    for (let i = 0; i < 3; i++) currents.push((await counters.count('login:address:203.0.113.11', 60_000)).current);
    expect(currents).toEqual([1, 2, 3]);
    expect((await counters.peek('login:address:203.0.113.11')).current).toBe(3);
    // Not waiting on Redis means no reconnect wait at all; the ceiling is generous for a loaded box (issue 14).
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
