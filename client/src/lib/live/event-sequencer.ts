/**
 * Puts the mission's event stream back in order. Sequence numbers have no gaps within a mission (db/schema/events.ts), so
 * a number we have not seen between lastSeq and a later event is a lost or delayed message, never a hole in the log.
 *
 * Pure TypeScript with injected timers: no DOM, no sockets, so the tests drive it without real waiting.
 */
import { backoffMs } from '../../../../shared/backoff';
import { GAP_WAIT_MS } from '../../../../shared/constants';

export interface Sequenced {
  seq: number;
}

/** A range of the log the caller should fetch and feed back through {@link EventSequencer.accept}. */
export interface GapRequest {
  /** Fetch events with a sequence greater than this (the sequencer's lastSeq when it asked). */
  after: number;
  /** Up to and including this sequence: the event just before the first one held back, or the announced head. */
  upTo: number;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface EventSequencerOptions {
  /** The sequence the caller's data already reflects (the `head` of the list it loaded). */
  lastSeq: number;
  /**
   * Called when the sequencer is behind for longer than `gapWaitMs`. Fetch the range, pass the events to `accept` (and
   * the page's head to `noteHead`) before the returned promise settles; the sequencer does not ask again while it is
   * pending, asks again at once if the answer made progress but did not reach the goal (a page limit), and waits longer
   * each time (up to 30 s) while answers bring nothing (offline).
   */
  onGap: (gap: GapRequest) => Promise<void> | void;
  /** How long a hole may stay open before it is fetched; live frames usually fill it first. Default GAP_WAIT_MS. */
  gapWaitMs?: number;
  /** Default: the global setTimeout/clearTimeout. */
  timers?: Timers;
}

/** Fetches that bring nothing back wait longer each time, up to this, so a long outage does not mean a request a second. */
const MAX_RETRY_WAIT_MS = 30_000;

const globalTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export class EventSequencer<E extends Sequenced> {
  #lastSeq: number;
  #head: number;
  /** Events that arrived ahead of a hole, by sequence. Small: only what is in flight while a gap is open. */
  readonly #held = new Map<number, E>();
  readonly #onGap: EventSequencerOptions['onGap'];
  readonly #gapWaitMs: number;
  readonly #timers: Timers;
  #timer: unknown = null;
  #fetching = false;
  /** Fetches in a row that made no progress. */
  #fruitless = 0;
  #disposed = false;

  constructor(options: EventSequencerOptions) {
    this.#lastSeq = options.lastSeq;
    this.#head = options.lastSeq;
    this.#onGap = options.onGap;
    this.#gapWaitMs = options.gapWaitMs ?? GAP_WAIT_MS;
    this.#timers = options.timers ?? globalTimers;
  }

  /** Every event up to and including this one has been handed out by `accept`. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The newest sequence known to exist (announced, or seen held back). */
  get head(): number {
    return this.#head;
  }

  /** True while something is known to exist that has not been handed out yet. */
  get behind(): boolean {
    return this.#held.size > 0 || this.#head > this.#lastSeq;
  }

  /** Returns the events to apply now, in sequence order, each exactly once. Later ones wait for the hole before them. */
  accept(events: readonly E[]): E[] {
    for (const event of events) {
      if (event.seq <= this.#lastSeq || this.#held.has(event.seq)) continue;
      this.#held.set(event.seq, event);
      if (event.seq > this.#head) this.#head = event.seq;
    }
    const ready: E[] = [];
    for (let next = this.#held.get(this.#lastSeq + 1); next !== undefined; next = this.#held.get(this.#lastSeq + 1)) {
      this.#held.delete(next.seq);
      this.#lastSeq = next.seq;
      ready.push(next);
    }
    this.#watch();
    return ready;
  }

  /**
   * The server's periodic head announcement. Being behind it is treated like a hole: the announcement can overtake the
   * live frame it describes, so it gets the same grace period before anything is fetched.
   */
  noteHead(seq: number): void {
    if (seq > this.#head) this.#head = seq;
    this.#watch();
  }

  /** Stops the timer; later calls to accept still order events but never ask for a fetch. */
  dispose(): void {
    this.#disposed = true;
    this.#cancelTimer();
  }

  #goal(): number {
    let firstHeld = Infinity;
    for (const seq of this.#held.keys()) if (seq < firstHeld) firstHeld = seq;
    return firstHeld === Infinity ? this.#head : firstHeld - 1;
  }

  #watch(): void {
    if (!this.behind) {
      this.#fruitless = 0;
      this.#cancelTimer();
      return;
    }
    // A new hole opening while the timer runs must not restart it, or a steady trickle of live events would postpone
    // the fetch forever.
    if (this.#disposed || this.#fetching || this.#timer !== null) return;
    const waitMs = backoffMs(this.#fruitless, {
      firstMs: this.#gapWaitMs,
      maxMs: Math.max(MAX_RETRY_WAIT_MS, this.#gapWaitMs),
    });
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      if (this.behind) void this.#fetch();
    }, waitMs);
  }

  async #fetch(): Promise<void> {
    if (this.#disposed) return;
    this.#fetching = true;
    const before = this.#lastSeq;
    try {
      await this.#onGap({ after: this.#lastSeq, upTo: this.#goal() });
    } catch {
      // The caller reports its own failures; all that matters here is trying again after the wait below.
    } finally {
      this.#fetching = false;
    }
    const progressed = this.#lastSeq > before;
    this.#fruitless = progressed ? 0 : this.#fruitless + 1;
    if (this.#disposed || !this.behind) return;
    if (progressed) void this.#fetch();
    else this.#watch();
  }

  #cancelTimer(): void {
    if (this.#timer === null) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
