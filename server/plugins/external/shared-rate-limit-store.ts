/**
 * Counters for the door's limits that count in Redis, so a limit holds across every instance behind the load
 * balancer: counted per instance, "10 failed logins per window" was 10 × instances. Each key is a fixed window
 * (INCR, and PEXPIRE on the first hit, in one script). When Redis cannot answer at once, this instance counts by
 * itself until it can: a limit per instance is better than none, and a login never waits for Redis.
 */
import { redisReady, type RedisConnection } from './redis-connection';

export type Result = { current: number; ttl: number };

const COUNT_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { current, ttl }
`;

/** Windows kept by the local fallback; the oldest are dropped beyond this (an address flood must not grow memory). */
const LOCAL_KEYS = 10_000;

/** Fixed windows in this process only: the fallback while Redis is away. */
export class LocalWindows {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();

  count(key: string, windowMs: number, now = Date.now()): Result {
    let window = this.#windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.#windows.delete(key);
      this.#windows.set(key, window);
      if (this.#windows.size > LOCAL_KEYS) this.#windows.delete(this.#windows.keys().next().value!);
    }
    window.count++;
    return { current: window.count, ttl: window.endsAt - now };
  }

  /** The count so far in the key's window (0 and ttl 0 when none is open). */
  peek(key: string, now = Date.now()): Result {
    const window = this.#windows.get(key);
    return window === undefined || window.endsAt <= now
      ? { current: 0, ttl: 0 }
      : { current: window.count, ttl: window.endsAt - now };
  }

  /** Takes one back (an attempt counted before it was known to be good), never below 0 and never opening a window. */
  uncount(key: string, now = Date.now()): void {
    const window = this.#windows.get(key);
    if (window !== undefined && window.endsAt > now && window.count > 0) window.count--;
  }
}

const PEEK_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return { current, ttl }
`;

const UNCOUNT_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current > 0 then redis.call('DECR', KEYS[1]) end
return current
`;

/** Named fixed-window counters: what the login and join guards count failures with. */
export interface WindowCounters {
  /** Adds one to the key's window (opening it for windowMs if none is open); the count after, and the window's rest. */
  count(key: string, windowMs: number): Promise<Result>;
  peek(key: string): Promise<Result>;
  uncount(key: string): Promise<void>;
}

export interface SharedRateLimitOptions {
  /** null: count on this instance only (no REDIS_URL). */
  client: RedisConnection | null;
  /** Prefix of every key in Redis. */
  namespace: string;
  /** Told when Redis could not count (the request was counted locally instead). */
  onFallback: (error: unknown) => void;
}

export function windowCounters(options: SharedRateLimitOptions): WindowCounters {
  const local = new LocalWindows();
  const { client, namespace } = options;
  async function shared<T>(run: (client: RedisConnection) => Promise<T>, fallback: () => T): Promise<T> {
    if (client === null || !redisReady(client)) return fallback();
    try {
      return await run(client);
    } catch (error) {
      options.onFallback(error);
      return fallback();
    }
  }
  return {
    count: (key, windowMs) =>
      shared(
        async (c) => {
          const [current, ttl] = (await c.eval(COUNT_SCRIPT, {
            keys: [namespace + key],
            arguments: [String(windowMs)],
          })) as [number, number];
          return { current, ttl };
        },
        () => local.count(namespace + key, windowMs),
      ),
    peek: (key) =>
      shared(
        async (c) => {
          const [current, ttl] = (await c.eval(PEEK_SCRIPT, { keys: [namespace + key] })) as [number, number];
          return { current, ttl };
        },
        () => local.peek(namespace + key),
      ),
    uncount: (key) =>
      shared(
        async (c) => {
          await c.eval(UNCOUNT_SCRIPT, { keys: [namespace + key] });
        },
        () => local.uncount(namespace + key),
      ),
  };
}
