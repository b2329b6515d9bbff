/**
 * English UI words for the dashboard components that predate the i18n layer (./i18n.svelte.ts). The words themselves
 * live in ./locales/en.ts with their Russian, Azerbaijani and Kyrgyz translations; moving these callers to `t(...)`
 * switches them to the chosen language.
 */
import type { Phase, Severity } from '../../../../shared/schemas/events';
import type { FindingState } from '../../../../shared/schemas/findings';
import type { StationState } from '../../../../shared/station-state';
import type { ConnectionState } from '../state/live-mission.svelte';
import { en } from './locales/en';

export const STATION_STATE_NAMES: Readonly<Record<StationState, string>> = en.stationState;

export const CONNECTION_NAMES: Readonly<Record<ConnectionState, string>> = en.connection;

export const SEVERITY_NAMES: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  serious: 'Serious',
  minor: 'Minor',
  info: 'Info',
};

export const PHASE_NAMES: Readonly<Record<Phase, string>> = {
  opening: 'Opening',
  voting: 'Voting',
  closing: 'Closing & count',
};

export const FINDING_STATE_NAMES: Readonly<Record<FindingState, string>> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  resolved: 'Resolved',
};

/** A finding category code as words ("ballot_stuffing" → "Ballot stuffing") until the mission's own labels are used. */
export function categoryName(code: string): string {
  const words = code.replace(/[_.:-]+/g, ' ').trim();
  return words === '' ? code : words.charAt(0).toLocaleUpperCase('en') + words.slice(1);
}

export const WALL_WORDS = {
  wholeCity: 'Whole city',
  district: (name: string) => `${name} district`,
  coveredNow: 'Stations with a team now',
  coveredToday: 'Stations covered today',
  teamsActive: 'Teams active',
  openFindings: 'Open findings',
  assessedBad: 'Assessed bad or very bad',
  notObserved: 'not observed yet',
  latestFindings: 'Latest findings',
  noFindings: 'No findings reported yet.',
  lastUpdate: 'Last update',
  stale: 'NOT LIVE',
  staleDetail: 'No news from the server since',
  reconnecting: 'Reconnecting by itself…',
  critical: (n: number) => (n === 1 ? '1 critical finding open' : `${n} critical findings open`),
  help: (n: number) => (n === 1 ? '1 team asking for help' : `${n} teams asking for help`),
  demo: 'DEMO DATA',
  locked: 'Display switched off',
  unreachable: 'Waiting for the server',
} as const;
