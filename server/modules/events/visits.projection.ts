/**
 * Visits and presence within one ingest batch: arrivals open a team's visit and put it at the station, departures
 * (or the next arrival) close it. Each team has at most one open visit; the station's presence, visit count and the
 * team's current station follow, through the station and team status batches.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { visits } from '../../../db/schema/index';
import type { EventInputOf } from '../../../shared/schemas/events';
import type { StationStatusBatch } from '../stations/station-status.projection';
import type { TeamStatusBatch } from '../teams/team-status.projection';

export type VisitRow = typeof visits.$inferSelect;
export type VisitVerdict = { ok: true } | { ok: false; field: string; error: string };

export class VisitBatch {
  readonly #missionId: string;
  readonly #stations: StationStatusBatch;
  readonly #teams: TeamStatusBatch;
  /** Each loaded team's open visit (null: none). */
  readonly #openVisit = new Map<string, VisitRow | null>();
  readonly #rows = new Map<string, VisitRow>();
  readonly #dirty = new Set<string>();
  readonly #created = new Set<string>();

  /** `teamIds`: the batch's teams; `openVisits`: those of their visits not yet closed. */
  constructor(
    missionId: string,
    teamIds: Iterable<string>,
    openVisits: readonly VisitRow[],
    stations: StationStatusBatch,
    teams: TeamStatusBatch,
  ) {
    this.#missionId = missionId;
    this.#stations = stations;
    this.#teams = teams;
    for (const id of teamIds) this.#openVisit.set(id, null);
    for (const row of openVisits) {
      this.#openVisit.set(row.teamId, row);
      this.#rows.set(row.id, row);
    }
  }

  #record(event: EventInputOf<'arrival'>, at: Date, departedAt: Date | null): void {
    const visit: VisitRow = {
      id: event.id,
      missionId: this.#missionId,
      teamId: event.teamId,
      stationId: event.stationId,
      arrivedAt: at,
      departedAt,
      closedBy: departedAt ? 'next_arrival' : null,
    };
    this.#rows.set(visit.id, visit);
    this.#created.add(visit.id);
    this.#dirty.add(visit.id);
    if (!departedAt) this.#openVisit.set(event.teamId, visit);
  }

  #close(visit: VisitRow, at: Date, closedBy: 'departure' | 'next_arrival'): void {
    visit.departedAt = at;
    visit.closedBy = closedBy;
    this.#dirty.add(visit.id);
    this.#openVisit.set(visit.teamId, null);
  }

  arrive(event: EventInputOf<'arrival'>, at: Date, seq: number): VisitVerdict {
    const open = this.#openVisit.get(event.teamId) ?? null;
    if (open && open.stationId === event.stationId) {
      // The team's second phone checking in too: the log keeps it, the visit is the same one.
      this.#teams.see(event.teamId, at, seq, { position: event.position });
      return { ok: true };
    }
    if (open && open.arrivedAt > at) {
      // A late upload of an earlier visit: record it as ended when the team arrived at its current station.
      this.#record(event, at, open.arrivedAt);
      this.#stations.countVisit(event.stationId, at, seq);
      this.#teams.see(event.teamId, at, seq, { position: event.position });
      return { ok: true };
    }
    if (open) {
      // Checked in elsewhere without checking out: the earlier visit ends now.
      this.#close(open, at, 'next_arrival');
      this.#stations.setPresence(open.stationId, event.teamId, false, seq);
    }
    this.#record(event, at, null);
    this.#stations.countVisit(event.stationId, at, seq);
    this.#stations.setPresence(event.stationId, event.teamId, true, seq);
    this.#teams.see(event.teamId, at, seq, { position: event.position, currentStationId: event.stationId });
    return { ok: true };
  }

  depart(event: EventInputOf<'departure'>, at: Date, seq: number): VisitVerdict {
    const open = this.#openVisit.get(event.teamId) ?? null;
    if (!open || open.stationId !== event.stationId) {
      return {
        ok: false,
        field: '/stationId',
        error: 'departure without a prior arrival of this team at this station',
      };
    }
    if (at < open.arrivedAt) return { ok: false, field: '/occurredAt', error: 'departure is earlier than the arrival' };
    this.#close(open, at, 'departure');
    this.#stations.setPresence(event.stationId, event.teamId, false, seq);
    this.#teams.see(event.teamId, at, seq, { position: event.position, currentStationId: null });
    return { ok: true };
  }

  /** The visits still open: all a later event can change (the replay of the day keeps only these). */
  openVisits(): VisitRow[] {
    return [...this.#openVisit.values()].filter((v): v is VisitRow => v !== null);
  }

  insert(tx: Tx): Promise<unknown>[] {
    const rows = [...this.#created].map((id) => this.#rows.get(id)!);
    return rows.length ? [tx.insert(visits).values(rows)] : [];
  }

  /** Closes of visits that were open before the batch, sent together (pipelined). */
  update(tx: Tx): Promise<unknown>[] {
    return [...this.#dirty]
      .filter((id) => !this.#created.has(id))
      .map((id) => {
        const v = this.#rows.get(id)!;
        return tx
          .update(visits)
          .set({ departedAt: v.departedAt, closedBy: v.closedBy })
          .where(and(eq(visits.missionId, v.missionId), eq(visits.id, id)));
      });
  }
}
