/** SQL for the conflicts read model's readers. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { conflicts } from '../../../db/schema/index';

export type ConflictRow = typeof conflicts.$inferSelect;

export async function listConflicts(
  db: Db | Tx,
  missionId: string,
  status: 'open' | 'resolved' | 'all',
): Promise<ConflictRow[]> {
  const filter =
    status === 'all'
      ? eq(conflicts.missionId, missionId)
      : and(eq(conflicts.missionId, missionId), eq(conflicts.status, status));
  // Oldest first; one checklist can raise several at once: then by station, phase, and the assessment before answers.
  return db
    .select()
    .from(conflicts)
    .where(filter)
    .orderBy(asc(conflicts.raisedAt), asc(conflicts.stationId), asc(conflicts.phase), asc(conflicts.questionId));
}
