/** The shapes LiveMission (../live-mission.svelte.ts) shows to pages, shared by its parts. */
import type { StatusPatch } from '../../../../../shared/realtime';
import type { DisplayLinkSettings } from '../../../../../shared/schemas/displays';
import type { FeedEvent } from '../../../../../shared/schemas/events';
import type { Station } from '../../../../../shared/schemas/stations';
import type { FindingBadge, StationState } from '../../../../../shared/station-state';
import type { ApiClient } from '../../api';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/**
 * Something that follows the mission beside the map (headline figures, the findings ticker): told of every event
 * applied and every patch, and asked to fetch its own view again whenever news may have been missed.
 */
export interface LiveFollower {
  /** After the first load, every (re)connect and every filled gap: fetch your view again. */
  resync(api: ApiClient): void;
  /** Events in sequence order, each exactly once. */
  applied?(events: readonly FeedEvent[]): void;
  /** Read-model rows that changed, right after the events that changed them. */
  patched?(patch: StatusPatch): void;
}

export interface HelpRequest {
  teamId: string;
  callSign: string;
  /** When the help request was made (device time). */
  since: string | null;
}

export interface StationEntry {
  station: Station;
  state: StationState;
  /** An open finding the state hides (a team present at a station with minor findings). */
  badge: FindingBadge;
}

/** A station whose state or badge changed, as the map needs it. */
export interface StationMarkChange {
  id: string;
  state: StationState;
  badge: FindingBadge;
}

/** What the live picture needs from a map; the map component implements it and attaches itself. */
export interface StationMapSink {
  setStates(changes: readonly StationMarkChange[]): void;
  addStations(entries: readonly StationEntry[]): void;
}

export interface StationRowQuery {
  state: StationState | 'all';
  /** Matched against number, name and district, case-insensitively. */
  text: string;
  limit: number;
}

export interface StationRow {
  id: string;
  number: string;
  name: string;
  district: string;
  state: StationState;
}

export interface StartOptions {
  api: ApiClient;
  token: string;
  /** A display link's own settings, from the session; null elsewhere. */
  display?: DisplayLinkSettings | null;
  /**
   * Start from the stations' summary (GET /api/stations/summary) when the map draws from tiles; the whole list then
   * waits for loadStationList(). The coordinators' page.
   */
  summaryFirst?: boolean;
}
