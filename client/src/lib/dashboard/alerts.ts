/**
 * Which alerts the coordinators' strip shows, derived from the team rows, the findings and the clock — never stored
 * on the client, so every coordinator's screen agrees as soon as it has the same rows. Acknowledging is an event
 * (team_alert_acknowledged, finding_status) that changes those rows for everyone.
 */
import type { MissionSummary } from '../../../../shared/schemas/auth';
import type { Team } from '../../../../shared/schemas/teams';
import { isOverdue } from './triage';
import { missionMinutesOfDay } from '../time';
import type { TriageFinding } from '../../../../shared/schemas/findings';

export type AlertSettings = MissionSummary['alerts'];

export type DashboardAlert =
  | { kind: 'help'; key: string; teamId: string; callSign: string; since: string; stationId: string | null }
  | { kind: 'silent'; key: string; teamId: string; callSign: string; since: string | null; silentMinutes: number }
  | { kind: 'critical'; key: string; findingId: string; stationNumber: string | null; district: string | null; since: string; category: string };


function parseClock(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Inside the polling hours (start inclusive, end exclusive; an end before the start runs past midnight). */
export function withinPollingHours(at: Date, timeZone: string, settings: AlertSettings): boolean {
  const now = missionMinutesOfDay(at, timeZone);
  const start = parseClock(settings.pollingStartsAt);
  const end = parseClock(settings.pollingEndsAt);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** The start of today's polling hours as an instant (for teams never heard from). */
export function pollingStartToday(at: Date, timeZone: string, settings: AlertSettings): Date {
  const sinceStart = (missionMinutesOfDay(at, timeZone) - parseClock(settings.pollingStartsAt) + 1440) % 1440;
  const start = new Date(at.getTime() - sinceStart * 60_000);
  start.setSeconds(0, 0);
  return start;
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
 * A team is silent when, during polling hours, nothing was heard from it for longer than the threshold (a team never
 * heard from counts from the start of polling). An acknowledgement made after its last sign of life covers the silence
 * until the team is heard from again.
 */
export function silentSince(team: Team, now: Date, timeZone: string, settings: AlertSettings): Date | null {
  if (!withinPollingHours(now, timeZone, settings)) return null;
  const seen = at(team.status.lastSeenAt);
  const since = seen ?? pollingStartToday(now, timeZone, settings).getTime();
  if (now.getTime() - since <= settings.silentTeamMinutes * 60_000) return null;
  const acked = at(team.status.silentAcknowledgedAt);
  if (acked !== null && acked >= since) return null;
  return new Date(since);
}

/** Help requests first (oldest first), then overdue critical findings, then silent teams (longest silent first). */
export function deriveAlerts(
  teams: Iterable<Team>,
  findings: Iterable<TriageFinding>,
  now: Date,
  timeZone: string,
  settings: AlertSettings,
): DashboardAlert[] {
  const help: DashboardAlert[] = [];
  const silent: DashboardAlert[] = [];
  const critical: DashboardAlert[] = [];
  for (const team of teams) {
    if (helpAlertOpen(team)) {
      help.push({ kind: 'help', key: `help:${team.id}`, teamId: team.id, callSign: team.callSign, since: team.status.helpRequestedAt ?? now.toISOString(), stationId: team.status.currentStationId });
    }
    const quiet = silentSince(team, now, timeZone, settings);
    if (quiet !== null) {
      silent.push({
        kind: 'silent',
        key: `silent:${team.id}`,
        teamId: team.id,
        callSign: team.callSign,
        since: team.status.lastSeenAt,
        silentMinutes: Math.floor((now.getTime() - quiet.getTime()) / 60_000),
      });
    }
  }
  for (const finding of findings) {
    if (isOverdue(finding, now, settings.criticalAckMinutes)) {
      critical.push({ kind: 'critical', key: `critical:${finding.id}`, findingId: finding.id, stationNumber: finding.stationNumber, district: finding.district, since: finding.reportedAt, category: finding.category });
    }
  }
  help.sort((a, b) => a.since!.localeCompare(b.since!));
  critical.sort((a, b) => a.since!.localeCompare(b.since!));
  silent.sort((a, b) => (b.kind === 'silent' && a.kind === 'silent' ? b.silentMinutes - a.silentMinutes : 0));
  return [...help, ...critical, ...silent];
}

/** Whole minutes from an instant to now (never negative: device clocks run a little ahead). */
export function minutesSince(fromIso: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
}
