/**
 * Which alerts the coordinators' strip shows, derived from the team rows, the findings and the clock — never stored
 * on the client, so every coordinator's screen agrees as soon as it has the same rows. Acknowledging is an event
 * (team_alert_acknowledged, finding_status) that changes those rows for everyone.
 */
import type { MissionSummary } from '../../../../shared/schemas/auth';
import type { Team } from '../../../../shared/schemas/teams';
import { isOverdue } from './triage';
import {
  missionMoment,
  parseClock,
  realInstant,
  type MissionDay,
  type MissionMoment,
} from '../../../../shared/observation-day';
import type { TriageFinding } from '../../../../shared/schemas/findings';

export type AlertSettings = MissionSummary['alerts'];

/**
 * Overdue critical findings of one station, as one alert: a second finding at a station already alerted adds to its
 * count rather than a second line naming the same station. `findingId` and `since` are the oldest one's.
 */
export interface CriticalAlert {
  kind: 'critical';
  key: string;
  findingId: string;
  findingIds: string[];
  stationId: string | null;
  stationNumber: string | null;
  district: string | null;
  since: string;
  category: string;
}

export type DashboardAlert =
  | { kind: 'help'; key: string; teamId: string; callSign: string; since: string; stationId: string | null }
  | { kind: 'silent'; key: string; teamId: string; callSign: string; since: string | null; silentMinutes: number }
  | CriticalAlert;

/**
 * One alert per station for its overdue critical findings, oldest first. A finding away from any station has nothing
 * to share a line with and stays alone.
 */
export function criticalAlertsByStation(overdue: Iterable<TriageFinding>): CriticalAlert[] {
  const byStation = new Map<string, CriticalAlert>();
  for (const finding of [...overdue].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt))) {
    const key = finding.stationId === null ? `critical:${finding.id}` : `critical:station:${finding.stationId}`;
    const held = byStation.get(key);
    if (held !== undefined) {
      held.findingIds.push(finding.id);
      continue;
    }
    byStation.set(key, {
      kind: 'critical',
      key,
      findingId: finding.id,
      findingIds: [finding.id],
      stationId: finding.stationId,
      stationNumber: finding.stationNumber,
      district: finding.district,
      since: finding.reportedAt,
      category: finding.category,
    });
  }
  return [...byStation.values()];
}

/** Inside the polling hours at a minute of the day (start inclusive, end exclusive; an end before the start runs past midnight). */
function insidePollingHours(now: number, settings: AlertSettings): boolean {
  const start = parseClock(settings.pollingStartsAt);
  const end = parseClock(settings.pollingEndsAt);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** Inside the polling hours, by the mission's clock (a compressed drill's own clock included). */
export function withinPollingHours(at: Date, day: MissionDay, settings: AlertSettings): boolean {
  return insidePollingHours(missionMoment(at, day).minuteOfDay, settings);
}

/**
 * Polling is open now on the observation day: the only day anyone is expected to report. Before it (a brand-new
 * mission, the weeks of preparation) and after it, nobody is silent.
 */
export function pollingOpen(at: Date, day: MissionDay, settings: AlertSettings): boolean {
  const moment = missionMoment(at, day);
  if (!insidePollingHours(moment.minuteOfDay, settings)) return false;
  const start = parseClock(settings.pollingStartsAt);
  // Hours that run past midnight belong to the day they opened on.
  const openedOn = moment.minuteOfDay >= start ? moment.date : previousDay(moment.date);
  return openedOn === day.observationDay;
}

function previousDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! - 1)).toISOString().slice(0, 10);
}

/** The opening of today's polling hours on the mission's time line (`MissionMoment.ms`). */
function openingMs(now: MissionMoment, settings: AlertSettings): number {
  const sinceStart = (now.minuteOfDay - parseClock(settings.pollingStartsAt) + 1440) % 1440;
  return now.ms - sinceStart * 60_000 - now.intoMinuteMs;
}

const at = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The team's help request is open and not acknowledged since it was made. */
export function helpAlertOpen(team: Team): boolean {
  if (!team.status.helpOpen) return false;
  const asked = at(team.status.helpRequestedAt);
  const acked = at(team.status.helpAcknowledgedAt);
  return acked === null || (asked !== null && asked > acked);
}

/**
 * A team is silent when, during the observation day's polling hours, nothing was heard from it for longer than the
 * threshold (a team never heard from counts from the opening). Time runs by the mission's clock: a compressed drill's
 * minutes pass as fast as its day does. An acknowledgement made after its last sign of life covers the silence until the
 * team is heard from again. Returns when the silence began and how many of the mission's minutes it has lasted.
 */
export function silence(
  team: Team,
  now: Date,
  day: MissionDay,
  settings: AlertSettings,
): { since: Date; minutes: number } | null {
  if (!pollingOpen(now, day, settings)) return null;
  const moment = missionMoment(now, day);
  const seen = at(team.status.lastSeenAt);
  const since = seen === null ? openingMs(moment, settings) : missionMoment(seen, day).ms;
  if (moment.ms - since <= settings.silentTeamMinutes * 60_000) return null;
  const acked = at(team.status.silentAcknowledgedAt);
  if (acked !== null && missionMoment(acked, day).ms >= since) return null;
  return { since: realInstant(since, day), minutes: Math.floor((moment.ms - since) / 60_000) };
}

/** When the team's silence began (see `silence`), or null. */
export function silentSince(team: Team, now: Date, day: MissionDay, settings: AlertSettings): Date | null {
  return silence(team, now, day, settings)?.since ?? null;
}

/** Never heard from although polling opened on the observation day: a state to say in words, never "OK". */
export function neverHeardFrom(team: Team, now: Date, day: MissionDay, settings: AlertSettings): boolean {
  return team.status.lastSeenAt === null && pollingOpen(now, day, settings);
}

/**
 * Help requests first (oldest first), then overdue critical findings one line per station (oldest first), then silent
 * teams (longest silent first).
 */
export function deriveAlerts(
  teams: Iterable<Team>,
  findings: Iterable<TriageFinding>,
  now: Date,
  day: MissionDay,
  settings: AlertSettings,
): DashboardAlert[] {
  const help: DashboardAlert[] = [];
  const silent: DashboardAlert[] = [];
  const overdue: TriageFinding[] = [];
  for (const team of teams) {
    if (helpAlertOpen(team)) {
      help.push({
        kind: 'help',
        key: `help:${team.id}`,
        teamId: team.id,
        callSign: team.callSign,
        since: team.status.helpRequestedAt ?? now.toISOString(),
        stationId: team.status.currentStationId,
      });
    }
    const quiet = silence(team, now, day, settings);
    if (quiet !== null) {
      silent.push({
        kind: 'silent',
        key: `silent:${team.id}`,
        teamId: team.id,
        callSign: team.callSign,
        since: team.status.lastSeenAt,
        silentMinutes: quiet.minutes,
      });
    }
  }
  for (const finding of findings) if (isOverdue(finding, now, settings.criticalAckMinutes)) overdue.push(finding);
  const critical = criticalAlertsByStation(overdue);
  help.sort((a, b) => a.since!.localeCompare(b.since!));
  silent.sort((a, b) => (b.kind === 'silent' && a.kind === 'silent' ? b.silentMinutes - a.silentMinutes : 0));
  return [...help, ...critical, ...silent];
}

/** Whole minutes from an instant to now (never negative: device clocks run a little ahead). */
export function minutesSince(fromIso: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
}
