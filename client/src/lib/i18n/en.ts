/**
 * English UI words. The first language of four (English, Russian, Azerbaijani, Kyrgyz); the others will mirror these keys.
 */
import type { StationState } from '../../../../shared/station-state';
import type { ConnectionState } from '../state/live-mission.svelte';

export const STATION_STATE_NAMES: Readonly<Record<StationState, string>> = {
  critical: 'Critical finding',
  serious: 'Serious finding',
  bad_assessment: 'Assessed bad',
  present: 'Team present',
  minor: 'Minor finding',
  visited: 'Visited',
  never_visited: 'Never visited',
};

export const CONNECTION_NAMES: Readonly<Record<ConnectionState, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};
