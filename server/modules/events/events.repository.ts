/** SQL for the event log. Callers hold the transaction; nothing here decides rules. */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { events, missions } from '../../../db/schema/index';
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

/**
 * Locks the mission's log head for the rest of the transaction. Holding this lock until commit is what makes sequence
 * numbers gapless and visible in order: no other writer of this mission can take a number until we commit or roll back.
 */
export async function lockHead(tx: Tx, missionId: string): Promise<{ lastSeq: number; lastHash: string } | undefined> {
  const [head] = await tx
    .select({ lastSeq: missions.lastSeq, lastHash: missions.lastHash })
    .from(missions)
    .where(eq(missions.id, missionId))
    .for('update');
  return head;
}

export async function saveHead(tx: Tx, missionId: string, lastSeq: number, lastHash: string): Promise<void> {
  await tx.update(missions).set({ lastSeq, lastHash }).where(eq(missions.id, missionId));
}

export async function readHead(db: Reader, missionId: string): Promise<number> {
  const [head] = await db.select({ lastSeq: missions.lastSeq }).from(missions).where(eq(missions.id, missionId));
  return head?.lastSeq ?? 0;
}

/** Sequence numbers of already stored events among `ids`, for idempotent resubmission. */
export async function findStoredSeqs(tx: Reader, missionId: string, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select({ id: events.id, seq: events.seq })
    .from(events)
    .where(and(eq(events.missionId, missionId), inArray(events.id, ids)));
  return new Map(rows.map((r) => [r.id, r.seq]));
}

export async function insertEvents(tx: Tx, rows: EventRow[]): Promise<void> {
  if (rows.length > 0) await tx.insert(events).values(rows);
}

export async function listEventsAfter(db: Reader, missionId: string, after: number, limit: number): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.missionId, missionId), gt(events.seq, after)))
    .orderBy(asc(events.seq))
    .limit(limit);
}

export async function countEvents(db: Reader, missionId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(events).where(eq(events.missionId, missionId));
  return row?.n ?? 0;
}
