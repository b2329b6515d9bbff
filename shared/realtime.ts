/**
 * Every Socket.IO event, both ways. Facts the server tells are past tense or nouns; commands carry an acknowledgement.
 * Handshake: `io(url, { transports: ['websocket'], auth: { token, after } })`; the server first sends what was missed
 * after `after` in `commit` frames (with `status: null`), then one `commit` per stored commit.
 * Team (device) tokens get no feed at all: their socket carries only notices about their own team (`plan_updated`,
 * `help_resolved`, `message`), never `commit`, `head` or catch-up, and `catch_up` is refused.
 */
import type { AlertSettings } from './schemas/auth';
import type { DisplayLinkSettings, DisplayRevoked } from './schemas/displays';
import type { CatchUpRequest, FeedEvent } from './schemas/events';
import type { InboxItem } from './schemas/messages';
import type { WallReplay, WallReplayRenewal } from './schemas/replay';
import type { Station, StationStatus } from './schemas/stations';
import type { TeamStatus } from './schemas/teams';

/**
 * Read-model rows changed by stored events, sent with them so maps recolour without recomputing rules.
 * Apply a row only if its `updatedSeq` is newer than the one held. Displays get `lastPosition` null unless the mission
 * shows them team positions (server/modules/events/display-redaction.ts).
 */
export interface StatusPatch {
  stations: { id: string; status: StationStatus }[];
  teams: { id: string; status: TeamStatus }[];
}

/**
 * One frame per commit: the events it stored, in sequence order, and the read-model rows they changed, together, so
 * the server encodes it once per room and a client gets both or neither. An instance sends a mission's rooms at most
 * one frame per COMMIT_FRAME_INTERVAL_MS (server/realtime/commit-frames.ts): commits that follow each other closer than
 * that share the next frame, their events in order and the newest row per station and team. `status` is null only in
 * the catch-up frames sent on connect, which may span several commits: a client reads the rows changed since its
 * sequence over HTTP after every (re)connect anyway, and after filling any gap (a frame lost loses its rows with it).
 */
export interface Commit {
  events: FeedEvent[];
  status: StatusPatch | null;
}

export interface HeadAnnouncement {
  /** The mission's newest stored sequence, as this instance last read it. */
  seq: number;
  /** The client build this instance serves now (see GET /api/version); a page built otherwise is out of date. */
  build: string | null;
}

export type Ack<T> = { data: T } | { error: string };

export interface ServerToClientEvents {
  /**
   * A commit: its events and the rows they changed (catch-up frames first, with `status` null, then one per commit).
   * Coordinators get them whole, displays events as DisplayEvents (no free text, notes, answers, actors or positions
   * unless the mission allows them) and rows without team positions unless allowed.
   */
  commit: (commit: Commit) => void;
  /** Periodic: lets a client that missed news (Redis was down, say) see that it is behind and catch up. */
  head: (head: HeadAnnouncement) => void;
  /** Display links only: a coordinator changed this link's settings (label, rotation). */
  display_settings: (settings: DisplayLinkSettings) => void;
  /** Display links only: the link was revoked; the server disconnects the socket right after. */
  revoked: (notice: DisplayRevoked) => void;
  /** Coordinators only: a coordinator changed the mission's alert settings (stored); every coordinator's page follows. */
  alert_settings: (settings: AlertSettings) => void;
  /** A coordinator cleared the mission's drill data (the log starts again at genesis) or switched drill mode: reload everything. */
  mission_reset: (notice: { head: number }) => void;
  /** Team sockets only: a coordinator changed this team's planned route (stored at `seq`); fetch the plan again. */
  plan_updated: (notice: TeamNotice) => void;
  /** Team sockets only: this team's help request was closed (stored at `seq`); fetch the team's status again. */
  help_resolved: (notice: TeamNotice) => void;
  /**
   * Team sockets only: an item just put in this team's inbox (a coordinator's message; its help request acknowledged or
   * closed; one of its findings triaged; its own answer, from its other phone). GET /api/messages has them all.
   */
  message: (item: InboxItem) => void;
  /** Coordinators and displays: stations' details changed (a coordinator placed an unplaced station); stored first. */
  stations_changed: (notice: { stations: Station[] }) => void;
  /**
   * Displays only: a coordinator shows the walls a past moment (PUT /api/replay/walls), redacted as live data is. Sent
   * on every new moment (a scrub), and to a display that connects while one is on the walls; with no renewal by
   * `expiresAt` the wall goes back to live by itself.
   */
  wall_replay: (replay: WallReplay) => void;
  /**
   * Displays only: the moment on the walls was renewed (the coordinator's page still shows it): keep it until the new
   * `expiresAt`. Only the lease, not the moment again; a wall that does not show `at` ignores it.
   */
  wall_replay_renewed: (renewal: WallReplayRenewal) => void;
  /** Displays only: the coordinator pressed Back to live or turned "Show on walls" off: show live again now. */
  wall_replay_ended: () => void;
}

/** News for one team's phones: only which team and where in the log; the phone fetches the rest over HTTP. */
export interface TeamNotice {
  teamId: string;
  seq: number;
}

export interface ClientToServerEvents {
  /** Fetch stored events after a sequence (for filling a gap without reconnecting). */
  catch_up: (request: CatchUpRequest, ack: (result: Ack<{ events: FeedEvent[]; head: number }>) => void) => void;
}

/** Between server instances (through the Redis adapter). */
export interface InterServerEvents {
  /** A mission's display policy changed: drop any cached copy. */
  display_policy_changed: (missionId: string) => void;
  /**
   * An access token was revoked (a logout, a display link): drop any cached copy of it and disconnect its sockets, then
   * acknowledge, so the revoking instance can answer only once no instance will send that token anything more.
   */
  token_revoked: (tokenId: string, done: () => void) => void;
  /** A display link was revoked: tell its sockets here and disconnect them. */
  display_revoked: (linkId: string) => void;
}

export const MISSION_ROOM_PREFIX = 'mission:';
export function missionRoom(missionId: string): string {
  return `${MISSION_ROOM_PREFIX}${missionId}`;
}

/** Every socket of one display link, on any instance: revoking the link reaches them all. */
export const DISPLAY_LINK_ROOM_PREFIX = 'display-link:';
export function displayLinkRoom(linkId: string): string {
  return `${DISPLAY_LINK_ROOM_PREFIX}${linkId}`;
}

/** Every socket of one team's phones, on any instance: the only room a team socket is in besides its token's. */
export const TEAM_ROOM_PREFIX = 'team:';
export function teamRoom(teamId: string): string {
  return `${TEAM_ROOM_PREFIX}${teamId}`;
}

/**
 * Every socket opened with one coordinator session or device token: logging out (or the token expiring, or a password
 * change revoking it) disconnects them on every instance.
 */
export const TOKEN_ROOM_PREFIX = 'token:';
export function tokenRoom(tokenId: string): string {
  return `${TOKEN_ROOM_PREFIX}${tokenId}`;
}
