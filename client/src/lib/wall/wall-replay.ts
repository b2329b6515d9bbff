/**
 * A wall showing a past moment a coordinator put on the walls: how long it holds it (its lease, renewed by
 * `wall_replay_renewed`), and the headline figures of that moment, counted from the replayed stations, teams and
 * findings by the same rules as the server's summary (server/modules/summary/summary.repository.ts), and the legend's
 * counts, so a past map is never shown beside live figures.
 */
import { WALL_REPLAY_LEASE_MS } from '../../../../shared/constants';
import { PHASES, SEVERITIES, type Severity } from '../../../../shared/schemas/events';
import type { ReplayReply, WallReplay, WallReplayRenewal } from '../../../../shared/schemas/replay';
import type { Summary } from '../../../../shared/schemas/summary';
import { STATION_STATES, stationState, type StationState } from '../../../../shared/station-state';

/** The moment a wall holds, with when (by this screen's clock) it last heard that it stays on. */
export interface HeldWallReplay {
  replay: WallReplay;
  receivedAtMs: number;
}

/**
 * A renewal extends the moment held only if it names that moment: one renewing a moment this wall never got (sent
 * while it was away) is ignored; the wall is sent the moment itself when it connects again.
 */
export function renewHeld(
  held: HeldWallReplay | null,
  renewal: WallReplayRenewal,
  nowMs: number,
): HeldWallReplay | null {
  return held !== null && held.replay.moment.at === renewal.at ? { ...held, receivedAtMs: nowMs } : held;
}

/**
 * The moment on screen, or null (live). Timed by this screen's own clock from the last news of it, so a wall whose
 * clock is off is never stuck in the past: without news for WALL_REPLAY_LEASE_MS it goes back to live by itself.
 */
export function shownWallReplay(held: HeldWallReplay | null, nowMs: number): WallReplay | null {
  if (held === null || nowMs - held.receivedAtMs > WALL_REPLAY_LEASE_MS) return null;
  return held.replay;
}

const bySeverity = (): Record<Severity, number> =>
  Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

/**
 * The headline figures as they stood at the moment. `live` gives what no moment changes: the observation day's start
 * and the "active within" window (counted back from the moment, not from now). Null until the live figures are read.
 */
export function momentSummary(moment: ReplayReply, live: Summary | null): Summary | null {
  if (live === null) return null;
  const dayStart = Date.parse(live.stations.dayStartedAt);
  const atMs = Date.parse(moment.at);
  const activeSince = atMs - live.teams.activeWithinMinutes * 60_000;
  const since = (iso: string | null | undefined, from: number) =>
    iso !== null && iso !== undefined && Date.parse(iso) >= from;

  let coveredNow = 0;
  let coveredToday = 0;
  const assessments = Object.fromEntries(
    PHASES.map((p) => [p, { observed: 0, bad: 0, veryBad: 0, negativeShare: null as number | null }]),
  ) as Summary['assessments'];
  for (const { status } of moment.stations) {
    if (status.presentTeamIds.length > 0) coveredNow += 1;
    // An assessment is filed on a visit, so it counts as one even without the arrival (as the server counts).
    const assessedToday = PHASES.some((p) => since(status.latestAssessments[p]?.at, dayStart));
    if (since(status.lastVisitAt, dayStart) || assessedToday) coveredToday += 1;
    for (const phase of PHASES) {
      const latest = status.latestAssessments[phase];
      if (latest === undefined) continue;
      assessments[phase].observed += 1;
      if (latest.assessment === 'bad') assessments[phase].bad += 1;
      if (latest.assessment === 'very_bad') assessments[phase].veryBad += 1;
    }
  }
  for (const phase of PHASES) {
    const a = assessments[phase];
    a.negativeShare = a.observed === 0 ? null : (a.bad + a.veryBad) / a.observed;
  }

  const open = bySeverity();
  const reported = bySeverity();
  for (const finding of moment.findings) {
    reported[finding.severity] += 1;
    if (finding.status !== 'resolved') open[finding.severity] += 1;
  }

  return {
    head: moment.seq,
    computedAt: moment.at,
    stations: { total: moment.stations.length, coveredNow, coveredToday, dayStartedAt: live.stations.dayStartedAt },
    teams: {
      total: moment.teams.length,
      active: moment.teams.filter((t) => since(t.status.lastSeenAt, activeSince)).length,
      activeWithinMinutes: live.teams.activeWithinMinutes,
      helpOpen: moment.teams.filter((t) => t.status.helpOpen).length,
    },
    findings: { open, reported },
    assessments,
  };
}

/** Stations per map state at the moment: the legend's counts while a past moment is shown. */
export function momentCounts(moment: ReplayReply): Record<StationState, number> {
  const counts = Object.fromEntries(STATION_STATES.map((state) => [state, 0])) as Record<StationState, number>;
  for (const { status } of moment.stations) counts[stationState(status)] += 1;
  return counts;
}
