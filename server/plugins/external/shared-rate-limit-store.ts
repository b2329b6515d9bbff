/**
 * A store for @fastify/rate-limit that counts in Redis, so a limit holds across every instance behind the load
 * balancer: counted per instance, "20 logins a minute per address" was 20 × instances. Each key is a fixed window
 * (INCR, and PEXPIRE on the first hit, in one script). When Redis cannot answer at once, this instance counts by
 * itself until it can: a limit per instance is better than none, and a login never waits for Redis.
 * (The plugin's own Redis store speaks ioredis; the project's Redis client is node-redis.)
 */
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RedisClientType } from 'redis';

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

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
}

export interface SharedRateLimitOptions {
  client: RedisClientType;
  /** Prefix of every key in Redis. */
  namespace: string;
  /** Told when Redis could not count (the request was counted locally instead). */
  onFallback: (error: unknown) => void;
}

/** The store class @fastify/rate-limit instantiates (it calls `new Store(options)` and then `child()` per route). */
export function sharedRateLimitStore(options: SharedRateLimitOptions): FastifyRateLimitStoreCtor {
  const local = new LocalWindows();

  class SharedRateLimitStore {
    constructor(
      _pluginOptions?: unknown,
      readonly prefix = options.namespace,
    ) {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      const fullKey = `${this.prefix}${key}`;
      // Not ready (connecting, or Redis away): count here rather than queue the request behind the reconnection.
      if (!options.client.isReady) {
        callback(null, local.count(fullKey, timeWindow));
        return;
      }
      options.client.eval(COUNT_SCRIPT, { keys: [fullKey], arguments: [String(timeWindow)] }).then(
        (reply) => {
          const [current, ttl] = reply as [number, number];
          callback(null, { current, ttl });
        },
        (error: unknown) => {
          options.onFallback(error);
          callback(null, local.count(fullKey, timeWindow));
        },
      );
    }

    /**
     * One store per limited route, counting apart. The plugin passes its merged options with the route as
     * `routeInfo` (its type declaration says the route options themselves, which is not what index.js sends).
     */
    child(params: { routeInfo?: { method?: string | string[]; url?: string } }): SharedRateLimitStore {
      const method = [params.routeInfo?.method ?? ''].flat().join(',');
      return new SharedRateLimitStore(undefined, `${this.prefix}${method}${params.routeInfo?.url ?? ''}:`);
    }
  }
  return SharedRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
