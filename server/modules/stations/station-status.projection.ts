/**
 * The station_status read model within one ingest batch: the rows the batch may change, changed in memory by the
 * visits, checklist and findings appliers, then written back in one flush.
 */
import type { Tx } from '../../../db/client';
import { updateRows } from '../../../db/bulk-update';
import { stationStatus } from '../../../db/schema/index';
import { SEVERITIES, type EventInputOf, type Severity } from '../../../shared/schemas/events';
import type { StationStatus } from '../../../shared/schemas/stations';
import { toStationStatus } from './station-wire';

export type StationStatusRow = typeof stationStatus.$inferSelect;

export class StationStatusBatch {
  readonly #rows = new Map<string, StationStatusRow>();
  readonly #dirty = new Set<string>();

  constructor(rows: readonly StationStatusRow[]) {
    for (const row of rows) this.#rows.set(row.stationId, row);
  }

  #row(stationId: string): StationStatusRow {
    const row = this.#rows.get(stationId);
    if (!row) throw new Error(`station_status row missing for station ${stationId}`);
    return row;
  }

  #change(stationId: string, seq: number, change: Partial<StationStatusRow>): void {
    Object.assign(this.#row(stationId), change, { updatedSeq: seq });
    this.#dirty.add(stationId);
  }

  setPresence(stationId: string, teamId: string, present: boolean, seq: number): void {
    const others = this.#row(stationId).presentTeamIds.filter((id) => id !== teamId);
    this.#change(stationId, seq, { presentTeamIds: present ? [...others, teamId] : others });
  }

  countVisit(stationId: string, at: Date, seq: number): void {
    const row = this.#row(stationId);
    this.#change(stationId, seq, {
      visitCount: row.visitCount + 1,
      firstVisitAt: !row.firstVisitAt || at < row.firstVisitAt ? at : row.firstVisitAt,
      lastVisitAt: !row.lastVisitAt || at > row.lastVisitAt ? at : row.lastVisitAt,
    });
  }

  /** A checklist's overall assessment, kept per phase. */
  assess(event: EventInputOf<'checklist'>, at: Date, seq: number): void {
    const row = this.#row(event.stationId);
    const previous = row.latestAssessments[event.phase];
    // Offline phones deliver late: the assessment shown is the one made last, not the one received last.
    if (previous && Date.parse(previous.at) > at.getTime()) return;
    this.#change(event.stationId, seq, {
      latestAssessments: {
        ...row.latestAssessments,
        [event.phase]: { assessment: event.assessment, at: at.toISOString(), teamId: event.teamId },
      },
    });
  }

  /** Open findings and the worst of them, from the station's whole set of open findings, so it can never drift. */
  setOpenFindings(stationId: string, seq: number, open: ReadonlyMap<string, Severity>): void {
    let worst = -1;
    for (const severity of open.values()) worst = Math.max(worst, SEVERITIES.indexOf(severity));
    this.#change(stationId, seq, { openFindings: open.size, worstOpenSeverity: worst < 0 ? null : SEVERITIES[worst]! });
  }

  /** Every row as it now stands (the replay of the day keeps the whole mission in memory). */
  rows(): StationStatusRow[] {
    return [...this.#rows.values()];
  }

  /** Row-by-row updates, sent together: postgres.js pipelines them on the transaction's connection. */
  /** One statement for every changed row (db/bulk-update.ts). */
  flush(tx: Tx): Promise<unknown>[] {
    if (this.#dirty.size === 0) return [];
    const rows = [...this.#dirty].map((id) => this.#rows.get(id)!);
    return [tx.execute(updateRows(stationStatus, ['missionId', 'stationId'], rows))];
  }

  /** The changed rows, as the realtime layer sends them. */
  patch(): { id: string; status: StationStatus }[] {
    return [...this.#dirty].map((id) => ({ id, status: toStationStatus(this.#rows.get(id)!) }));
  }
}
