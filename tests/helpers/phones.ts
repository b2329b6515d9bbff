/**
 * Simulated observer phones for the fault tests: the field app's own Outbox and FieldApi (client/src/lib/field), with
 * the queue kept in memory instead of IndexedDB. Each report gets its UUID when it is "tapped", waits in the outbox and
 * is resent until the server answers stored or duplicate; 5xx/408/429 and lost connections back off (honouring
 * Retry-After), exactly as on a phone. A phone given several origins moves to the next one when a connection fails, as
 * a load balancer would send it to a live instance.
 *
 * The fleet records every id the server acknowledged (2xx with stored or duplicate), every failed attempt, and every
 * retry delay the outbox asked for, so a test can check what was promised against the database.
 */
import { randomUUID } from 'node:crypto';
import { FieldApi } from '../../client/src/lib/field/field-api';
import { Outbox, type NewOutboxItem, type OutboxItem, type OutboxStore } from '../../client/src/lib/field/outbox';
import type { EventInput } from '../../shared/schemas/events';
import { waitFor } from './live-client';

class MemoryOutboxStore implements OutboxStore {
  #items: OutboxItem[] = [];
  #order = 0;

  async add(items: NewOutboxItem[], createdAt: string): Promise<OutboxItem[]> {
    const added = items.map((item): OutboxItem => {
      const base = {
        order: ++this.#order,
        createdAt,
        state: 'pending' as const,
        attempts: 0,
        lastError: null,
        settledAt: null,
        note: null,
      };
      return item.kind === 'event'
        ? { ...base, kind: 'event', id: item.event.id, event: item.event, result: null }
        : { ...base, ...item };
    });
    this.#items.push(...added);
    return added;
  }
  async all(): Promise<OutboxItem[]> {
    return [...this.#items];
  }
  async put(item: OutboxItem): Promise<void> {
    const index = this.#items.findIndex((i) => i.id === item.id);
    if (index >= 0) this.#items[index] = item;
  }
  async prune(settledBefore: string): Promise<number> {
    const before = this.#items.length;
    this.#items = this.#items.filter((i) => i.settledAt === null || i.settledAt >= settledBefore);
    return before - this.#items.length;
  }
  pending(): number {
    return this.#items.filter((i) => i.state === 'pending').length;
  }
  rejected(): OutboxItem[] {
    return this.#items.filter((i) => i.state === 'rejected');
  }
}

export interface PhoneCredentials {
  token: string;
  teamId: string;
}

export interface FailedAttempt {
  status: number;
  retryAfterMs: number | undefined;
  message: string;
}

/**
 * One team's phone walking its route: arrival, position, finding, position, departure, then the next station.
 * Every event's occurredAt is the moment of the tap, so the phone's own reports are in order.
 */
export class SimulatedPhone {
  readonly store = new MemoryOutboxStore();
  readonly outbox: Outbox;
  readonly made: string[] = [];
  #step = 0;
  #originIndex = 0;

  constructor(
    readonly credentials: PhoneCredentials,
    readonly stationIds: string[],
    readonly origins: string[],
    readonly fleet: PhoneFleet,
    timeScale: number,
  ) {
    const api = new FieldApi(credentials.token, () => this.origins[this.#originIndex % this.origins.length]!);
    this.#originIndex = fleet.phones.length; // spread phones over the origins, like a load balancer
    this.outbox = new Outbox({
      store: this.store,
      transport: {
        postEvents: async (events) => {
          const answer = await api.postEvents(events);
          if (!answer.ok) {
            fleet.failures.push({
              status: answer.status,
              message: answer.failure.message,
              retryAfterMs: 'retryAfterMs' in answer.failure ? answer.failure.retryAfterMs : undefined,
            });
            if (answer.status === 0) this.#originIndex++;
            return answer;
          }
          for (const result of answer.data.results) {
            if (result.id && (result.status === 'stored' || result.status === 'duplicate'))
              fleet.acknowledged.set(result.id, result.seq!);
          }
          return { ok: true, results: answer.data.results };
        },
        putPhoto: async () => ({
          ok: false,
          failure: { kind: 'permanent', message: 'simulated phones send no photos' },
        }),
      },
      setTimer: (run, ms) => {
        fleet.retryDelaysMs.push(ms);
        return setTimeout(run, ms * timeScale);
      },
      clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
    });
  }

  /** The observer makes the next report of the route. */
  tap(): void {
    const { teamId } = this.credentials;
    const stationId = this.stationIds[Math.floor(this.#step / 5) % this.stationIds.length]!;
    const occurredAt = new Date().toISOString();
    const position = { lat: 42.87 + Math.random() / 100, lng: 74.6 + Math.random() / 100 };
    const base = { id: randomUUID(), teamId, occurredAt };
    const kinds = [
      { ...base, type: 'arrival', stationId },
      { ...base, type: 'position', position, stationId },
      {
        ...base,
        type: 'finding',
        stationId,
        category: 'ballot_stuffing',
        severity: 'minor',
        text: `Seen at step ${this.#step}`,
      },
      { ...base, type: 'position', position },
      { ...base, type: 'departure', stationId },
    ];
    const event = kinds[this.#step % kinds.length] as EventInput;
    this.#step++;
    this.made.push(event.id);
    void this.outbox.enqueue([{ kind: 'event', event }]);
  }
}

export class PhoneFleet {
  readonly phones: SimulatedPhone[] = [];
  /** Event id → seq, for every event the server acknowledged (stored or duplicate). */
  readonly acknowledged = new Map<string, number>();
  readonly failures: FailedAttempt[] = [];
  /** Every retry delay the outboxes scheduled, in real (unscaled) milliseconds. */
  readonly retryDelaysMs: number[] = [];
  #ticker: ReturnType<typeof setInterval> | null = null;

  /**
   * `timeScale` shrinks the outbox's waits (its 2 s first retry, a 5 s Retry-After) so a test stays short; the delays
   * the outbox asked for are recorded unscaled.
   */
  constructor(phones: PhoneCredentials[], stationIds: string[], origins: string[], timeScale = 0.2) {
    phones.forEach((credentials, i) => {
      // Each team walks its own stations, so two teams' visits never clash.
      const own = stationIds.filter((_, k) => k % phones.length === i);
      this.phones.push(new SimulatedPhone(credentials, own.length > 0 ? own : stationIds, origins, this, timeScale));
    });
  }

  /** Every phone taps once every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.#ticker = setInterval(() => {
      for (const phone of this.phones) phone.tap();
    }, intervalMs);
  }

  stop(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
  }

  get made(): string[] {
    return this.phones.flatMap((p) => p.made);
  }

  pending(): number {
    return this.phones.reduce((n, p) => n + p.store.pending(), 0);
  }

  /** Retries at once (as the phone does when it comes back online) and waits until every outbox is empty. */
  async settled(timeoutMs: number): Promise<void> {
    for (const phone of this.phones) phone.outbox.retryNow();
    await waitFor(() => this.pending() === 0, timeoutMs, `every phone's outbox to empty (${this.pending()} waiting)`);
  }

  rejected(): OutboxItem[] {
    return this.phones.flatMap((p) => p.store.rejected());
  }

  close(): void {
    this.stop();
    for (const phone of this.phones) phone.outbox.stop();
  }
}
