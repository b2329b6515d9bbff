/**
 * The head of a mission's event log (its last sequence number and hash, kept on the mission's row). Every area that
 * answers with a head reads it here; only ingest locks and moves it.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { missions } from '../../../db/schema/index';

type Reader = Db | Tx;

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

/** The recorded head with its hash, for the verifier; undefined when there is no such mission. */
export async function readHeadWithHash(
  db: Reader,
  missionId: string,
): Promise<{ lastSeq: number; lastHash: string } | undefined> {
  const [head] = await db
    .select({ lastSeq: missions.lastSeq, lastHash: missions.lastHash })
    .from(missions)
    .where(eq(missions.id, missionId));
  return head;
}

/** Every mission's id, oldest first: the logs there are to verify. */
export async function listLogIds(db: Reader): Promise<string[]> {
  const rows = await db.select({ id: missions.id }).from(missions).orderBy(asc(missions.createdAt));
  return rows.map((r) => r.id);
}
