/**
 * What a wall display may receive of the mission's live data. A display hangs in a room that may hold press or guests,
 * so it gets the envelope of each event and the fields in DISPLAY_FIELDS (shared/schemas/events.ts); findings' free
 * text and team positions only when the mission allows them; never notes, checklist answers, photos or who posted.
 *
 * Pure functions, used by every path that sends to displays: the live fan-out, the catch-up on connect, `catch_up` and
 * GET /api/events, team status rows in `commit` frames and GET /api/teams, finding summaries in GET /api/findings/recent.
 */
import type { Commit, StatusPatch } from '../../../shared/realtime';
import type { DisplayPolicy } from '../../../shared/schemas/displays';
import {
  DISPLAY_ENVELOPE_FIELDS,
  DISPLAY_FIELDS,
  type DisplayEvent,
  type StoredEvent,
} from '../../../shared/schemas/events';
import type { FindingSummary } from '../../../shared/schemas/findings';
import type { ReplayReply } from '../../../shared/schemas/replay';
import type { QuickCountReply, TurnoutReply } from '../../../shared/schemas/results';
import type { TeamStatus } from '../../../shared/schemas/teams';

/** What a display gets when the mission's policy is unknown (or cannot be read): nothing beyond the always-safe fields. */
export const STRICTEST_DISPLAY_POLICY: Readonly<DisplayPolicy> = Object.freeze({
  showsFindingText: false,
  showsTeamPositions: false,
  showsQuickCount: false,
});

/** The fields one event keeps for a display under `policy`. */
function keptFields(event: StoredEvent, policy: DisplayPolicy): readonly string[] {
  const kept: string[] = [...DISPLAY_ENVELOPE_FIELDS, ...DISPLAY_FIELDS[event.type]];
  if (policy.showsFindingText && event.type === 'finding') kept.push('text');
  if (policy.showsTeamPositions) kept.push('position');
  return kept;
}

export function redactEventForDisplay(event: StoredEvent, policy: DisplayPolicy): DisplayEvent {
  const source = event as unknown as Record<string, unknown>;
  const redacted: Record<string, unknown> = {};
  for (const field of keptFields(event, policy)) {
    if (field in source && source[field] !== undefined) redacted[field] = source[field];
  }
  return redacted as unknown as DisplayEvent;
}

export function redactEventsForDisplay(events: readonly StoredEvent[], policy: DisplayPolicy): DisplayEvent[] {
  return events.map((event) => redactEventForDisplay(event, policy));
}

export function redactTeamStatusForDisplay(status: TeamStatus, policy: DisplayPolicy): TeamStatus {
  return policy.showsTeamPositions ? status : { ...status, lastPosition: null };
}

export function redactPatchForDisplay(patch: StatusPatch, policy: DisplayPolicy): StatusPatch {
  return {
    stations: patch.stations,
    teams: patch.teams.map((row) => ({ id: row.id, status: redactTeamStatusForDisplay(row.status, policy) })),
  };
}

/** A display's `commit` frame: the commit's events and the rows they changed, each by the rules above. */
export function redactCommitForDisplay(
  events: readonly StoredEvent[],
  patch: StatusPatch,
  policy: DisplayPolicy,
): Commit {
  return { events: redactEventsForDisplay(events, policy), status: redactPatchForDisplay(patch, policy) };
}

/**
 * A finding's summary line for a wall: category, severity, place and triage status always; the text only when the
 * mission shows findings' text; an off-station incident's position only when it shows team positions (the same rule
 * as the `position` of its event); never the photo.
 */
export function redactFindingSummaryForDisplay(finding: FindingSummary, policy: DisplayPolicy): FindingSummary {
  const { text, photoId: _photo, position, ...kept } = finding;
  return {
    ...kept,
    ...(policy.showsFindingText && text !== undefined ? { text } : {}),
    ...(policy.showsTeamPositions && position !== undefined ? { position } : {}),
  };
}

/**
 * A past moment for a wall (the replay a coordinator shows on the walls): the same rules as live data. Replayed
 * findings never carry text or photos; team positions and incidents' positions only when the mission shows them.
 * Built field by field, so a field added to the replay later reaches walls only when added here.
 */
export function redactReplayForDisplay(moment: ReplayReply, policy: DisplayPolicy): ReplayReply {
  return {
    at: moment.at,
    seq: moment.seq,
    head: moment.head,
    stations: moment.stations,
    teams: moment.teams.map((row) => ({ id: row.id, status: redactTeamStatusForDisplay(row.status, policy) })),
    findings: moment.findings.map((f) => ({
      id: f.id,
      seq: f.seq,
      category: f.category,
      severity: f.severity,
      status: f.status,
      stationId: f.stationId,
      teamId: f.teamId,
      reportedAt: f.reportedAt,
      statusChangedAt: f.statusChangedAt,
      position: policy.showsTeamPositions ? f.position : null,
    })),
    coverage: moment.coverage,
  };
}

/**
 * Turnout for a wall: the city's and each district's running count by hour (sums over observed stations, the
 * commission's own figures), never the list of flagged stations, which is for the coordinators to look into.
 */
export function redactTurnoutForDisplay(turnout: TurnoutReply): TurnoutReply {
  return { ...turnout, flagged: [] };
}

/**
 * The quick count for a wall: the same estimates coordinators see when the mission shows them, else nothing (no
 * contest, not even how many sample stations have reported: that alone tells which stations are in the sample).
 * Never the sample's origin: its seed and the public station list give away every sample station, which a mission
 * keeps from anyone who might target them.
 */
export function redactQuickCountForDisplay(reply: QuickCountReply, policy: DisplayPolicy): QuickCountReply {
  if (!policy.showsQuickCount) return { sampled: false, stratified: false, contests: [], head: reply.head };
  const { origin: _origin, ...shown } = reply;
  return shown;
}
