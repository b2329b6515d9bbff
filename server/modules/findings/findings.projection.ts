/**
 * The findings read model within one ingest batch: new findings and coordinators' triage, and each touched station's
 * count of open findings and the worst of them (through the station status batch).
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { findings } from '../../../db/schema/index';
import type { EventInputOf, Severity } from '../../../shared/schemas/events';
import type { StationStatusBatch } from '../stations/station-status.projection';

export type FindingRow = typeof findings.$inferSelect;
export type FindingVerdict = { ok: true; stationId: string | null } | { ok: false; field: string; error: string };

export class FindingBatch {
  readonly #missionId: string;
  readonly #stations: StationStatusBatch;
  readonly #rows = new Map<string, FindingRow>();
  /** Open findings per station, for the stations whose findings this batch can change. */
  readonly #openByStation: Map<string, Map<string, Severity>>;
  readonly #dirty = new Set<string>();
  readonly #created = new Set<string>();

  /**
   * `rows`: the findings the batch triages. `openByStation`: for every station whose findings the batch can change,
   * its open findings (an empty map when it has none).
   */
  constructor(
    missionId: string,
    rows: readonly FindingRow[],
    openByStation: Map<string, Map<string, Severity>>,
    stations: StationStatusBatch,
  ) {
    this.#missionId = missionId;
    this.#stations = stations;
    this.#openByStation = openByStation;
    for (const row of rows) this.#rows.set(row.id, row);
  }

  #refreshStation(stationId: string, seq: number): void {
    this.#stations.setOpenFindings(stationId, seq, this.#openByStation.get(stationId)!);
  }

  record(event: EventInputOf<'finding'>, at: Date, seq: number): FindingVerdict {
    const stationId = event.stationId ?? null;
    if (stationId === null && event.position === undefined) {
      return {
        ok: false,
        field: '/stationId',
        error: 'a finding names its station, or carries a position when it happened away from one',
      };
    }
    const finding: FindingRow = {
      id: event.id,
      missionId: this.#missionId,
      stationId,
      teamId: event.teamId,
      lat: stationId === null ? event.position!.lat : null,
      lng: stationId === null ? event.position!.lng : null,
      category: event.category,
      severity: event.severity,
      status: 'new',
      reportedAt: at,
      statusChangedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      statusChangedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      assignedTo: null,
      assignedAt: null,
      lastNote: null,
      seq,
    };
    this.#rows.set(finding.id, finding);
    this.#created.add(finding.id);
    this.#dirty.add(finding.id);
    if (stationId !== null) {
      this.#openByStation.get(stationId)!.set(finding.id, finding.severity);
      this.#refreshStation(stationId, seq);
    }
    return { ok: true, stationId };
  }

  /** A coordinator's triage. On success, the finding as it now stands (its reporting team is told). */
  changeStatus(
    event: EventInputOf<'finding_status'>,
    at: Date,
    seq: number,
    by: string,
  ): { ok: true; finding: FindingRow } | { ok: false; field: string; error: string } {
    const finding = this.#rows.get(event.findingId);
    if (!finding) return { ok: false, field: '/findingId', error: 'no such finding in this mission' };
    if (finding.status === 'resolved') return { ok: false, field: '/status', error: 'the finding is already resolved' };
    if (finding.status === event.status)
      return { ok: false, field: '/status', error: `the finding is already ${event.status}` };
    finding.status = event.status;
    finding.statusChangedAt = at;
    finding.statusChangedBy = by;
    if (event.status === 'resolved') {
      finding.resolvedAt = at;
      finding.resolvedBy = by;
    }
    // Any triage means a coordinator has seen it: the first one is the acknowledgement the feed times.
    if (finding.acknowledgedAt === null) {
      finding.acknowledgedAt = at;
      finding.acknowledgedBy = by;
    }
    if (event.note !== undefined && event.note.trim() !== '') finding.lastNote = event.note;
    this.#dirty.add(finding.id);
    if (finding.stationId !== null) {
      if (event.status === 'resolved') this.#openByStation.get(finding.stationId)!.delete(finding.id);
      this.#refreshStation(finding.stationId, seq);
    }
    return { ok: true, finding };
  }

  /**
   * A coordinator gives the finding to `assignee` (a coordinator of the mission, checked by the caller) or takes it
   * back. A resolved finding can still change hands: who answers for it afterwards is part of the record too.
   */
  assign(
    event: EventInputOf<'finding_assigned'>,
    at: Date,
  ): { ok: true; finding: FindingRow } | { ok: false; field: string; error: string } {
    const finding = this.#rows.get(event.findingId);
    if (!finding) return { ok: false, field: '/findingId', error: 'no such finding in this mission' };
    if (finding.assignedTo === event.assignee) {
      return {
        ok: false,
        field: '/assignee',
        error:
          event.assignee === null
            ? 'the finding is assigned to nobody'
            : `the finding is already assigned to ${event.assignee}`,
      };
    }
    finding.assignedTo = event.assignee;
    finding.assignedAt = event.assignee === null ? null : at;
    this.#dirty.add(finding.id);
    return { ok: true, finding };
  }

  /** Every finding the batch holds, as it now stands (the replay of the day holds the mission's). */
  rows(): FindingRow[] {
    return [...this.#rows.values()];
  }

  insert(tx: Tx): Promise<unknown>[] {
    const rows = [...this.#created].map((id) => this.#rows.get(id)!);
    return rows.length ? [tx.insert(findings).values(rows)] : [];
  }

  /** Updates of findings that existed before the batch, sent together (pipelined). */
  update(tx: Tx): Promise<unknown>[] {
    return [...this.#dirty]
      .filter((id) => !this.#created.has(id))
      .map((id) => {
        const f = this.#rows.get(id)!;
        return tx
          .update(findings)
          .set({
            status: f.status,
            statusChangedAt: f.statusChangedAt,
            acknowledgedAt: f.acknowledgedAt,
            acknowledgedBy: f.acknowledgedBy,
            statusChangedBy: f.statusChangedBy,
            resolvedAt: f.resolvedAt,
            resolvedBy: f.resolvedBy,
            assignedTo: f.assignedTo,
            assignedAt: f.assignedAt,
            lastNote: f.lastNote,
          })
          .where(and(eq(findings.missionId, f.missionId), eq(findings.id, id)));
      });
  }
}
