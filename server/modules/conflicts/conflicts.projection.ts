/**
 * The conflicts read model, kept by the projector inside the ingest transaction: each stored checklist re-judges its
 * station and phase (conflict-rules.ts); `conflict_resolved` closes a conflict with a note.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { inList } from '../../../db/in-list';
import { conflicts, events } from '../../../db/schema/index';
import type { EventInput, EventInputOf, Phase } from '../../../shared/schemas/events';
import {
  findConflicts,
  findProtocolConflict,
  type ChecklistReport,
  type FoundConflict,
  type ProtocolReport,
} from './conflict-rules';

type ConflictRow = typeof conflicts.$inferSelect;
const keyOf = (stationId: string, phase: Phase, questionId: string) => `${stationId}|${phase}|${questionId}`;

export type ResolveVerdict = { ok: true; stationId: string } | { ok: false; field: string; error: string };

export class ConflictBatch {
  readonly #missionId: string;
  /** Checklists of the stations this batch's checklists name, per station and phase. */
  readonly #reports = new Map<string, ChecklistReport[]>();
  /** Results protocols of the stations this batch's protocols name, per station and contest. */
  readonly #protocols = new Map<string, ProtocolReport[]>();
  readonly #rows = new Map<string, ConflictRow>();
  readonly #byId = new Map<string, ConflictRow>();
  readonly #dirty = new Set<string>();
  readonly #created = new Set<string>();

  private constructor(missionId: string) {
    this.#missionId = missionId;
  }

  static async load(tx: Tx, missionId: string, batch: EventInput[]): Promise<ConflictBatch> {
    const self = new ConflictBatch(missionId);
    const stationIds = [
      ...new Set(batch.flatMap((e) => (e.type === 'checklist' || e.type === 'results_protocol' ? [e.stationId] : []))),
    ];
    const conflictIds = [...new Set(batch.flatMap((e) => (e.type === 'conflict_resolved' ? [e.conflictId] : [])))];
    const [earlier, byStation, byId] = await Promise.all([
      stationIds.length
        ? tx
            .select({
              id: events.id,
              type: events.type,
              teamId: events.teamId,
              stationId: events.stationId,
              occurredAt: events.occurredAt,
              payload: events.payload,
            })
            .from(events)
            .where(
              and(
                eq(events.missionId, missionId),
                inArray(events.type, ['checklist', 'results_protocol']),
                inList(events.stationId, stationIds, 'uuid'),
              ),
            )
        : [],
      stationIds.length
        ? tx
            .select()
            .from(conflicts)
            .where(and(eq(conflicts.missionId, missionId), inList(conflicts.stationId, stationIds, 'uuid')))
        : [],
      conflictIds.length
        ? tx
            .select()
            .from(conflicts)
            .where(and(eq(conflicts.missionId, missionId), inList(conflicts.id, conflictIds, 'uuid')))
        : [],
    ]);
    for (const row of earlier) {
      if (row.type === 'results_protocol') {
        const p = row.payload as Pick<ProtocolReport, 'contestId' | 'figures' | 'votes'>;
        self.#addProtocol(row.stationId!, {
          eventId: row.id,
          teamId: row.teamId!,
          contestId: p.contestId,
          figures: p.figures,
          votes: p.votes,
          at: row.occurredAt.toISOString(),
        });
        continue;
      }
      const payload = row.payload as {
        phase: Phase;
        assessment: ChecklistReport['assessment'];
        answers: Record<string, unknown>;
      };
      self.#add(row.stationId!, {
        eventId: row.id,
        teamId: row.teamId!,
        phase: payload.phase,
        assessment: payload.assessment,
        answers: payload.answers,
        at: row.occurredAt.toISOString(),
      });
    }
    for (const row of [...byStation, ...byId]) {
      self.#rows.set(keyOf(row.stationId, row.phase, row.questionId), row);
      self.#byId.set(row.id, row);
    }
    return self;
  }

  #add(stationId: string, report: ChecklistReport): ChecklistReport[] {
    const key = `${stationId}|${report.phase}`;
    const list = this.#reports.get(key) ?? [];
    list.push(report);
    this.#reports.set(key, list);
    return list;
  }

  #addProtocol(stationId: string, report: ProtocolReport): ProtocolReport[] {
    const key = `${stationId}|${report.contestId}`;
    const list = this.#protocols.get(key) ?? [];
    list.push(report);
    this.#protocols.set(key, list);
    return list;
  }

  /** A results protocol was stored: compare each team's latest for its station and contest again. */
  noteProtocol(event: EventInputOf<'results_protocol'>, at: Date, seq: number): void {
    const reports = this.#addProtocol(event.stationId, {
      eventId: event.id,
      teamId: event.teamId,
      contestId: event.contestId,
      figures: event.figures,
      votes: event.votes,
      at: at.toISOString(),
    });
    const found = findProtocolConflict(reports);
    if (found) this.#raise(event.stationId, 'closing', found, event.id, at, seq);
  }

  /** Raises a new conflict, or updates (and reopens) the one on the same subject when this event takes part in it. */
  #raise(stationId: string, phase: Phase, found: FoundConflict, eventId: string, at: Date, seq: number): void {
    const key = keyOf(stationId, phase, found.questionId);
    const row = this.#rows.get(key);
    const involvesThis = found.reports.some((r) => r.eventId === eventId);
    if (!row) {
      const created: ConflictRow = {
        id: randomUUID(),
        missionId: this.#missionId,
        stationId,
        phase,
        kind: found.kind,
        questionId: found.questionId,
        reports: found.reports,
        status: 'open',
        raisedAt: at,
        resolvedAt: null,
        resolutionNote: null,
        updatedSeq: seq,
      };
      this.#rows.set(key, created);
      this.#byId.set(created.id, created);
      this.#created.add(created.id);
      this.#dirty.add(created.id);
      return;
    }
    if (!involvesThis) return; // a late report that changes nothing current
    row.reports = found.reports;
    row.updatedSeq = seq;
    if (row.status === 'resolved') {
      // The contradiction stands with news after the resolution: it is open again.
      row.status = 'open';
      row.raisedAt = at;
      row.resolvedAt = null;
      row.resolutionNote = null;
    }
    this.#dirty.add(row.id);
  }

  /** A checklist was stored: judge its station and phase again, raising, updating or reopening conflicts. */
  noteChecklist(event: EventInputOf<'checklist'>, at: Date, seq: number): void {
    const reports = this.#add(event.stationId, {
      eventId: event.id,
      teamId: event.teamId,
      phase: event.phase,
      assessment: event.assessment,
      answers: event.answers,
      at: at.toISOString(),
    });
    for (const found of findConflicts(reports)) this.#raise(event.stationId, event.phase, found, event.id, at, seq);
  }

  resolve(event: EventInputOf<'conflict_resolved'>, at: Date, seq: number): ResolveVerdict {
    const row = this.#byId.get(event.conflictId);
    if (!row) return { ok: false, field: '/conflictId', error: 'no such conflict in this mission' };
    if (row.status === 'resolved')
      return { ok: false, field: '/conflictId', error: 'the conflict is already resolved' };
    row.status = 'resolved';
    row.resolvedAt = at;
    row.resolutionNote = event.note;
    row.updatedSeq = seq;
    this.#dirty.add(row.id);
    return { ok: true, stationId: row.stationId };
  }

  /** New rows and updates of older ones, sent together (the group commit queues COMMIT once its writes are sent). */
  async flush(tx: Tx): Promise<void> {
    const created = [...this.#created].map((id) => this.#byId.get(id)!);
    await Promise.all([
      ...(created.length ? [tx.insert(conflicts).values(created)] : []),
      ...[...this.#dirty]
        .filter((id) => !this.#created.has(id))
        .map((id) => {
          const { id: _id, missionId, ...row } = this.#byId.get(id)!;
          return tx
            .update(conflicts)
            .set(row)
            .where(and(eq(conflicts.missionId, missionId), eq(conflicts.id, id)));
        }),
    ]);
  }
}
