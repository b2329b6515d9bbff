/**
 * The mission's open conflicts (two teams' reports on one station and phase that disagree), for the live page: the map
 * marks their stations and the station panel says so. Conflicts are judged on the server as checklists are stored, so
 * a checklist or a resolution arriving makes this read them again (once per burst).
 */
import type { Conflict } from '../../../../shared/schemas/conflicts';
import type { ApiClient } from '../api';
import type { FeedEvent } from '../../../../shared/schemas/events';
import type { LiveFollower } from './live-mission.svelte';

/** A burst of checklists (a drill, a phone's outbox emptying) causes one read. */
const CONFLICTS_REREAD_DELAY_MS = 500;

export class OpenConflicts implements LiveFollower {
  /** Open conflicts by station id. */
  byStation = $state.raw(new Map<string, Conflict[]>());
  #api: ApiClient | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  resync(api: ApiClient): void {
    this.#api = api;
    api.conflicts('open').then(
      (reply) => {
        const byStation = new Map<string, Conflict[]>();
        for (const conflict of reply.conflicts)
          byStation.set(conflict.stationId, [...(byStation.get(conflict.stationId) ?? []), conflict]);
        this.byStation = byStation;
      },
      // The marks are an aid: without them the map and the operations page still work; the next news reads again.
      () => undefined,
    );
  }

  applied(events: readonly FeedEvent[]): void {
    if (this.#api === null || this.#timer !== null) return;
    if (!events.some((e) => e.type === 'checklist' || e.type === 'conflict_resolved')) return;
    const api = this.#api;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.resync(api);
    }, CONFLICTS_REREAD_DELAY_MS);
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

export const openConflicts = new OpenConflicts();
