/**
 * The door's limits count failures, not visits: 300 phones joining at a briefing from one venue's address, or a
 * situation room of coordinators behind one NAT, are never refused for being many. What is counted, per window
 * (fixed, shared by every instance through Redis):
 * - logins that failed, per (username, address), and more loosely per address (many usernames tried from one place).
 *   A login is refused, right password or not, only while its username has used up its failures from that address
 *   (or the address all of its own): an attacker beside the coordinator can hold that one username shut from that
 *   address until the window ends, and nothing else.
 * - joins that failed, per address. A code is 8 characters of 32 (2^40); see the README for why that is enough.
 * A login's attempt is counted before its password is checked (and taken back if it was right), so a burst of
 * simultaneous guesses cannot all slip in before the first is counted; a join is cheap to check, so only its
 * failures are counted, after the fact.
 */
import { HttpError } from '../../errors';

/** Fixed-window counters (shared-rate-limit-store.ts gives the Redis-backed ones). */
export interface FailureCounters {
  count(key: string, windowMs: number): Promise<{ current: number; ttl: number }>;
  peek(key: string): Promise<{ current: number; ttl: number }>;
  uncount(key: string): Promise<void>;
}

export interface AttemptLimits {
  loginFailuresPerUserAddress: number;
  loginFailuresPerAddress: number;
  joinFailuresPerAddress: number;
  windowMs: number;
}

export const TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS';

function tooMany(what: string, ttlMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  return new HttpError(
    429,
    `too many failed ${what} from this address: try again in ${seconds} s`,
    TOO_MANY_ATTEMPTS,
    undefined,
    {
      retryAfterSeconds: seconds,
    },
  );
}

export function createAttemptGuard(counters: FailureCounters, limits: AttemptLimits) {
  return {
    /** Runs the check unless the limits say no (429 with the wait); a check that answers null counts as a failure. */
    async login<T>(username: string, address: string, check: () => Promise<T | null>): Promise<T | null> {
      const keys: [string, number][] = [
        [`login:user:${address}:${username.trim().toLowerCase()}`, limits.loginFailuresPerUserAddress],
        [`login:address:${address}`, limits.loginFailuresPerAddress],
      ];
      const counted = await Promise.all(keys.map(([key]) => counters.count(key, limits.windowMs)));
      const over = counted.filter((c, i) => c.current > keys[i]![1]);
      if (over.length > 0) throw tooMany('logins', Math.max(...over.map((c) => c.ttl)));
      const result = await check();
      if (result !== null) await Promise.all(keys.map(([key]) => counters.uncount(key)));
      return result;
    },

    async join<T>(address: string, check: () => Promise<T | null>): Promise<T | null> {
      const key = `join:address:${address}`;
      const seen = await counters.peek(key);
      if (seen.current >= limits.joinFailuresPerAddress) throw tooMany('joins', seen.ttl);
      const result = await check();
      if (result === null) await counters.count(key, limits.windowMs);
      return result;
    },
  };
}

export type AttemptGuard = ReturnType<typeof createAttemptGuard>;
