/** Conflicting reports for coordinators to resolve (the read model kept by conflicts.projection.ts). */
import type { Db } from '../../../db/client';
import type { Conflict, ConflictsReply } from '../../../shared/schemas/conflicts';
import { readHead } from '../log/head';
import { listConflicts, type ConflictRow } from './conflicts.repository';

export function toConflict(row: ConflictRow): Conflict {
  return {
    id: row.id,
    stationId: row.stationId,
    phase: row.phase,
    kind: row.kind,
    questionId: row.questionId === '' ? null : row.questionId,
    reports: row.reports,
    status: row.status,
    raisedAt: row.raisedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolutionNote: row.resolutionNote,
    updatedSeq: row.updatedSeq,
  };
}

export function createConflictsService(db: Db) {
  async function list(missionId: string, status: 'open' | 'resolved' | 'all' = 'open'): Promise<ConflictsReply> {
    const [rows, head] = await Promise.all([listConflicts(db, missionId, status), readHead(db, missionId)]);
    return { conflicts: rows.map(toConflict), head };
  }
  return { list };
}
