/**
 * The outbox: every report a phone makes waits here, in IndexedDB, until the server has said it stored it.
 *
 * - An item gets its UUID when the observer makes the report; that id is the server's idempotency key, so sending it
 *   again after a lost answer stores nothing twice ("duplicate" counts as sent, like "stored").
 * - Items go out strictly in the order they were made: a photo before the finding that names it, an arrival before its
 *   departure. A failure stops the queue there; nothing overtakes it.
 * - A network error, a timeout, 5xx, 408 or 429 leaves the item pending and retries with exponential backoff (sooner
 *   when the browser says it is online again). A 401 pauses the queue until the phone joins again; items are kept.
 * - "rejected" is only what the server refused with a reason (an answer per event, or a 4xx for a photo): shown to the
 *   observer, never retried, never silently dropped.
 * Nothing here knows about Svelte: the field app's state listens to `onChange`.
 */
import { backoffMs } from '../../../../shared/backoff';
import type { EventInput, EventResult } from '../../../../shared/schemas/events';

export type OutboxItemState = 'pending' | 'sent' | 'rejected';

interface ItemBase {
  /** The event's id, or the photo's id: made on the phone when the report was made. */
  id: string;
  /** Position in the queue, given by the store when the item is added. */
  order: number;
  createdAt: string;
  state: OutboxItemState;
  attempts: number;
  lastError: string | null;
  settledAt: string | null;
  /** Why the item ended as it did, when that needs saying (a rejection's reason, a dropped photo). */
  note: string | null;
}

export interface OutboxEventItem extends ItemBase {
  kind: 'event';
  event: EventInput;
  result: EventResult | null;
}

export interface OutboxPhotoItem extends ItemBase {
  kind: 'photo';
  blob: Blob;
  contentType: string;
}

export type OutboxItem = OutboxEventItem | OutboxPhotoItem;
export type NewOutboxItem =
  { kind: 'event'; event: EventInput } | { kind: 'photo'; id: string; blob: Blob; contentType: string };

export interface OutboxStore {
  /** Appends items after every other item, in the given order, atomically; returns them as stored. */
  add(items: NewOutboxItem[], createdAt: string): Promise<OutboxItem[]>;
  /** Every item, in queue order. */
  all(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  /** Removes settled items settled before the given time. */
  prune(settledBefore: string): Promise<number>;
}

export type SendFailure =
  | { kind: 'transient'; message: string; retryAfterMs?: number }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'permanent'; message: string };

export interface OutboxTransport {
  postEvents(events: EventInput[]): Promise<{ ok: true; results: EventResult[] } | { ok: false; failure: SendFailure }>;
  putPhoto(id: string, blob: Blob, contentType: string): Promise<{ ok: true } | { ok: false; failure: SendFailure }>;
}

export interface OutboxStatus {
  /** A request is on its way. */
  sending: boolean;
  /** Transient failures in a row; 0 after any answer. */
  failures: number;
  /** When the next automatic attempt is due (ms since epoch), when one is scheduled. */
  nextAttemptAt: number | null;
  lastError: string | null;
  /** The server no longer accepts this phone's token: the observer must join again. */
  paused: 'unauthorized' | null;
}

export interface OutboxOptions {
  store: OutboxStore;
  transport: OutboxTransport;
  now?: () => number;
  random?: () => number;
  /** Runs the sending loop exclusively (across tabs: Web Locks); by default it simply runs. */
  exclusive?: <T>(run: () => Promise<T>) => Promise<T>;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** First retry after about this long; doubling up to OUTBOX_MAX_RETRY_DELAY_MS. */
export const OUTBOX_FIRST_RETRY_DELAY_MS = 2_000;
export const OUTBOX_MAX_RETRY_DELAY_MS = 60_000;
/** Events per POST: well under the server's 500, small enough to go through a poor link. */
export const OUTBOX_MAX_EVENTS_PER_REQUEST = 50;

/** Backoff before the n-th retry (n ≥ 1), with jitter so many phones coming back online do not all knock at once. */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const ceiling = backoffMs(failures - 1, { firstMs: OUTBOX_FIRST_RETRY_DELAY_MS, maxMs: OUTBOX_MAX_RETRY_DELAY_MS });
  return Math.round(ceiling * (0.5 + random() / 2));
}

type Outcome = 'continue' | 'stop';

export class Outbox {
  readonly #store: OutboxStore;
  #transport: OutboxTransport;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #exclusive: <T>(run: () => Promise<T>) => Promise<T>;
  readonly #setTimer: (run: () => void, ms: number) => unknown;
  readonly #clearTimer: (timer: unknown) => void;
  readonly #listeners = new Set<() => void>();
  #timer: unknown = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  status: OutboxStatus = { sending: false, failures: 0, nextAttemptAt: null, lastError: null, paused: null };

  constructor(options: OutboxOptions) {
    this.#store = options.store;
    this.#transport = options.transport;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#exclusive = options.exclusive ?? ((run) => run());
    this.#setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.#clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  /** Called after every change of an item or of the status. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  items(): Promise<OutboxItem[]> {
    return this.#store.all();
  }

  /** Keeps the items (they are safe once this resolves), then tries to send them. */
  async enqueue(items: NewOutboxItem[]): Promise<OutboxItem[]> {
    const added = await this.#store.add(items, new Date(this.#now()).toISOString());
    this.#notify();
    void this.flush();
    return added;
  }

  /** After joining again: a new token, and the paused queue goes on. */
  setTransport(transport: OutboxTransport): void {
    this.#transport = transport;
    if (this.status.paused) this.#setStatus({ paused: null });
    this.retryNow();
  }

  /** Connectivity is back (or the observer asked): forget the backoff and try at once. */
  retryNow(): void {
    this.#cancelTimer();
    this.#setStatus({ failures: 0, nextAttemptAt: null });
    void this.flush();
  }

  /** Sends what is pending, in order, until the queue is empty or something stops it. Safe to call any time. */
  flush(): Promise<void> {
    if (this.#stopped || this.status.paused) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#cancelTimer();
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#exclusive(() => this.#drain());
        } while (this.#again && !this.#stopped && !this.status.paused && this.#timer === null);
      } finally {
        this.#running = null;
        this.#setStatus({ sending: false });
      }
    })();
    return this.#running;
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelTimer();
  }

  async prune(keepSettledForMs: number): Promise<number> {
    const removed = await this.#store.prune(new Date(this.#now() - keepSettledForMs).toISOString());
    if (removed > 0) this.#notify();
    return removed;
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      const pending = (await this.#store.all()).filter((item) => item.state === 'pending');
      const head = pending[0];
      if (!head) return;
      this.#setStatus({ sending: true });
      const outcome =
        head.kind === 'photo' ? await this.#sendPhoto(head, pending) : await this.#sendEvents(leadingEvents(pending));
      if (outcome === 'stop') return;
    }
  }

  async #sendEvents(batch: OutboxEventItem[]): Promise<Outcome> {
    const answer = await this.#transport.postEvents(batch.map((item) => item.event));
    if (!answer.ok) return this.#failed(batch, answer.failure);
    const byId = new Map(answer.results.map((r) => [r.id, r]));
    let unanswered = false;
    for (const item of batch) {
      const result = byId.get(item.id.toLowerCase());
      if (!result) {
        unanswered = true;
        continue;
      }
      const sent = result.status === 'stored' || result.status === 'duplicate';
      await this.#store.put({
        ...item,
        attempts: item.attempts + 1,
        state: sent ? 'sent' : 'rejected',
        result,
        lastError: null,
        note: sent ? item.note : (result.error ?? 'rejected by the server'),
        settledAt: new Date(this.#now()).toISOString(),
      });
    }
    if (unanswered)
      return this.#failed(
        batch.filter((i) => !byId.has(i.id.toLowerCase())),
        { kind: 'transient', message: 'the server did not answer for every report' },
      );
    this.#succeeded();
    return 'continue';
  }

  async #sendPhoto(photo: OutboxPhotoItem, pending: OutboxItem[]): Promise<Outcome> {
    const answer = await this.#transport.putPhoto(photo.id, photo.blob, photo.contentType);
    if (!answer.ok) {
      if (answer.failure.kind !== 'permanent') return this.#failed([photo], answer.failure);
      // The finding matters more than its picture: it goes without the photo, and says why.
      for (const item of pending) {
        if (item.kind === 'event' && item.event.type === 'finding' && item.event.photoId === photo.id) {
          const { photoId: _dropped, ...event } = item.event;
          await this.#store.put({ ...item, event, note: `photo not accepted: ${answer.failure.message}` });
        }
      }
      await this.#store.put({
        ...photo,
        attempts: photo.attempts + 1,
        state: 'rejected',
        note: answer.failure.message,
        settledAt: new Date(this.#now()).toISOString(),
      });
      this.#succeeded();
      return 'continue';
    }
    await this.#store.put({
      ...photo,
      attempts: photo.attempts + 1,
      state: 'sent',
      lastError: null,
      settledAt: new Date(this.#now()).toISOString(),
    });
    this.#succeeded();
    return 'continue';
  }

  async #failed(items: OutboxItem[], failure: SendFailure): Promise<Outcome> {
    if (failure.kind === 'permanent') {
      // The whole request was refused for a reason that will not change by sending it again.
      for (const item of items) {
        await this.#store.put({
          ...item,
          attempts: item.attempts + 1,
          state: 'rejected',
          note: failure.message,
          settledAt: new Date(this.#now()).toISOString(),
        });
      }
      this.#succeeded();
      return 'continue';
    }
    for (const item of items)
      await this.#store.put({ ...item, attempts: item.attempts + 1, lastError: failure.message });
    if (failure.kind === 'unauthorized') {
      this.#setStatus({ paused: 'unauthorized', lastError: failure.message, nextAttemptAt: null });
      return 'stop';
    }
    const failures = this.status.failures + 1;
    const delay = Math.max(retryDelayMs(failures, this.#random), failure.retryAfterMs ?? 0);
    this.#setStatus({ failures, lastError: failure.message, nextAttemptAt: this.#now() + delay });
    this.#timer = this.#setTimer(() => {
      this.#timer = null;
      this.#setStatus({ nextAttemptAt: null });
      void this.flush();
    }, delay);
    return 'stop';
  }

  #succeeded(): void {
    this.#setStatus({ failures: 0, lastError: null, nextAttemptAt: null });
  }

  #cancelTimer(): void {
    if (this.#timer !== null) this.#clearTimer(this.#timer);
    this.#timer = null;
  }

  #setStatus(patch: Partial<OutboxStatus>): void {
    this.status = { ...this.status, ...patch };
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}

/** The events at the head of the queue, up to the first photo (which must go before anything after it). */
function leadingEvents(pending: OutboxItem[]): OutboxEventItem[] {
  const batch: OutboxEventItem[] = [];
  for (const item of pending) {
    if (item.kind !== 'event' || batch.length >= OUTBOX_MAX_EVENTS_PER_REQUEST) break;
    batch.push(item);
  }
  return batch;
}
