/**
 * The one answer to "what colour is this station?", shared so the coordinator dashboard, the wall display and the tests
 * never disagree. Derived from the station read model alone, so a client never replays events to colour a map.
 */
import type { StationStatus } from './schemas/stations';

/**
 * Station states, most urgent first: when several apply, the first one wins. A coordinator's eye must go to open critical
 * and serious findings before anything else, then to stations the teams judged badly, then to where teams are now.
 */
export const STATION_STATES = [
  'critical',
  'serious',
  'bad_assessment',
  'present',
  'minor',
  'visited',
  'never_visited',
] as const;
export type StationState = (typeof STATION_STATES)[number];

const BAD_ASSESSMENTS: ReadonlySet<string> = new Set(['bad', 'very_bad']);

/** The parts of a station's status its state is made of (what a reader that needs only the state reads). */
export type StationStateInputs = Pick<
  StationStatus,
  'openFindings' | 'worstOpenSeverity' | 'latestAssessments' | 'presentTeamIds' | 'visitCount' | 'firstVisitAt'
>;

export function stationState(status: StationStateInputs): StationState {
  // worstOpenSeverity is only meaningful while something is open; a stale value must not keep a station red.
  const worst = status.openFindings > 0 ? status.worstOpenSeverity : null;
  if (worst === 'critical') return 'critical';
  if (worst === 'serious') return 'serious';

  const assessments = Object.values(status.latestAssessments);
  if (assessments.some((latest) => latest !== undefined && BAD_ASSESSMENTS.has(latest.assessment)))
    return 'bad_assessment';

  if (status.presentTeamIds.length > 0) return 'present';
  if (worst === 'minor' || worst === 'info') return 'minor';

  // A checklist is only filed on a visit, so an assessment counts as one even if the arrival was never sent.
  const visited =
    status.visitCount > 0 || status.firstVisitAt !== null || assessments.some((latest) => latest !== undefined);
  return visited ? 'visited' : 'never_visited';
}

/** A second, smaller mark beside a station's shape: an open finding its state does not show. */
export type FindingBadge = 'minor' | null;

/**
 * Open critical and serious findings always win the station's state, but a team present or a bad assessment outranks
 * minor ones and would hide them: a coordinator glancing at a green star must still see that something is open there.
 */
export function findingBadge(status: StationStateInputs): FindingBadge {
  if (status.openFindings === 0) return null;
  const state = stationState(status);
  return state === 'present' || state === 'bad_assessment' ? 'minor' : null;
}

/**
 * Colours per state, picked from the Okabe–Ito colour-blind-safe palette where it has the hue we need. Never the only cue:
 * pair them with {@link STATION_STATE_LETTERS} or the state in words.
 */
export const STATION_STATE_COLOURS: Readonly<Record<StationState, string>> = {
  critical: '#d7191c',
  serious: '#e69f00',
  bad_assessment: '#7b3294',
  present: '#009e73',
  minor: '#f0e442',
  visited: '#0072b2',
  never_visited: '#9a9a9a',
};

/** One letter per state (unique), for legends, badges and anything that must not rely on colour. */
export const STATION_STATE_LETTERS: Readonly<Record<StationState, string>> = {
  critical: 'C',
  serious: 'S',
  bad_assessment: 'B',
  present: 'P',
  minor: 'M',
  visited: 'V',
  never_visited: 'N',
};

/** Position in {@link STATION_STATES}: 0 is the most urgent. Handy for sorting worst-first. */
export function stationStateRank(state: StationState): number {
  return STATION_STATES.indexOf(state);
}
