/**
 * The live picture of one mission: loads the read models, follows the socket, and keeps them level after anything lost.
 *
 * Only small, summary values are reactive (connection, sequence numbers, counts). The stations themselves — 228 in a city,
 * 100,000 in a country — sit in a plain Map and in the map's GeoJSON source, and are patched by id; lists re-read them when
 * `stationsVersion` moves.
 */
import type { StatusPatch } from '../../../../shared/realtime';
import type { AlertSettings } from '../../../../shared/schemas/auth';
import type { DisplayLinkSettings } from '../../../../shared/schemas/displays';
import type { FeedEvent } from '../../../../shared/schemas/events';
import type { Station, StationStatus } from '../../../../shared/schemas/stations';
import type { Team } from '../../../../shared/schemas/teams';
import { MAX_EVENTS_PAGE } from '../../../../shared/constants';
import { STATION_STATES, findingBadge, stationState, type FindingBadge, type StationState } from '../../../../shared/station-state';
import { ApiError, type ApiClient } from '../api';
import { catchUp, connectSocket, type VigilSocket } from '../socket';
import { EventSequencer, type GapRequest } from '../live/event-sequencer';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Without a connection for this long, stop saying "reconnecting" and admit the picture is no longer live. */
const OFFLINE_AFTER_MS = 10_000;
/** A socket the server turned away for a reason other than the session waits this long before trying again. */
const REFUSED_RETRY_MS = 5_000;
/** A failed resync (stations/teams changed since a sequence) is tried again after this. */
const RESYNC_RETRY_MS = 5_000;
/** A first load that failed (server down or restarting) is tried again after this: a wall display has nobody to click. */
const LOAD_RETRY_MS = 5_000;

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
}

function emptyCounts(): Record<StationState, number> {
  return Object.fromEntries(STATION_STATES.map((state) => [state, 0])) as Record<StationState, number>;
}

const byStationNumber = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export class LiveMission {
  connection = $state<ConnectionState>('connecting');
  /** When the connection entered its present state; for 'offline', when the live link was lost. */
  connectionSince = $state(new Date());
  lastSeq = $state(0);
  head = $state(0);
  /** Arrival time of the newest event applied. */
  lastEventAt = $state<Date | null>(null);
  counts = $state(emptyCounts());
  stationCount = $state(0);
  teamCount = $state(0);
  helpOpenCount = $state(0);
  loaded = $state(false);
  loadError = $state<string | null>(null);
  /** Moves whenever any station's row changed. */
  stationsVersion = $state(0);
  /** When the server last told us anything (an event, a patch, a head announcement, a connect). */
  lastHeardAt = $state<Date | null>(null);
  /** The client build the server says it serves now; null until announced, or when it serves none. */
  serverBuild = $state<string | null>(null);
  /** Moves whenever any team's row changed. */
  teamsVersion = $state(0);
  /** Teams with an open help request, oldest first. */
  helpRequests = $state.raw<HelpRequest[]>([]);
  /** A display link's settings; the server pushes changes as they are made. */
  displaySettings = $state<DisplayLinkSettings | null>(null);
  /**
   * The mission's alert settings once a coordinator changed them after this page's session was read (pushed to
   * coordinators, read again after a reconnect); null until then.
   */
  alertSettings = $state<AlertSettings | null>(null);
  /** Set when the server said this display link was revoked; the live link is closed for good. */
  revokedReason = $state<string | null>(null);

  readonly #stations = new Map<string, StationEntry>();
  /** Station ids in station-number order, for lists. */
  #order: string[] = [];
  /** The list rows last handed out, reused while their station is unchanged (see stationRows). */
  readonly #rows = new Map<string, StationRow>();
  readonly #teams = new Map<string, Team>();
  #api: ApiClient | null = null;
  #socket: VigilSocket | null = null;
  #sequencer: EventSequencer<FeedEvent> | null = null;
  #sink: StationMapSink | null = null;
  #offlineTimer: ReturnType<typeof setTimeout> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #loadRetryTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #followers = new Set<LiveFollower>();
  #resyncAfter: number | null = null;
  #resyncing = false;
  /** Bumped by start/stop: answers to requests of an earlier run are dropped. */
  #run = 0;
  #removeWindowListeners: (() => void) | null = null;

  async start(options: StartOptions): Promise<void> {
    this.stop();
    const run = this.#run;
    this.#api = options.api;
    this.#reset();
    this.displaySettings = options.display ?? null;
    this.alertSettings = null;
    this.#armOfflineTimer();

    let head: number;
    try {
      const [stationsReply, teamsReply] = await Promise.all([options.api.stations(), options.api.teams()]);
      if (run !== this.#run) return;
      for (const station of stationsReply.stations) this.#addStation(station);
      this.#sortOrder();
      for (const team of teamsReply.teams) this.#teams.set(team.id, team);
      this.#recountTeams();
      // The two lists were read at slightly different moments; replaying from the older one is harmless because rows
      // are only ever replaced by newer ones.
      head = Math.min(stationsReply.head, teamsReply.head);
      this.lastSeq = head;
      this.head = Math.max(stationsReply.head, teamsReply.head);
      this.stationsVersion++;
      this.loaded = true;
    } catch (error) {
      if (run !== this.#run) return;
      this.loadError = error instanceof Error ? error.message : String(error);
      this.#clearTimers();
      this.#setConnection('offline');
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

    const sequencer = new EventSequencer<FeedEvent>({ lastSeq: head, onGap: (gap) => this.#fillGap(gap, run) });
    this.#sequencer = sequencer;
    const socket = connectSocket({ token: options.token, lastSeq: () => sequencer.lastSeq });
    this.#socket = socket;

    let connectedBefore = false;
    socket.on('connect', () => {
      this.#clearTimers();
      this.#setConnection('live');
      this.#heard();
      // Settings are not events: a change pushed while we were away is read again (coordinators only hear of them).
      if (connectedBefore && !options.display) this.#refreshAlertSettings(options.api, run);
      connectedBefore = true;
      // Whatever changed while we were away (or between the first load and now) is fetched, not replayed: the server
      // sends missed events, but the rows they changed only as they are now.
      this.#resync(sequencer.lastSeq);
      this.#resyncFollowers();
    });
    socket.on('disconnect', (reason) => {
      this.#setConnection('reconnecting');
      this.#armOfflineTimer();
      // Only a deliberate disconnect by the server stops socket.io's own retries; find out whether the session is over.
      if (reason === 'io server disconnect') this.#checkSessionThenReconnect(run);
    });
    socket.on('connect_error', () => {
      // While `active`, socket.io keeps retrying by itself; otherwise the server refused the handshake.
      if (!socket.active) this.#checkSessionThenReconnect(run);
    });
    socket.on('events', (events) => {
      this.#heard();
      this.#applied(sequencer.accept(events));
    });
    socket.on('stations_changed', ({ stations }) => {
      this.#heard();
      this.#applyStationDetails(stations);
    });
    socket.on('status', (patch) => {
      this.#heard();
      this.#applyPatch(patch);
      for (const follower of this.#followers) follower.patched?.(patch);
    });
    socket.on('head', (announcement) => {
      this.#heard();
      this.serverBuild = announcement.build;
      sequencer.noteHead(announcement.seq);
      this.#noteSequence();
    });
    socket.on('display_settings', (settings) => {
      this.displaySettings = settings;
    });
    socket.on('alert_settings', (settings) => {
      this.alertSettings = settings;
    });
    // A coordinator cleared the drill: the log starts again at genesis, so the page starts again from the server.
    socket.on('mission_reset', () => location.reload());
    socket.on('revoked', (notice) => {
      // Told by the server itself: stop at once rather than wait for the disconnect that follows.
      this.stop();
      this.revokedReason = notice.reason;
    });

    const goneOffline = () => {
      if (this.connection === 'reconnecting') this.#setConnection('offline', this.connectionSince);
    };
    const backOnline = () => {
      if (!socket.connected && !socket.active) socket.connect();
    };
    window.addEventListener('offline', goneOffline);
    window.addEventListener('online', backOnline);
    this.#removeWindowListeners = () => {
      window.removeEventListener('offline', goneOffline);
      window.removeEventListener('online', backOnline);
    };
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

  stop(): void {
    this.#run++;
    this.#socket?.removeAllListeners();
    this.#socket?.disconnect();
    this.#socket = null;
    this.#sequencer?.dispose();
    this.#sequencer = null;
    this.#clearTimers();
    this.#removeWindowListeners?.();
    this.#removeWindowListeners = null;
    this.#resyncAfter = null;
    // A resync loop of the stopped run notices the new run number and ends on its own.
    this.#resyncing = false;
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
  attachMap(sink: StationMapSink): () => void {
    this.#sink = sink;
    return () => {
      if (this.#sink === sink) this.#sink = null;
    };
  }

  /** Every station entry, for building the map once. Not reactive. */
  stationEntries(): StationEntry[] {
    return this.#order.flatMap((id) => this.#stations.get(id) ?? []);
  }

  station(id: string): StationEntry | undefined {
    return this.#stations.get(id);
  }

  team(id: string): Team | undefined {
    return this.#teams.get(id);
  }

  /** Every team, by call sign. Reading it inside `$derived` re-runs when any team changes. */
  teamList(): Team[] {
    void this.teamsVersion;
    return [...this.#teams.values()].sort((a, b) => byStationNumber.compare(a.callSign, b.callSign));
  }

  /** The rows of the station list. Reading it inside `$derived` re-runs when any station changes. */
  stationRows(query: StationRowQuery): { rows: StationRow[]; total: number } {
    void this.stationsVersion;
    const text = query.text.trim().toLocaleLowerCase();
    const rows: StationRow[] = [];
    let total = 0;
    for (const id of this.#order) {
      const entry = this.#stations.get(id);
      if (entry === undefined || (query.state !== 'all' && entry.state !== query.state)) continue;
      const { station } = entry;
      if (text !== '' && !`${station.number} ${station.name} ${station.district}`.toLocaleLowerCase().includes(text)) {
        continue;
      }
      total++;
      if (rows.length < query.limit) rows.push(this.#row(id, entry));
    }
    return { rows, total };
  }

  /**
   * A station's list row: the same object while the station is unchanged, a fresh one when it changed, so a keyed list
   * redraws only the rows whose station changed (not all 500 on every check-in).
   */
  #row(id: string, { station, state }: StationEntry): StationRow {
    const held = this.#rows.get(id);
    if (held !== undefined && held.state === state && held.number === station.number && held.name === station.name && held.district === station.district) return held;
    const row = { id, number: station.number, name: station.name, district: station.district, state };
    this.#rows.set(id, row);
    return row;
  }

  #reset(): void {
    this.#rows.clear();
    this.#stations.clear();
    this.#teams.clear();
    this.#order = [];
    this.#sink = null;
    this.counts = emptyCounts();
    this.stationCount = 0;
    this.teamCount = 0;
    this.helpOpenCount = 0;
    this.lastSeq = 0;
    this.head = 0;
    this.lastEventAt = null;
    this.lastHeardAt = null;
    this.helpRequests = [];
    this.revokedReason = null;
    this.loaded = false;
    this.loadError = null;
    this.stationsVersion++;
    this.#setConnection('connecting');
  }

  #setConnection(state: ConnectionState, since = new Date()): void {
    this.connection = state;
    this.connectionSince = since;
  }

  #armOfflineTimer(): void {
    if (this.#offlineTimer !== null) return;
    this.#offlineTimer = setTimeout(() => {
      this.#offlineTimer = null;
      // "Offline since" is when the live link was lost, not when we gave up waiting for it.
      if (this.connection !== 'live') this.#setConnection('offline', this.connectionSince);
    }, OFFLINE_AFTER_MS);
  }

  #clearTimers(): void {
    if (this.#offlineTimer !== null) clearTimeout(this.#offlineTimer);
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    if (this.#loadRetryTimer !== null) clearTimeout(this.#loadRetryTimer);
    this.#offlineTimer = null;
    this.#retryTimer = null;
    this.#loadRetryTimer = null;
  }

  #heard(): void {
    this.lastHeardAt = new Date();
  }

  #applied(ready: readonly FeedEvent[]): void {
    const newest = ready.at(-1);
    if (newest !== undefined) this.lastEventAt = new Date(newest.receivedAt);
    this.#noteSequence();
    if (ready.length > 0) for (const follower of this.#followers) follower.applied?.(ready);
  }

  #resyncFollowers(): void {
    const api = this.#api;
    if (api !== null) for (const follower of this.#followers) follower.resync(api);
  }

  /** A 401 here ends the session through the API client's handler; anything else means "try the socket again later". */
  #checkSessionThenReconnect(run: number): void {
    const api = this.#api;
    if (api === null || this.#retryTimer !== null) return;
    api.session().then(
      () => this.#retrySocketLater(run),
      () => this.#retrySocketLater(run),
    );
  }

  #retrySocketLater(run: number): void {
    if (run !== this.#run || this.#retryTimer !== null) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (run === this.#run && this.#socket !== null && !this.#socket.connected) this.#socket.connect();
    }, REFUSED_RETRY_MS);
  }

  async #fillGap(gap: GapRequest, run: number): Promise<void> {
    const api = this.#api;
    const socket = this.#socket;
    const sequencer = this.#sequencer;
    if (api === null || sequencer === null) return;
    const limit = Math.min(MAX_EVENTS_PAGE, Math.max(1, gap.upTo - gap.after));
    // The open socket is the cheaper way; plain HTTP still works when only WebSockets are blocked.
    const page = socket?.connected ? await catchUp(socket, gap.after, limit) : await api.events(gap.after, limit);
    if (run !== this.#run) return;
    const ready = sequencer.accept(page.events);
    sequencer.noteHead(page.head);
    this.#applied(ready);
    // The status rows that travelled with the lost events were lost with them.
    this.#resync(gap.after);
    this.#resyncFollowers();
  }

  #noteSequence(): void {
    if (this.#sequencer === null) return;
    this.lastSeq = this.#sequencer.lastSeq;
    this.head = this.#sequencer.head;
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
          this.#upsertStations(stationsReply.stations);
          this.#upsertTeams(teamsReply.teams);
          this.#sequencer?.noteHead(Math.max(stationsReply.head, teamsReply.head));
          this.#noteSequence();
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

  #applyPatch(patch: StatusPatch): void {
    const changes: StationMarkChange[] = [];
    for (const row of patch.stations) {
      const entry = this.#stations.get(row.id);
      if (entry === undefined) {
        // A station imported after we loaded: fetch it whole (the patch has no name or place).
        this.#resync(row.status.updatedSeq - 1);
        continue;
      }
      this.#setStatus(entry, row.status, changes);
    }
    this.#publish(changes, []);

    let teamsChanged = false;
    for (const row of patch.teams) {
      const team = this.#teams.get(row.id);
      if (team === undefined) {
        this.#resync(row.status.updatedSeq - 1);
      } else if (row.status.updatedSeq > team.status.updatedSeq) {
        // A display's rows carry lastPosition too (null when the mission hides positions), so a row replaces ours whole.
        this.#teams.set(row.id, { ...team, status: row.status });
        teamsChanged = true;
      }
    }
    if (teamsChanged) this.#recountTeams();
  }

  #upsertStations(stations: readonly Station[]): void {
    const changes: StationMarkChange[] = [];
    const added: StationEntry[] = [];
    for (const station of stations) {
      const entry = this.#stations.get(station.id);
      if (entry === undefined) {
        added.push(this.#addStation(station));
        continue;
      }
      const status = entry.station.status;
      entry.station = { ...station, status };
      this.#setStatus(entry, station.status, changes);
    }
    if (added.length > 0) this.#sortOrder();
    this.#publish(changes, added);
  }

  #upsertTeams(teams: readonly Team[]): void {
    for (const team of teams) {
      const held = this.#teams.get(team.id);
      if (held === undefined || team.status.updatedSeq >= held.status.updatedSeq) this.#teams.set(team.id, team);
      else this.#teams.set(team.id, { ...team, status: held.status });
    }
    this.#recountTeams();
  }

  #addStation(station: Station): StationEntry {
    const entry: StationEntry = { station, state: stationState(station.status), badge: findingBadge(station.status) };
    this.#stations.set(station.id, entry);
    this.#order.push(station.id);
    this.counts[entry.state]++;
    this.stationCount = this.#stations.size;
    return entry;
  }

  /**
   * A coordinator placed or moved stations: details replace ours (the status stays whichever is newer); a station that
   * now has a position is (re)drawn on the map.
   */
  #applyStationDetails(stations: readonly Station[]): void {
    const drawn: StationEntry[] = [];
    for (const station of stations) {
      const entry = this.#stations.get(station.id);
      if (!entry) continue;
      const status = station.status.updatedSeq > entry.station.status.updatedSeq ? station.status : entry.station.status;
      entry.station = { ...station, status };
      if (station.lat !== null && station.lng !== null) drawn.push(entry);
    }
    this.#publish([], drawn);
  }

  /** Stations without a position, by code: listed beside the map. Reading it inside `$derived` follows `stationsVersion`. */
  unplacedStations(): Station[] {
    void this.stationsVersion;
    return this.#order.flatMap((id) => {
      const station = this.#stations.get(id)?.station;
      return station && (station.lat === null || station.lng === null) ? [station] : [];
    });
  }

  #sortOrder(): void {
    this.#order.sort((a, b) =>
      byStationNumber.compare(this.#stations.get(a)?.station.code ?? '', this.#stations.get(b)?.station.code ?? ''),
    );
  }

  /** Replaces a station's status if the new one is newer; records a change of state for the map. */
  #setStatus(entry: StationEntry, status: StationStatus, changes: StationMarkChange[]): void {
    if (status.updatedSeq <= entry.station.status.updatedSeq) return;
    entry.station = { ...entry.station, status };
    const state = stationState(status);
    const badge = findingBadge(status);
    if (state === entry.state && badge === entry.badge) return;
    this.counts[entry.state]--;
    this.counts[state]++;
    entry.state = state;
    entry.badge = badge;
    changes.push({ id: entry.station.id, state, badge });
  }

  #publish(changes: readonly StationMarkChange[], added: readonly StationEntry[]): void {
    if (changes.length === 0 && added.length === 0) return;
    if (added.length > 0) this.#sink?.addStations(added);
    if (changes.length > 0) this.#sink?.setStates(changes);
    this.stationsVersion++;
  }

  #recountTeams(): void {
    const help: HelpRequest[] = [];
    for (const team of this.#teams.values()) {
      if (team.status.helpOpen) help.push({ teamId: team.id, callSign: team.callSign, since: team.status.helpRequestedAt });
    }
    help.sort((a, b) => (a.since ?? '').localeCompare(b.since ?? ''));
    this.teamCount = this.#teams.size;
    this.helpOpenCount = help.length;
    this.teamsVersion++;
    // Team rows change with every position; the alert should re-render only when the help requests do.
    if (!sameHelpRequests(help, this.helpRequests)) this.helpRequests = help;
  }
}

function sameHelpRequests(a: readonly HelpRequest[], b: readonly HelpRequest[]): boolean {
  return a.length === b.length && a.every((x, i) => x.teamId === b[i]!.teamId && x.since === b[i]!.since && x.callSign === b[i]!.callSign);
}

export const liveMission = new LiveMission();
