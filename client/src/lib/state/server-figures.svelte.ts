/**
 * Figures the server computes from the database (summary, coverage), kept current on a live page: read again shortly
 * after live status patches (a burst of patches makes one request), after every reconnect, on a retry after a failure,
 * and optionally now and then anyway. An answer overtaken on the wire never puts older figures back (by `head`).
 */
import type { ApiClient } from '../api';
import type { LiveFollower } from './live-mission.svelte';

export interface ServerFiguresOptions<T> {
  read: (api: ApiClient) => Promise<T>;
  /** Patches arriving within this window share one request. */
  debounceMs: number;
  retryMs: number;
  /** Read again this often even without news (figures that change with time alone); none if absent. */
  refreshMs?: number;
}

export class ServerFigures<T extends { head: number }> implements LiveFollower {
  current = $state.raw<T | null>(null);
  /** When `current` arrived. */
  receivedAt = $state<Date | null>(null);

  readonly #options: ServerFiguresOptions<T>;
  #api: ApiClient | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #refresher: ReturnType<typeof setInterval> | null = null;
  #inFlight = false;
  #again = false;

  constructor(options: ServerFiguresOptions<T>) {
    this.#options = options;
  }

  resync(api: ApiClient): void {
    this.#api = api;
    const { refreshMs } = this.#options;
    if (refreshMs !== undefined) this.#refresher ??= setInterval(() => this.#schedule(0), refreshMs);
    this.#schedule(0);
  }

  patched(): void {
    this.#schedule(this.#options.debounceMs);
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
      const reply = await this.#options.read(api);
      if (this.#api === api && (this.current === null || reply.head >= this.current.head)) {
        this.current = reply;
        this.receivedAt = new Date();
      }
    } catch {
      if (this.#api === api) this.#schedule(this.#options.retryMs);
    } finally {
      this.#inFlight = false;
      if (this.#again) {
        this.#again = false;
        this.#schedule(this.#options.debounceMs);
      }
    }
  }
}
