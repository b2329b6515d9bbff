/**
 * The mission's headline figures, always as the server computed them from the database (GET /api/summary): read again
 * shortly after live status patches (several patches in a burst make one request), after every reconnect, and now and
 * then anyway, because "active teams" changes with time alone.
 */
import type { Summary } from '../../../../shared/schemas/summary';
import type { ApiClient } from '../api';
import type { LiveFollower } from './live-mission.svelte';

/** Patches arriving within this window share one request. */
const SUMMARY_DEBOUNCE_MS = 150;
const SUMMARY_REFRESH_MS = 60_000;
const SUMMARY_RETRY_MS = 5_000;

export class MissionSummaryState implements LiveFollower {
  current = $state.raw<Summary | null>(null);
  /** When `current` arrived. */
  receivedAt = $state<Date | null>(null);

  #api: ApiClient | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #refresher: ReturnType<typeof setInterval> | null = null;
  #inFlight = false;
  #again = false;

  resync(api: ApiClient): void {
    this.#api = api;
    this.#refresher ??= setInterval(() => this.#schedule(0), SUMMARY_REFRESH_MS);
    this.#schedule(0);
  }

  patched(): void {
    this.#schedule(SUMMARY_DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#refresher !== null) clearInterval(this.#refresher);
    this.#timer = null;
    this.#refresher = null;
    this.#api = null;
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#fetch();
    }, delayMs);
  }

  async #fetch(): Promise<void> {
    const api = this.#api;
    if (api === null) return;
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    this.#inFlight = true;
    try {
      const summary = await api.summary();
      // An answer overtaken by a newer one (they can cross on the wire) must not put older figures back.
      if (this.#api === api && (this.current === null || summary.head >= this.current.head)) {
        this.current = summary;
        this.receivedAt = new Date();
      }
    } catch {
      if (this.#api === api) this.#schedule(SUMMARY_RETRY_MS);
    } finally {
      this.#inFlight = false;
      if (this.#again) {
        this.#again = false;
        this.#schedule(SUMMARY_DEBOUNCE_MS);
      }
    }
  }
}
