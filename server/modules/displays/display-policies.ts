/**
 * Each mission's display policy as this instance last read it. Everything that sends data to displays asks here, so
 * the live fan-out needs no database round trip per event.
 *
 * An entry is read again once it is DISPLAY_POLICY_TTL_MS old, so a change made through another instance applies here
 * within that time even when the news of it (a server-side message through the Redis adapter) is lost. A failed read
 * answers the strictest policy: a display may miss text it was allowed, never receive text it was not.
 */
import type { Db } from '../../../db/client';
import type { DisplayPolicy } from '../../../shared/schemas/displays';
import { readDisplayPolicy } from './display-policies.repository';
import { STRICTEST_DISPLAY_POLICY } from '../events/display-redaction';

export const DISPLAY_POLICY_TTL_MS = 3000;

interface Entry {
  policy: DisplayPolicy;
  readAtMs: number;
}

export function createDisplayPolicies(db: Db, onError: (error: unknown) => void, nowMs: () => number = Date.now) {
  const cache = new Map<string, Entry>();
  const reading = new Map<string, Promise<DisplayPolicy>>();
  /** Bumped by forget(): a read that started before it must not put its (older) answer in the cache. */
  const generation = new Map<string, number>();

  function get(missionId: string): Promise<DisplayPolicy> {
    const entry = cache.get(missionId);
    if (entry && nowMs() - entry.readAtMs < DISPLAY_POLICY_TTL_MS) return Promise.resolve(entry.policy);
    const pending = reading.get(missionId);
    if (pending) return pending;
    const startedIn = generation.get(missionId) ?? 0;
    const read = readDisplayPolicy(db, missionId)
      .then((found) => {
        const policy = found ?? STRICTEST_DISPLAY_POLICY;
        if ((generation.get(missionId) ?? 0) === startedIn) cache.set(missionId, { policy, readAtMs: nowMs() });
        return policy;
      })
      .catch((error: unknown) => {
        onError(error);
        return STRICTEST_DISPLAY_POLICY;
      })
      .finally(() => {
        if (reading.get(missionId) === read) reading.delete(missionId);
      });
    reading.set(missionId, read);
    return read;
  }

  /** The policy changed (here or on another instance): the next get() reads it again. */
  function forget(missionId: string): void {
    cache.delete(missionId);
    reading.delete(missionId);
    generation.set(missionId, (generation.get(missionId) ?? 0) + 1);
  }

  return { get, forget };
}

export type DisplayPolicies = ReturnType<typeof createDisplayPolicies>;
