/**
 * The team_status read model within one ingest batch: signs of life, positions, presence, help requests and the
 * coordinators' acknowledgements of a team's alerts, changed in memory and written back in one flush.
 */
import type { Tx } from '../../../db/client';
import { updateRows } from '../../../db/bulk-update';
import { teamStatus } from '../../../db/schema/index';
import type { EventInputOf } from '../../../shared/schemas/events';
import type { TeamStatus } from '../../../shared/schemas/teams';
import { toTeamStatus } from './team-status';

export type TeamStatusRow = typeof teamStatus.$inferSelect;
export type TeamVerdict = { ok: true } | { ok: false; field: string; error: string };

export interface TeamChange {
  position?: { lat: number; lng: number } | undefined;
  currentStationId?: string | null;
  help?: { open: boolean; at: Date };
  /** False when a coordinator acts on the team's behalf: that is no news of the team itself. */
  signOfLife?: boolean;
}

export class TeamStatusBatch {
  readonly #rows = new Map<string, TeamStatusRow>();
  readonly #dirty = new Set<string>();

  constructor(rows: readonly TeamStatusRow[]) {
    for (const row of rows) this.#rows.set(row.teamId, row);
  }

  #row(teamId: string): TeamStatusRow {
    const row = this.#rows.get(teamId);
    if (!row) throw new Error(`team_status row missing for team ${teamId}`);
    return row;
  }

  /** Every event of a team is a sign of life; positions and presence follow the newest device time. */
  see(teamId: string, at: Date, seq: number, change: TeamChange = {}): void {
    const row = this.#row(teamId);
    if (change.signOfLife !== false && (!row.lastSeenAt || row.lastSeenAt < at)) row.lastSeenAt = at;
    if (change.position && (!row.lastPositionAt || row.lastPositionAt <= at)) {
      row.lastLat = change.position.lat;
      row.lastLng = change.position.lng;
      row.lastPositionAt = at;
    }
    if (change.currentStationId !== undefined) row.currentStationId = change.currentStationId;
    if (change.help) {
      row.helpOpen = change.help.open;
      if (change.help.open) row.helpRequestedAt = change.help.at;
    }
    row.updatedSeq = seq;
    this.#dirty.add(teamId);
  }

  helpOpen(teamId: string): boolean {
    return this.#row(teamId).helpOpen;
  }

  /** Help: the open request not yet acknowledged. Silence: any time (it covers the silence up to now). */
  acknowledgeAlert(event: EventInputOf<'team_alert_acknowledged'>, at: Date, seq: number): TeamVerdict {
    const row = this.#row(event.teamId);
    if (event.alert === 'help') {
      if (!row.helpOpen) return { ok: false, field: '/teamId', error: 'this team has no open help request' };
      if (
        row.helpAcknowledgedAt !== null &&
        row.helpRequestedAt !== null &&
        row.helpAcknowledgedAt >= row.helpRequestedAt
      ) {
        return { ok: false, field: '/alert', error: "the team's help request is already acknowledged" };
      }
      row.helpAcknowledgedAt = at;
    } else if (row.silentAcknowledgedAt === null || row.silentAcknowledgedAt < at) {
      row.silentAcknowledgedAt = at;
    }
    // Not a sign of life: only the team's own events say it is well.
    this.see(event.teamId, at, seq, { signOfLife: false });
    return { ok: true };
  }

  /** Every row as it now stands (the replay of the day keeps the whole mission in memory). */
  rows(): TeamStatusRow[] {
    return [...this.#rows.values()];
  }

  /** One statement for every changed row (db/bulk-update.ts). */
  flush(tx: Tx): Promise<unknown>[] {
    if (this.#dirty.size === 0) return [];
    const rows = [...this.#dirty].map((id) => this.#rows.get(id)!);
    return [tx.execute(updateRows(teamStatus, ['missionId', 'teamId'], rows))];
  }

  /** The changed rows, as the realtime layer sends them. */
  patch(): { id: string; status: TeamStatus }[] {
    return [...this.#dirty].map((id) => ({ id, status: toTeamStatus(this.#rows.get(id)!) }));
  }
}
