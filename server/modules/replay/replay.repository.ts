/** SQL for the replay of the day: which event a moment ends at, the log's events, and the stored snapshots. */
import { and, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { coordinators, events, replaySnapshots, wallReplays } from '../../../db/schema/index';

/** The last event received by `at` (0 when none was), with its hash. */
export async function lastEventBy(db: Db, missionId: string, at: Date): Promise<{ seq: number; hash: string | null }> {
  const [row] = await db
    .select({ seq: events.seq, hash: events.hash })
    .from(events)
    .where(
      and(
        eq(events.missionId, missionId),
        eq(
          events.seq,
          sql`(select coalesce(max(${events.seq}), 0) from ${events} where ${events.missionId} = ${missionId} and ${events.receivedAt} <= ${at.toISOString()})`,
        ),
      ),
    );
  return row ?? { seq: 0, hash: null };
}

export async function hashAt(db: Db, missionId: string, seq: number): Promise<string | null> {
  const [row] = await db
    .select({ hash: events.hash })
    .from(events)
    .where(and(eq(events.missionId, missionId), eq(events.seq, seq)));
  return row?.hash ?? null;
}

/** The newest snapshot at or before `seq` that still matches the log (a wiped drill's snapshots never do). */
export async function nearestSnapshotSeq(db: Db, missionId: string, seq: number): Promise<number | null> {
  const [row] = await db
    .select({ seq: replaySnapshots.seq })
    .from(replaySnapshots)
    .innerJoin(
      events,
      and(
        eq(events.missionId, replaySnapshots.missionId),
        eq(events.seq, replaySnapshots.seq),
        eq(events.hash, replaySnapshots.hash),
      ),
    )
    .where(and(eq(replaySnapshots.missionId, missionId), lte(replaySnapshots.seq, seq)))
    .orderBy(desc(replaySnapshots.seq))
    .limit(1);
  return row?.seq ?? null;
}

export async function readSnapshot(db: Db, missionId: string, seq: number): Promise<string | undefined> {
  const [row] = await db
    .select({ state: replaySnapshots.state })
    .from(replaySnapshots)
    .where(and(eq(replaySnapshots.missionId, missionId), eq(replaySnapshots.seq, seq)));
  return row?.state;
}

/** Stores a snapshot; one taken of a log since wiped is replaced. */
export async function saveSnapshot(db: Db, missionId: string, seq: number, hash: string, state: string): Promise<void> {
  await db
    .insert(replaySnapshots)
    .values({ missionId, seq, hash, state })
    .onConflictDoUpdate({ target: [replaySnapshots.missionId, replaySnapshots.seq], set: { hash, state } });
}

export type WallReplayRow = typeof wallReplays.$inferSelect;

/** The moment on the mission's walls, if one was put there (its lease may have run out: compare `expiresAt`). */
export async function readWallReplay(db: Db, missionId: string): Promise<WallReplayRow | undefined> {
  const [row] = await db.select().from(wallReplays).where(eq(wallReplays.missionId, missionId));
  return row;
}

/** The same with the username of the coordinator who put it there (null once the account is gone). */
export async function readWallReplayWithStarter(
  db: Db,
  missionId: string,
): Promise<(WallReplayRow & { starter: string | null }) | undefined> {
  const [row] = await db
    .select({
      missionId: wallReplays.missionId,
      at: wallReplays.at,
      expiresAt: wallReplays.expiresAt,
      startedBy: wallReplays.startedBy,
      startedAt: wallReplays.startedAt,
      starter: coordinators.username,
    })
    .from(wallReplays)
    .leftJoin(coordinators, eq(coordinators.id, wallReplays.startedBy))
    .where(eq(wallReplays.missionId, missionId));
  return row;
}

/**
 * Extends the lease of the moment on the walls if it is still `at` and has not run out; false otherwise (a new moment,
 * or the walls went live meanwhile), so the caller sends the whole moment. One statement: two instances renewing or
 * replacing at once never both take it for a renewal of a moment that is gone.
 */
export async function renewWallReplay(
  db: Db,
  missionId: string,
  at: Date,
  now: Date,
  expiresAt: Date,
): Promise<boolean> {
  const renewed = await db
    .update(wallReplays)
    .set({ expiresAt })
    .where(and(eq(wallReplays.missionId, missionId), eq(wallReplays.at, at), gt(wallReplays.expiresAt, now)))
    .returning({ missionId: wallReplays.missionId });
  return renewed.length > 0;
}

export async function saveWallReplay(db: Db, row: WallReplayRow): Promise<void> {
  const { missionId, ...rest } = row;
  await db.insert(wallReplays).values(row).onConflictDoUpdate({ target: wallReplays.missionId, set: rest });
}

export async function deleteWallReplay(db: Db, missionId: string): Promise<void> {
  await db.delete(wallReplays).where(eq(wallReplays.missionId, missionId));
}
