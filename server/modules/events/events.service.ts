/**
 * Ingest: validate → store (one transaction per batch, gapless sequence, hash chain, read models) → answer → publish.
 * Publication happens only after commit: the database is the truth, the fan-out only news of it.
 */
import type { Db } from '../../../db/client';
import type { EventResult, EventsPage, StoredEvent } from '../../../shared/schemas/events';
import type { StatusPatch } from '../../../shared/realtime';
import type { Principal } from '../auth/principal';
import { readStationStatuses } from '../stations/stations.repository';
import { readTeamStatuses } from '../teams/teams.repository';
import { eventHash } from './hash-chain';
import { reportableId, validateEvent } from './event-validation';
import {
  findStoredSeqs,
  insertEvents,
  listEventsAfter,
  lockHead,
  payloadOf,
  readHead,
  saveHead,
  toStoredEvent,
  type EventRow,
} from './events.repository';
import { applyEvent, type Touched } from './projector';

/** Receives what was just committed; the realtime layer implements it. */
export interface EventPublisher {
  publish(missionId: string, events: StoredEvent[], patch: StatusPatch): void;
}

export interface IngestOutcome {
  results: EventResult[];
  stored: StoredEvent[];
}

export function createEventsService(db: Db, publisher: EventPublisher, clock: () => Date = () => new Date()) {
  async function ingest(principal: Principal, rawEvents: unknown[]): Promise<IngestOutcome> {
    const receivedAt = clock();
    const checked = rawEvents.map((raw) => ({ id: reportableId(raw), validation: validateEvent(raw, receivedAt) }));
    const missionId = principal.missionId;

    const { results, rows, patch } = await db.transaction(async (tx) => {
      const head = await lockHead(tx, missionId);
      if (!head) throw new Error(`mission ${missionId} has no log head`);
      const knownIds = checked.flatMap((c) => (c.id ? [c.id] : []));
      const storedSeqs = await findStoredSeqs(tx, missionId, knownIds);
      const touched: Touched = { stations: new Set(), teams: new Set() };
      const results: EventResult[] = [];
      const rows: EventRow[] = [];
      let { lastSeq, lastHash } = head;

      for (const { id, validation } of checked) {
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
        const applied = await applyEvent(tx, principal, event, lastSeq + 1, touched);
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
          receivedAt,
          actor: {
            role: principal.role === 'team' ? 'team' : 'coordinator',
            id: principal.teamId ?? principal.coordinatorId ?? '',
            name: principal.name,
          },
          payload: payloadOf(event),
          prevHash: lastHash,
          hash: '',
        };
        row.hash = eventHash(row);
        rows.push(row);
        lastSeq = row.seq;
        lastHash = row.hash;
        storedSeqs.set(event.id, row.seq);
        results.push({ id: event.id, status: 'stored', seq: row.seq });
      }

      if (rows.length > 0) {
        await insertEvents(tx, rows);
        await saveHead(tx, missionId, lastSeq, lastHash);
      }
      const patch: StatusPatch = {
        stations: await readStationStatuses(tx, [...touched.stations]),
        teams: await readTeamStatuses(tx, [...touched.teams]),
      };
      return { results, rows, patch };
    });

    const stored = rows.map(toStoredEvent);
    if (stored.length > 0) publisher.publish(missionId, stored, patch);
    return { results, stored };
  }

  async function listAfter(missionId: string, after: number, limit: number): Promise<EventsPage> {
    const [rows, head] = await Promise.all([listEventsAfter(db, missionId, after, limit), readHead(db, missionId)]);
    return { events: rows.map(toStoredEvent), head };
  }

  return { ingest, listAfter, head: (missionId: string) => readHead(db, missionId) };
}

export type EventsService = ReturnType<typeof createEventsService>;
