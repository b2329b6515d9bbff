/** Limits and intervals shared by server and client. Units are in the names. */

/** How far in the future a device clock may be before an event is rejected as insane. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;
/** How old an event may be when it finally reaches the server (a phone offline for days still delivers). */
export const MAX_EVENT_AGE_MS = 14 * 24 * 60 * 60 * 1000;
/** Most events one POST /api/events may carry. */
export const MAX_EVENTS_PER_BATCH = 500;
/** Largest request body the API accepts, in bytes (imports of a national station list fit). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** A station list of 200,000 rows with every column is about 25 MB. */
export const MAX_STATION_IMPORT_BYTES = 64 * 1024 * 1024;
/** An official results file: 177,000 stations × their candidates, a line each, runs to about 150 MB. */
export const MAX_OFFICIAL_RESULTS_BYTES = 256 * 1024 * 1024;
/** Largest page of the catch-up feed. */
export const MAX_EVENTS_PAGE = 5000;
/** Catch-up is sent to a reconnecting socket in frames of this many events. */
export const CATCH_UP_FRAME_EVENTS = 1000;
/** Every instance tells its sockets the mission's head sequence this often, so a client that missed news notices. */
export const HEAD_ANNOUNCE_INTERVAL_MS = 5000;
/** A client that sees a hole in the sequence waits this long for the missing events before fetching them. */
export const GAP_WAIT_MS = 750;
/** Coordinator sessions last a long election day and its night count. */
export const SESSION_TTL_MS = 36 * 60 * 60 * 1000;
/** Longest free-text field (finding text, notes), in characters. */
export const MAX_TEXT_CHARS = 4000;
/** A team counts as active on the wall when its last sign of life is at most this old. */
export const ACTIVE_TEAM_WITHIN_MS = 30 * 60 * 1000;
/** Shortest and longest time a wall display shows one view (city, a district) when it rotates. */
export const MIN_DISPLAY_ROTATION_SECONDS = 5;
export const MAX_DISPLAY_ROTATION_SECONDS = 3600;
/** Most findings the recent-findings list returns (the wall's ticker keeps 20). */
export const MAX_RECENT_FINDINGS = 100;
/** Largest finding photo the server stores, in bytes. Phones compress to well under it (PHOTO_MAX_EDGE_PX, JPEG). */
export const MAX_PHOTO_BYTES = 3 * 1024 * 1024;
/** Photo types the server stores. */
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/**
 * Longest edge, in pixels, of a photo the server stores: phones send at most PHOTO_MAX_EDGE_PX; more room for other
 * clients, but no 3 MB image that unpacks to gigabytes in the coordinator's browser.
 */
export const MAX_PHOTO_EDGE_PX = 12_000;
/** Phones scale a photo so its longer edge is at most this many pixels before sending it. */
export const PHOTO_MAX_EDGE_PX = 1600;
/**
 * A replay shown on the walls lasts this long unless the coordinator's page renews it: a page closed or cut off never
 * leaves a wall in the past for longer.
 */
export const WALL_REPLAY_LEASE_MS = 30_000;
/** The coordinator's page renews the walls' replay this often while it is on. */
export const WALL_REPLAY_RENEW_MS = 5_000;

/**
 * Station tiles follow station states at most this often (ms) on the server (STATION_TILES_REFRESH_MS), and a tiled map
 * reloads its tiles at most this often after live changes: only cluster counts and worst states wait for it, each
 * station's own shape changes at once.
 */
export const STATION_TILES_REFRESH_MS = 3000;
/**
 * Above this many stations the map reads them as vector tiles (GET /api/stations/tiles/…) instead of one GeoJSON source
 * built in the browser: a city's few hundred stations stay on the GeoJSON path, which draws them with no tile requests.
 */
export const TILED_MAP_MIN_STATIONS = 20_000;
