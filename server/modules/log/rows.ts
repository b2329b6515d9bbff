/** The event log's rows: reading them in order, counting them, and turning one into the wire's StoredEvent. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { events } from '../../../db/schema/index';
import type { StoredEvent } from '../../../shared/schemas/events';

export type EventRow = typeof events.$inferSelect;
type Reader = Db | Tx;

/** Envelope columns; everything else an event carries lives in `payload`. */
const ENVELOPE_KEYS = new Set(['id', 'type', 'teamId', 'stationId', 'occurredAt']);

export function payloadOf(event: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([key]) => !ENVELOPE_KEYS.has(key)));
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    ...row.payload,
    id: row.id,
    type: row.type,
    teamId: row.teamId,
    stationId: row.stationId,
    occurredAt: row.occurredAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    seq: row.seq,
    actor: row.actor,
  } as StoredEvent;
}

export async function listEventsAfter(
  db: Reader,
  missionId: string,
  after: number,
  limit: number,
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.missionId, missionId), gt(events.seq, after)))
    .orderBy(asc(events.seq))
    .limit(limit);
}

export async function countEvents(db: Reader, missionId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(events)
    .where(eq(events.missionId, missionId));
  return row?.n ?? 0;
}
