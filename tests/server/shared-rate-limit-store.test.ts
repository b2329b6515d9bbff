/**
 * The rate limiter's Redis store: instances count together in Redis, windows end, routes count apart, and with Redis
 * away an instance answers at once from its own count (never waits, never lets everything through).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClientType } from 'redis';
import { LocalWindows, sharedRateLimitStore } from '../../server/plugins/external/shared-rate-limit-store';
import { freePort } from '../helpers/processes';
import { REDIS_TEST_URL, redisAvailable } from '../helpers/services';

type Store = {
  incr(key: string, cb: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max: number): void;
  child(params: { routeInfo?: { method?: string; url?: string } }): Store;
};

function count(store: Store, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  return new Promise((resolve, reject) => store.incr(key, (error, result) => (error ? reject(error) : resolve(result!)), windowMs, 5));
}

function storeFor(client: RedisClientType, namespace: string, fallbacks: unknown[] = []): Store {
  const Store = sharedRateLimitStore({ client, namespace, onFallback: (error) => fallbacks.push(error) });
  return new (Store as unknown as new (options: object) => Store)({});
}

describe('local windows (the fallback)', () => {
  it('counts within a window and starts again after it', () => {
    const windows = new LocalWindows();
    expect(windows.count('a', 1000, 0)).toEqual({ current: 1, ttl: 1000 });
    expect(windows.count('a', 1000, 400)).toEqual({ current: 2, ttl: 600 });
    expect(windows.count('b', 1000, 400)).toEqual({ current: 1, ttl: 1000 });
    expect(windows.count('a', 1000, 1000)).toEqual({ current: 1, ttl: 1000 });
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

  it('counts one address together across two instances, per route, and the window ends', async () => {
    const [a, b] = await Promise.all([connected(REDIS_TEST_URL), connected(REDIS_TEST_URL)]);
    await Promise.all([a.connect(), b.connect()]);
    const login = { routeInfo: { method: 'POST', url: '/api/auth/login' } };
    const onA = storeFor(a, namespace).child(login);
    const onB = storeFor(b, namespace).child(login);
    const currents = [];
    for (let i = 0; i < 4; i++) currents.push((await count(i % 2 === 0 ? onA : onB, '203.0.113.9', 60_000)).current);
    expect(currents).toEqual([1, 2, 3, 4]);
    const join = storeFor(b, namespace).child({ routeInfo: { method: 'POST', url: '/api/auth/join' } });
    expect((await count(join, '203.0.113.9', 60_000)).current).toBe(1);
    // A short window runs out in Redis.
    expect((await count(onA, '203.0.113.10', 150)).current).toBe(1);
    const second = await count(onB, '203.0.113.10', 150);
    expect(second.current).toBe(2);
    expect(second.ttl).toBeLessThanOrEqual(150);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await count(onA, '203.0.113.10', 150)).current).toBe(1);
  });

  it('with Redis away, answers at once from its own count', async () => {
    // Nothing listens on this port: the client never becomes ready.
    const away = await connected(`redis://127.0.0.1:${await freePort()}`, { disableOfflineQueue: true });
    void away.connect().catch(() => undefined);
    const store = storeFor(away, namespace).child({ routeInfo: { method: 'POST', url: '/api/auth/login' } });
    const started = Date.now();
    const currents = [];
    for (let i = 0; i < 3; i++) currents.push((await count(store, '203.0.113.11', 60_000)).current);
    expect(currents).toEqual([1, 2, 3]);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
