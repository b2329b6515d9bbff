/** Exponential backoff, the one rule every retry loop here follows (Redis reconnects, the outbox, gap fetches, the simulator). */

export interface Backoff {
  /** The wait before the first retry, in milliseconds. */
  firstMs: number;
  /** No wait is longer than this, in milliseconds. */
  maxMs: number;
}

/**
 * The wait before a retry: `firstMs` after no earlier failed retry (`retries` = 0), doubling with each one, never above
 * `maxMs`. Any `retries` below 0 counts as 0; a huge one gives `maxMs` (2 ** n overflows to Infinity, which min caps).
 */
export function backoffMs(retries: number, { firstMs, maxMs }: Backoff): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, retries));
}

/**
 * Redis clients (the Socket.IO adapter, the shared rate-limit counters) reconnect forever on this schedule: Redis coming
 * back must heal fan-out by itself, within two seconds of it being reachable. Until then each instance counts requests
 * by itself.
 */
export const REDIS_RECONNECT_BACKOFF: Backoff = { firstMs: 50, maxMs: 2_000 };
