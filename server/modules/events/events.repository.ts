/** SQL for writing the event log (ingest). Callers hold the transaction; nothing here decides rules. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { events } from '../../../db/schema/index';
import type { EventRow } from '../log/rows';

type Reader = Db | Tx;

/** Sequence numbers of already stored events among `ids`, for idempotent resubmission. */
export async function findStoredSeqs(tx: Reader, missionId: string, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  // The ids travel as one JSON parameter: building one bound parameter per id costs more than the query itself.
  const rows = await tx
    .select({ id: events.id, seq: events.seq })
    .from(events)
    .where(
      and(
        eq(events.missionId, missionId),
        sql`${events.id} in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
      ),
    );
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
