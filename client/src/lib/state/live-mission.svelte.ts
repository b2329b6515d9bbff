/**
 * The live picture of one mission: loads the read models, follows the socket, and keeps them level after anything lost.
 *
 * Its parts, each with one job (live-mission/): the link (socket, sequencer, gaps, online and offline), the station
 * index and the team index. This class ties them together: the first load, the resync after a (re)connect or a gap,
 * the followers, and the properties pages read. Only small, summary values are reactive (connection, sequence numbers,
 * counts); the stations sit in a plain Map and in the map's GeoJSON source (see station-index.svelte.ts).
 */
import type { StatusPatch } from '../../../../shared/realtime';
import type { AlertSettings } from '../../../../shared/schemas/auth';
import type { DisplayLinkSettings } from '../../../../shared/schemas/displays';
import { renewHeld, type HeldWallReplay } from '../wall/wall-replay';
import type { Station } from '../../../../shared/schemas/stations';
import type { Team } from '../../../../shared/schemas/teams';
import { ApiError, type ApiClient } from '../api';
import { MissionLink } from './live-mission/mission-link.svelte';
import { readStationList } from './live-mission/station-list-loader';
import { StationIndex } from './live-mission/station-index.svelte';
import { TeamIndex } from './live-mission/team-index.svelte';
import type {
  LiveFollower,
  StartOptions,
  StationEntry,
  StationMapSink,
  StationMarkChange,
  StationRow,
  StationRowQuery,
} from './live-mission/types';

export type {
  ConnectionState,
  HelpRequest,
  LiveFollower,
  StartOptions,
  StationEntry,
  StationMapSink,
  StationMarkChange,
  StationRow,
  StationRowQuery,
} from './live-mission/types';

/** A failed resync (stations/teams changed since a sequence) is tried again after this. */
const RESYNC_RETRY_MS = 5_000;
/** A first load that failed (server down or restarting) is tried again after this: a wall display has nobody to click. */
const LOAD_RETRY_MS = 5_000;
/** While the station list loads, the counts are read again this long after a change (see #summaryAgainSoon). */
const SUMMARY_AGAIN_MS = 300;

export class LiveMission {
  /** The stations (or their summary) and the teams are in: the page is level with the log. */
  loaded = $state(false);
  /**
   * The stations (or their summary) are in: the map can be built, before the teams (drawn on it once it is) arrive.
   * Set before `loaded`.
   */
  stationsLoaded = $state(false);
  loadError = $state<string | null>(null);
  /** A display link's settings; the server pushes changes as they are made. */
  displaySettings = $state<DisplayLinkSettings | null>(null);
  /**
   * The mission's alert settings once a coordinator changed them after this page's session was read (pushed to
   * coordinators, read again after a reconnect); null until then.
   */
  alertSettings = $state<AlertSettings | null>(null);
  /** Set when the server said this display link was revoked; the live link is closed for good. */
  revokedReason = $state<string | null>(null);
  /** Displays: the past moment a coordinator shows the walls, with when it arrived (null: live). */
  wallReplay = $state.raw<HeldWallReplay | null>(null);

  readonly #link = new MissionLink();
  readonly #stations = new StationIndex();
  readonly #teams = new TeamIndex();
  readonly #followers = new Set<LiveFollower>();
  #api: ApiClient | null = null;
  #loadRetryTimer: ReturnType<typeof setTimeout> | null = null;
  #resyncAfter: number | null = null;
  #resyncing = false;
  /** A summary-first load: the whole list is read once loadStationList() is called (by then the map is drawn). */
  #listWanted = false;
  #listRequested = false;
  /** Aborts the list's reading when the run ends. */
  #listAbort: AbortController | null = null;
  #summaryTimer: ReturnType<typeof setTimeout> | null = null;
  #summaryReading = false;
  /** Bumped by start/stop: answers to requests of an earlier run are dropped. */
  #run = 0;

  // What pages read, from the part that keeps it (reading through a getter stays reactive).
  get connection() {
    return this.#link.connection;
  }
  /** When the connection entered its present state; for 'offline', when the live link was lost. */
  get connectionSince() {
    return this.#link.connectionSince;
  }
  get lastSeq() {
    return this.#link.lastSeq;
  }
  get head() {
    return this.#link.head;
  }
  /** Arrival time of the newest event applied. */
  get lastEventAt() {
    return this.#link.lastEventAt;
  }
  /** When the server last told us anything (an event, a patch, a head announcement, a connect). */
  get lastHeardAt() {
    return this.#link.lastHeardAt;
  }
  /** The client build the server says it serves now; null until announced, or when it serves none. */
  get serverBuild() {
    return this.#link.serverBuild;
  }
  get counts() {
    return this.#stations.counts;
  }
  /**
   * True while the page shows a summary of the stations (their counts; the map from tiles) and the whole list is yet to
   * arrive: lists, search and station details fill in when it does.
   */
  get stationListPending() {
    return this.#listPending;
  }
  #listPending = $state(false);
  get stationCount() {
    return this.#stations.count;
  }
  /** Moves whenever any station's row changed. */
  get stationsVersion() {
    return this.#stations.version;
  }
  get teamCount() {
    return this.#teams.count;
  }
  get helpOpenCount() {
    return this.#teams.helpOpenCount;
  }
  /** Moves whenever any team's row changed. */
  get teamsVersion() {
    return this.#teams.version;
  }
  /** Teams with an open help request, oldest first. */
  get helpRequests() {
    return this.#teams.helpRequests;
  }

  async start(options: StartOptions): Promise<void> {
    this.stop();
    const run = this.#run;
    this.#api = options.api;
    this.#stations.reset();
    this.#teams.reset();
    this.revokedReason = null;
    this.loaded = false;
    this.stationsLoaded = false;
    this.loadError = null;
    this.#link.reset();
    this.displaySettings = options.display ?? null;
    this.alertSettings = null;

    this.#listPending = false;
    this.#listWanted = false;
    this.#listRequested = false;

    let head: number;
    try {
      // A mission the map draws from tiles starts from a summary: the whole list (90 MB at 200,000 stations) would
      // hold the first render for seconds, and the map does not need it. The list follows (loadStationList).
      // Both reads leave at once; the map waits for the stations only (stationsLoaded).
      const summaryRead = options.summaryFirst ? options.api.stationSummary() : Promise.resolve(null);
      const teamsRead = options.api.teams();
      // Awaited below; if the stations' read fails first, this one must not go unhandled meanwhile.
      teamsRead.catch(() => undefined);
      const summary = await summaryRead;
      if (run !== this.#run) return;
      let stationsHead: number;
      if (summary !== null && summary.counts !== null) {
        this.#stations.preload(summary.count, summary.counts);
        this.#listPending = true;
        stationsHead = summary.head;
      } else {
        const stationsReply = await options.api.stations();
        if (run !== this.#run) return;
        this.#stations.load(stationsReply.stations);
        stationsHead = stationsReply.head;
      }
      this.stationsLoaded = true;
      const teamsReply = await teamsRead;
      if (run !== this.#run) return;
      // Not load(): with the map drawn before the teams came, a resync (after the station list) may have read newer rows.
      this.#teams.upsert(teamsReply.teams);
      // The two lists were read at slightly different moments; replaying from the older one is harmless because rows
      // are only ever replaced by newer ones.
      head = Math.min(stationsHead, teamsReply.head);
      this.#link.loaded(head, Math.max(stationsHead, teamsReply.head));
      this.loaded = true;
    } catch (error) {
      if (run !== this.#run) return;
      this.stationsLoaded = false;
      this.loadError = error instanceof Error ? error.message : String(error);
      this.#link.failed();
      // A 401 ends the session (the API client says so); anything else may pass, so try again by itself.
      if (!(error instanceof ApiError && error.status === 401)) {
        this.#loadRetryTimer = setTimeout(() => {
          this.#loadRetryTimer = null;
          if (run === this.#run) void this.start(options);
        }, LOAD_RETRY_MS);
      }
      return;
    }
    this.#resyncFollowers();

    this.#link.open({
      api: options.api,
      token: options.token,
      lastSeq: head,
      handlers: {
        connected: (again, lastSeq) => {
          // Settings are not events: a change pushed while we were away is read again (coordinators only hear of them).
          if (again && !options.display) this.#refreshAlertSettings(options.api, run);
          // Whatever changed while we were away (or between the first load and now) is fetched, not replayed: the
          // server sends missed events, but the rows they changed only as they are now.
          this.#resync(lastSeq);
          this.#resyncFollowers();
        },
        applied: (events) => {
          if (events.length > 0) for (const follower of this.#followers) follower.applied?.(events);
        },
        patched: (patch) => {
          this.#applyPatch(patch);
          for (const follower of this.#followers) follower.patched?.(patch);
        },
        stationsChanged: (stations) => this.#stations.applyDetails(stations),
        gapFilled: (after) => {
          this.#resync(after);
          this.#resyncFollowers();
        },
        displaySettings: (settings) => {
          this.displaySettings = settings;
        },
        alertSettings: (settings) => {
          this.alertSettings = settings;
        },
        revoked: (notice) => {
          this.stop();
          this.revokedReason = notice.reason;
        },
        wallReplay: (replay) => {
          this.wallReplay = replay === null ? null : { replay, receivedAtMs: Date.now() };
        },
        wallReplayRenewed: (renewal) => {
          this.wallReplay = renewHeld(this.wallReplay, renewal, Date.now());
        },
      },
    });
  }

  stop(): void {
    this.#run++;
    this.#link.close();
    if (this.#loadRetryTimer !== null) clearTimeout(this.#loadRetryTimer);
    this.#loadRetryTimer = null;
    if (this.#summaryTimer !== null) clearTimeout(this.#summaryTimer);
    this.#summaryTimer = null;
    this.#summaryReading = false;
    this.#listAbort?.abort();
    this.#listAbort = null;
    this.#resyncAfter = null;
    // A resync loop of the stopped run notices the new run number and ends on its own.
    this.#resyncing = false;
  }

  /**
   * After a summary-first start, reads the whole station list (once; again after a failure) and applies over it what
   * arrived meanwhile. Called by the page once its map is drawn, so the list does not compete with the first render.
   */
  loadStationList(): void {
    this.#listWanted = true;
    if (this.#listPending && !this.#listRequested) void this.#loadList(this.#run);
  }

  async #loadList(run: number): Promise<void> {
    const api = this.#api;
    if (api === null) return;
    this.#listRequested = true;
    const abort = new AbortController();
    this.#listAbort = abort;
    try {
      // Read and parsed in a worker, applied here a batch per task: the list is seconds of work at 200,000 stations.
      this.#stations.beginLoad();
      await readStationList(api, (stations) => this.#stations.loadBatch(stations), abort.signal);
      if (run !== this.#run) return;
      this.#listAbort = null;
      // Stations of statuses heard meanwhile that the list does not hold were added after it was read: fetched whole.
      for (const after of this.#stations.completeLoad()) this.#resync(after);
      this.#listPending = false;
    } catch {
      if (run !== this.#run) return;
      this.#listRequested = false;
      this.#loadRetryTimer = setTimeout(() => {
        this.#loadRetryTimer = null;
        if (run === this.#run && this.#listWanted) void this.#loadList(run);
      }, LOAD_RETRY_MS);
    }
  }

  /**
   * While the list loads, a change's old state is not known, so the counts are read again from the server (shortly
   * after the change, one read at a time) rather than moved here.
   */
  #summaryAgainSoon(): void {
    if (!this.#stations.partial || this.#summaryTimer !== null || this.#api === null) return;
    const api = this.#api;
    const run = this.#run;
    this.#summaryTimer = setTimeout(() => {
      this.#summaryTimer = null;
      if (this.#summaryReading) {
        this.#summaryAgainSoon();
        return;
      }
      this.#summaryReading = true;
      api.stationSummary().then(
        (summary) => {
          if (run !== this.#run) return;
          this.#summaryReading = false;
          if (summary.counts !== null) this.#stations.setSummary(summary.count, summary.counts);
        },
        () => {
          if (run === this.#run) this.#summaryReading = false;
        },
      );
    }, SUMMARY_AGAIN_MS);
  }

  /** Adds a follower; it is resynced at once if the mission is loaded. Returns the function that removes it. */
  follow(follower: LiveFollower): () => void {
    this.#followers.add(follower);
    if (this.loaded && this.#api !== null) follower.resync(this.#api);
    return () => {
      this.#followers.delete(follower);
    };
  }

  /** The map calls this once it exists; later changes reach it as diffs. Returns the detach function. */
  /** The map shows a past moment (every station's state then); live news keeps arriving and waits for showLive(). */
  showMoment(marks: readonly StationMarkChange[]): void {
    this.#stations.showMoment(marks);
  }

  /** The map shows the mission as it is now again. */
  showLive(): void {
    this.#stations.showLive();
  }

  attachMap(sink: StationMapSink): () => void {
    return this.#stations.attachMap(sink);
  }

  /** Every station entry, for building the map once. Not reactive. */
  stationEntries(): StationEntry[] {
    return this.#stations.entries();
  }

  station(id: string): StationEntry | undefined {
    return this.#stations.get(id);
  }

  team(id: string): Team | undefined {
    return this.#teams.get(id);
  }

  /** Every team, by call sign. Reading it inside `$derived` re-runs when any team changes. */
  teamList(): Team[] {
    return this.#teams.list();
  }

  /** The rows of the station list. Reading it inside `$derived` re-runs when any station changes. */
  stationRows(query: StationRowQuery): { rows: StationRow[]; total: number } {
    return this.#stations.rows(query);
  }

  /** Stations without a position, by code: listed beside the map. Reading it inside `$derived` follows `stationsVersion`. */
  unplacedStations(): Station[] {
    return this.#stations.unplaced();
  }

  #refreshAlertSettings(api: ApiClient, run: number): void {
    api.session().then(
      (session) => {
        if (run === this.#run) this.alertSettings = session.mission.alerts;
      },
      // The next reconnect tries again; until then the page keeps the settings it has.
      () => undefined,
    );
  }

  #resyncFollowers(): void {
    const api = this.#api;
    if (api !== null) for (const follower of this.#followers) follower.resync(api);
  }

  /** Rows of stations or teams we do not hold yet (added after we loaded) are fetched whole. */
  #applyPatch(patch: StatusPatch): void {
    if (patch.stations.length > 0) this.#summaryAgainSoon();
    for (const after of this.#stations.applyStatuses(patch.stations)) this.#resync(after);
    for (const after of this.#teams.applyStatuses(patch.teams)) this.#resync(after);
  }

  /** Fetches stations changed after `after` and all teams; overlapping requests are merged into one. */
  #resync(after: number): void {
    this.#resyncAfter = this.#resyncAfter === null ? after : Math.min(this.#resyncAfter, after);
    if (!this.#resyncing) void this.#runResync(this.#run);
  }

  async #runResync(run: number): Promise<void> {
    const api = this.#api;
    if (api === null) return;
    this.#resyncing = true;
    try {
      while (this.#resyncAfter !== null && run === this.#run) {
        const after = this.#resyncAfter;
        this.#resyncAfter = null;
        try {
          const [stationsReply, teamsReply] = await Promise.all([api.stations(after), api.teams()]);
          if (run !== this.#run) return;
          if (stationsReply.stations.length > 0) this.#summaryAgainSoon();
          this.#stations.upsert(stationsReply.stations);
          this.#teams.upsert(teamsReply.teams);
          this.#link.noteHead(Math.max(stationsReply.head, teamsReply.head));
        } catch {
          if (run !== this.#run) return;
          this.#resyncAfter = this.#resyncAfter === null ? after : Math.min(this.#resyncAfter, after);
          await new Promise((resolve) => setTimeout(resolve, RESYNC_RETRY_MS));
        }
      }
    } finally {
      if (run === this.#run) this.#resyncing = false;
    }
  }
}

export const liveMission = new LiveMission();
