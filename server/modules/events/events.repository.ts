/** SQL for the event log. Callers hold the transaction; nothing here decides rules. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
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
  // The ids travel as one JSON parameter: building one bound parameter per id costs more than the query itself.
  const rows = await tx
    .select({ id: events.id, seq: events.seq })
    .from(events)
    .where(and(eq(events.missionId, missionId), sql`${events.id} in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`));
  return new Map(rows.map((r) => [r.id, r.seq]));
}

/**
 * One statement for the whole batch, its rows as one JSON parameter: a group commit writes up to 2,000 events, and
 * the query builder's cost per bound value (12 per row) was the largest share of ingest CPU.
 */
export async function insertEvents(tx: Tx, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      mission_id: r.missionId,
      seq: r.seq,
      id: r.id,
      type: r.type,
      team_id: r.teamId,
      station_id: r.stationId,
      occurred_at: r.occurredAt.toISOString(),
      received_at: r.receivedAt.toISOString(),
      actor: r.actor,
      payload: r.payload,
      prev_hash: r.prevHash,
      hash: r.hash,
    })),
  );
  await tx.execute(sql`
    insert into ${events} (mission_id, seq, id, type, team_id, station_id, occurred_at, received_at, actor, payload, prev_hash, hash)
    select mission_id, seq, id, type, team_id, station_id, occurred_at, received_at, actor, payload, prev_hash, hash
    from jsonb_to_recordset(${json}::jsonb) as r(mission_id uuid, seq bigint, id uuid, type text, team_id uuid, station_id uuid,
      occurred_at timestamptz, received_at timestamptz, actor jsonb, payload jsonb, prev_hash text, hash text)`);
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
