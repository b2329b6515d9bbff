/**
 * Ingest: validate → store → answer → publish.
 *
 * Requests for one mission queue up on this instance and are written together (group commit): while one transaction
 * holds the mission's log head, everything that arrives meanwhile waits and goes into the next transaction. Under load
 * that turns many small transactions, all serialised on the same lock anyway, into a few large ones; at rest a request
 * is written alone, at once. Each request still gets its own results, and its answer only after its commit.
 * Publication happens only after commit: the database is the truth, the fan-out only news of it.
 */
import type { Database, Tx } from '../../../db/client';
import type { EventInput, EventResult, EventsPage, StoredEvent } from '../../../shared/schemas/events';
import type { StatusPatch } from '../../../shared/realtime';
import type { InboxItem } from '../../../shared/schemas/messages';
import type { Principal } from '../auth/principal';
import { isDatabaseUnavailable } from '../../errors';
import { eventHash } from '../log/hash-chain';
import { reportableId, validateEvent, type Validated } from './event-validation';
import { lockHead, readHead, saveHead } from '../log/head';
import { listEventsAfter, payloadOf, toStoredEvent, type EventRow } from '../log/rows';
import { findStoredSeqs, insertEvents } from './events.repository';
import { attachStations } from '../messages/messages.service';
import { ReadModelBatch } from './projector';

/** Receives what was just committed; the realtime layer implements it. */
export interface EventPublisher {
  /** `deliveries`: items the events put in teams' inboxes (messages, notices), for those teams' phones. */
  publish(missionId: string, events: StoredEvent[], patch: StatusPatch, deliveries: InboxItem[]): void;
}

export interface IngestOutcome {
  results: EventResult[];
  stored: StoredEvent[];
}

/** Upper bound on the events one group-commit transaction takes, so a burst never makes one huge transaction. */
const MAX_EVENTS_PER_TRANSACTION = 2000;

/** Events only a server module records, alongside rows it writes itself; why a client may not post each. */
const INTERNAL_EVENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['official_results_imported', 'official_results_imported is recorded by the official results import only'],
]);

interface Job {
  principal: Principal;
  /** Written by a service of the server with rows of its own (ingestWithin), not posted by a client. */
  internal?: boolean;
  receivedAt: Date;
  checked: { id: string | null; validation: Validated }[];
  settle: (outcome: IngestOutcome) => void;
  fail: (error: unknown) => void;
}

/** One mission's group commit on this instance. */
interface MissionQueue {
  jobs: Job[];
  /** A batch is taking the head lock, reading or writing: the next one waits until it has sent its commit. */
  writing: boolean;
  /** Batches started and not yet settled. */
  open: number;
  /** Settles once the last started batch has published: publications leave in commit order. */
  published: Promise<void>;
}

export function createEventsService(
  database: Pick<Database, 'db' | 'pipelinedTransaction'>,
  publisher: EventPublisher,
  clock: () => Date = () => new Date(),
) {
  const { db } = database;
  const queues = new Map<string, MissionQueue>();

  function ingest(principal: Principal, rawEvents: unknown[]): Promise<IngestOutcome> {
    const receivedAt = clock();
    const checked = rawEvents.map((raw) => ({ id: reportableId(raw), validation: validateEvent(raw, receivedAt) }));
    return new Promise((settle, fail) => {
      const { missionId } = principal;
      let queue = queues.get(missionId);
      if (!queue) {
        queue = { jobs: [], writing: false, open: 0, published: Promise.resolve() };
        queues.set(missionId, queue);
      }
      queue.jobs.push({ principal, receivedAt, checked, settle, fail });
      pump(missionId, queue);
    });
  }

  /**
   * Records `rawEvents` in the same transaction as `write` (rows a service keeps outside the read models, such as an
   * import's), then publishes them. `write` runs before the log head is locked, so a long write does not hold up
   * ingest on other instances; an event that is not stored rolls everything back.
   */
  async function ingestWithin(
    principal: Principal,
    rawEvents: unknown[],
    write: { before: (tx: Tx) => Promise<void>; after: (tx: Tx, stored: readonly StoredEvent[]) => Promise<void> },
  ): Promise<IngestOutcome> {
    const receivedAt = clock();
    const checked = rawEvents.map((raw) => ({ id: reportableId(raw), validation: validateEvent(raw, receivedAt) }));
    const job: Job = { principal, internal: true, receivedAt, checked, settle: () => {}, fail: () => {} };
    const missionId = principal.missionId;
    const { perJob, patch, deliveries } = await db.transaction(async (tx) => {
      await write.before(tx);
      const { writes, ...written } = await writeBatch(tx, missionId, [job]);
      const deliveries = await writes;
      const refused = written.perJob[0]!.results.find((r) => r.status !== 'stored');
      if (refused) throw new Error(`the log refused ${refused.id ?? 'an event'}: ${refused.error ?? refused.status}`);
      await write.after(tx, written.perJob[0]!.rows.map(toStoredEvent));
      return { ...written, deliveries };
    });
    const stored = perJob[0]!.rows.map(toStoredEvent);
    if (stored.length > 0) publisher.publish(missionId, stored, patch, deliveries);
    return { results: perJob[0]!.results, stored };
  }

  /**
   * Starts the mission's next batch unless one is still before its commit. A batch lets the next one start as soon as
   * it has sent its writes: while it commits (the fsync), the next one already begins and asks for the head lock on
   * another connection, and Postgres hands the lock over the moment the commit is durable; the head is read only then.
   * So at most two transactions per mission are open, one committing and one waiting for the lock or writing.
   */
  function pump(missionId: string, queue: MissionQueue): void {
    if (queue.writing) return;
    if (queue.jobs.length === 0) {
      if (queue.open === 0) queues.delete(missionId);
      return;
    }
    const batch = takeBatch(queue.jobs);
    const previous = queue.published;
    let published!: () => void;
    queue.published = new Promise<void>((resolve) => (published = resolve));
    queue.writing = true;
    queue.open++;
    let committed = false;
    // Once per batch: after that, `writing` belongs to the next batch.
    const committing = () => {
      if (committed) return;
      committed = true;
      queue.writing = false;
      pump(missionId, queue);
    };
    void writeWithFallback(missionId, batch, previous, committing).finally(() => {
      published();
      queue.open--;
      committing();
      pump(missionId, queue);
    });
  }

  async function writeWithFallback(
    missionId: string,
    batch: Job[],
    previous: Promise<void>,
    committing: () => void,
  ): Promise<void> {
    try {
      await writeAndPublish(missionId, batch, previous, committing);
    } catch (error) {
      if (batch.length > 1 && !isDatabaseUnavailable(error)) {
        // Something in one request broke the shared transaction: write each alone so only that one fails.
        for (const job of batch) await writeAndPublish(missionId, [job], previous, () => {}).catch(job.fail);
      } else {
        for (const job of batch) job.fail(error);
      }
    }
  }

  function takeBatch(queue: Job[]): Job[] {
    const batch: Job[] = [queue.shift()!];
    let events = batch[0]!.checked.length;
    while (queue.length > 0 && events + queue[0]!.checked.length <= MAX_EVENTS_PER_TRANSACTION) {
      const next = queue.shift()!;
      events += next.checked.length;
      batch.push(next);
    }
    return batch;
  }

  async function writeAndPublish(
    missionId: string,
    batch: Job[],
    previous: Promise<void>,
    committing: () => void,
  ): Promise<void> {
    const { perJob, patch, writes } = await database.pipelinedTransaction(async (tx) => {
      const written = await writeBatch(tx, missionId, batch);
      committing();
      return { value: written, writes: written.writes };
    });
    const deliveries = await writes;
    const storedPerJob = perJob.map(({ rows }) => rows.map(toStoredEvent));
    // Settle before publishing: a phone's answer must never wait on the fan-out.
    batch.forEach((job, i) => job.settle({ results: perJob[i]!.results, stored: storedPerJob[i]! }));
    const stored = storedPerJob.flat();
    await previous;
    if (stored.length > 0) publisher.publish(missionId, stored, patch, deliveries);
  }

  async function writeBatch(tx: Tx, missionId: string, batch: Job[]) {
    const allChecked = batch.flatMap((job) => job.checked);
    const valid = allChecked.flatMap((c) => (c.validation.ok ? [c.validation.event] : [])) as EventInput[];
    // Sent together, pipelined on the transaction's connection: Postgres runs them in order, so the reads start only
    // once the head lock is held and see everything committed before it; one round trip instead of three.
    const [head, storedSeqs, readModels] = await Promise.all([
      lockHead(tx, missionId),
      findStoredSeqs(
        tx,
        missionId,
        allChecked.flatMap((c) => (c.id ? [c.id] : [])),
      ),
      ReadModelBatch.load(tx, missionId, valid),
    ]);
    if (!head) throw new Error(`mission ${missionId} has no log head`);
    const rows: EventRow[] = [];
    let { lastSeq, lastHash } = head;

    const perJob: { results: EventResult[]; rows: EventRow[] }[] = [];
    for (const job of batch) {
      const results: EventResult[] = [];
      const jobRows: EventRow[] = [];
      for (const { id, validation } of job.checked) {
        const earlier = id ? storedSeqs.get(id) : undefined;
        if (earlier !== undefined) {
          results.push({ id, status: 'duplicate', seq: earlier });
          continue;
        }
        if (!validation.ok) {
          results.push({ id, status: 'rejected', error: validation.error, field: validation.field });
          continue;
        }
        const event = validation.event;
        if (INTERNAL_EVENT_TYPES.has(event.type) && !job.internal) {
          results.push({
            id: event.id,
            status: 'rejected',
            error: INTERNAL_EVENT_TYPES.get(event.type),
            field: '/type',
          });
          continue;
        }
        const applied = readModels.apply(job.principal, event, lastSeq + 1);
        if (!applied.ok) {
          results.push({ id: event.id, status: 'rejected', error: applied.error, field: applied.field });
          continue;
        }
        const row: EventRow = {
          missionId,
          seq: lastSeq + 1,
          id: event.id,
          type: event.type,
          teamId: applied.teamId,
          stationId: applied.stationId,
          occurredAt: new Date(event.occurredAt),
          receivedAt: job.receivedAt,
          actor: {
            role: job.principal.role === 'team' ? 'team' : 'coordinator',
            id: job.principal.teamId ?? job.principal.coordinatorId ?? '',
            name: job.principal.name,
          },
          payload: payloadOf(event),
          prevHash: lastHash,
          hash: '',
        };
        row.hash = eventHash(row);
        rows.push(row);
        jobRows.push(row);
        lastSeq = row.seq;
        lastHash = row.hash;
        storedSeqs.set(event.id, row.seq);
        results.push({ id: event.id, status: 'stored', seq: row.seq });
      }
      perJob.push({ results, rows: jobRows });
    }

    // Sent together, not awaited here: no write depends on another's answer, and any failure rolls back all of them.
    // The deliveries' stations are read in the same round trip; a failure there fails the batch too, which the phones
    // then send again.
    const writes = Promise.all([
      attachStations(tx, missionId, readModels.deliveries()),
      ...(rows.length > 0
        ? [insertEvents(tx, rows), readModels.flush(tx), saveHead(tx, missionId, lastSeq, lastHash)]
        : []),
    ]).then(([deliveries]) => deliveries);
    return { perJob, patch: readModels.patch(), writes };
  }

  async function listAfter(missionId: string, after: number, limit: number): Promise<EventsPage> {
    const [rows, head] = await Promise.all([listEventsAfter(db, missionId, after, limit), readHead(db, missionId)]);
    return { events: rows.map(toStoredEvent), head };
  }

  return { ingest, ingestWithin, listAfter, head: (missionId: string) => readHead(db, missionId) };
}

export type EventsService = ReturnType<typeof createEventsService>;
