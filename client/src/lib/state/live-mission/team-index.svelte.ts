/** The mission's teams by id, with their count and the open help requests (what the alert shows). */
import type { Team, TeamStatus } from '../../../../../shared/schemas/teams';
import { byNumber } from './station-index.svelte';
import type { HelpRequest } from './types';

export class TeamIndex {
  count = $state(0);
  helpOpenCount = $state(0);
  /** Moves whenever any team's row changed. */
  version = $state(0);
  /** Teams with an open help request, oldest first. */
  helpRequests = $state.raw<HelpRequest[]>([]);

  readonly #teams = new Map<string, Team>();

  reset(): void {
    this.#teams.clear();
    this.count = 0;
    this.helpOpenCount = 0;
    this.helpRequests = [];
  }

  get(id: string): Team | undefined {
    return this.#teams.get(id);
  }

  /** Every team, by call sign. Reading it inside `$derived` re-runs when any team changes. */
  list(): Team[] {
    void this.version;
    return [...this.#teams.values()].sort((a, b) => byNumber.compare(a.callSign, b.callSign));
  }

  /**
   * Status rows of a patch, each applied if newer than the one held. Returns, for each team not held (added after we
   * loaded), the sequence to fetch again after.
   */
  applyStatuses(rows: readonly { id: string; status: TeamStatus }[]): number[] {
    const unknown: number[] = [];
    let changed = false;
    for (const row of rows) {
      const team = this.#teams.get(row.id);
      if (team === undefined) {
        unknown.push(row.status.updatedSeq - 1);
      } else if (row.status.updatedSeq > team.status.updatedSeq) {
        // A display's rows carry lastPosition too (null when the mission hides positions), so a row replaces ours whole.
        this.#teams.set(row.id, { ...team, status: row.status });
        changed = true;
      }
    }
    if (changed) this.#recount();
    return unknown;
  }

  /** Teams read again (a resync): their details replace ours; the status stays whichever is newer. */
  upsert(teams: readonly Team[]): void {
    for (const team of teams) {
      const held = this.#teams.get(team.id);
      if (held === undefined || team.status.updatedSeq >= held.status.updatedSeq) this.#teams.set(team.id, team);
      else this.#teams.set(team.id, { ...team, status: held.status });
    }
    this.#recount();
  }

  #recount(): void {
    const help: HelpRequest[] = [];
    for (const team of this.#teams.values()) {
      if (team.status.helpOpen)
        help.push({ teamId: team.id, callSign: team.callSign, since: team.status.helpRequestedAt });
    }
    help.sort((a, b) => (a.since ?? '').localeCompare(b.since ?? ''));
    this.count = this.#teams.size;
    this.helpOpenCount = help.length;
    this.version++;
    // Team rows change with every position; the alert should re-render only when the help requests do.
    if (!sameHelpRequests(help, this.helpRequests)) this.helpRequests = help;
  }
}

function sameHelpRequests(a: readonly HelpRequest[], b: readonly HelpRequest[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.teamId === b[i]!.teamId && x.since === b[i]!.since && x.callSign === b[i]!.callSign)
  );
}
