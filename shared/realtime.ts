/**
 * Every Socket.IO event, both ways. Facts the server tells are past tense or nouns; commands carry an acknowledgement.
 * Handshake: `io(url, { transports: ['websocket'], auth: { token, after } })`; the server first sends what was missed
 * after `after` in `events` frames, then live `events` as they are stored.
 */
import type { StoredEvent } from './schemas/events';
import type { StationStatus } from './schemas/stations';
import type { TeamStatus } from './schemas/teams';

/**
 * Read-model rows changed by stored events, sent right after them so maps recolour without recomputing rules.
 * Apply a row only if its `updatedSeq` is newer than the one held. Displays get team rows without `lastPosition`.
 */
export interface StatusPatch {
  stations: { id: string; status: StationStatus }[];
  teams: { id: string; status: TeamStatus }[];
}

export interface HeadAnnouncement {
  /** The mission's newest stored sequence, as this instance last read it. */
  seq: number;
}

export type Ack<T> = { data: T } | { error: string };

export interface ServerToClientEvents {
  /** Stored events in sequence order (catch-up frames first, then live ones). */
  events: (events: StoredEvent[]) => void;
  /** Read-model rows changed by the events just sent. */
  status: (patch: StatusPatch) => void;
  /** Periodic: lets a client that missed news (Redis was down, say) see that it is behind and catch up. */
  head: (head: HeadAnnouncement) => void;
}

export interface ClientToServerEvents {
  /** Fetch stored events after a sequence (for filling a gap without reconnecting). */
  catch_up: (request: { after: number; limit?: number }, ack: (result: Ack<{ events: StoredEvent[]; head: number }>) => void) => void;
}

export const MISSION_ROOM_PREFIX = 'mission:';
export function missionRoom(missionId: string): string {
  return `${MISSION_ROOM_PREFIX}${missionId}`;
}
