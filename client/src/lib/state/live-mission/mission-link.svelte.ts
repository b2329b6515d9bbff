/**
 * The live link to the mission: the socket's lifecycle (connect, retry after a refusal, the browser's online and offline
 * signals), the sequencer that puts events in order, and the filling of gaps. It says what arrived; LiveMission decides
 * what to do with it.
 */
import type { WallReplay, WallReplayRenewal } from '../../../../../shared/schemas/replay';
import type { StatusPatch } from '../../../../../shared/realtime';
import type { AlertSettings } from '../../../../../shared/schemas/auth';
import type { DisplayLinkSettings, DisplayRevoked } from '../../../../../shared/schemas/displays';
import type { FeedEvent } from '../../../../../shared/schemas/events';
import type { Station } from '../../../../../shared/schemas/stations';
import { MAX_EVENTS_PAGE } from '../../../../../shared/constants';
import type { ApiClient } from '../../api';
import { catchUp, connectSocket, type VigilSocket } from '../../socket';
import { EventSequencer, type GapRequest } from '../../live/event-sequencer';
import type { ConnectionState } from './types';

/** Without a connection for this long, stop saying "reconnecting" and admit the picture is no longer live. */
const OFFLINE_AFTER_MS = 10_000;
/** A socket the server turned away for a reason other than the session waits this long before trying again. */
const REFUSED_RETRY_MS = 5_000;

/** What the link tells its owner. */
export interface LinkHandlers {
  /** The socket connected; `again` when it had connected before in this run. `lastSeq` is the sequencer's. */
  connected(again: boolean, lastSeq: number): void;
  /** Events now in order (possibly none), after lastSeq, head and lastEventAt moved. */
  applied(events: readonly FeedEvent[]): void;
  patched(patch: StatusPatch): void;
  stationsChanged(stations: readonly Station[]): void;
  /** A gap after `after` was filled: the rows that travelled with the lost events were lost with them. */
  gapFilled(after: number): void;
  displaySettings(settings: DisplayLinkSettings): void;
  alertSettings(settings: AlertSettings): void;
  revoked(notice: DisplayRevoked): void;
  /** Displays: a coordinator shows the walls a past moment (null: back to live). */
  wallReplay(replay: WallReplay | null): void;
  /** Displays: the moment on the walls stays on (its lease renewed). */
  wallReplayRenewed(renewal: WallReplayRenewal): void;
}

export interface OpenOptions {
  api: ApiClient;
  token: string;
  /** The sequence the first load is level with. */
  lastSeq: number;
  handlers: LinkHandlers;
}

export class MissionLink {
  connection = $state<ConnectionState>('connecting');
  /** When the connection entered its present state; for 'offline', when the live link was lost. */
  connectionSince = $state(new Date());
  lastSeq = $state(0);
  head = $state(0);
  /** Arrival time of the newest event applied. */
  lastEventAt = $state<Date | null>(null);
  /** When the server last told us anything (an event, a patch, a head announcement, a connect). */
  lastHeardAt = $state<Date | null>(null);
  /** The client build the server says it serves now; null until announced, or when it serves none. */
  serverBuild = $state<string | null>(null);

  #api: ApiClient | null = null;
  #socket: VigilSocket | null = null;
  #sequencer: EventSequencer<FeedEvent> | null = null;
  #offlineTimer: ReturnType<typeof setTimeout> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #removeWindowListeners: (() => void) | null = null;
  /** Bumped by close: answers to requests of an earlier link are dropped. */
  #run = 0;

  /** A new start: nothing heard yet, connecting; "offline" if nothing comes of it. */
  reset(): void {
    this.lastSeq = 0;
    this.head = 0;
    this.lastEventAt = null;
    this.lastHeardAt = null;
    this.#setConnection('connecting');
    this.#armOfflineTimer();
  }

  /** The first load failed: nothing is live. */
  failed(): void {
    this.#clearTimers();
    this.#setConnection('offline');
  }

  /** The first load read the log up to `lastSeq` (its oldest part) and `head` (its newest). */
  loaded(lastSeq: number, head: number): void {
    this.lastSeq = lastSeq;
    this.head = head;
  }

  /** Someone read the log's head by other means (a resync). */
  noteHead(seq: number): void {
    this.#sequencer?.noteHead(seq);
    this.#noteSequence();
  }

  open({ api, token, lastSeq, handlers }: OpenOptions): void {
    const run = this.#run;
    this.#api = api;
    const sequencer = new EventSequencer<FeedEvent>({ lastSeq, onGap: (gap) => this.#fillGap(gap, run, handlers) });
    this.#sequencer = sequencer;
    const socket = connectSocket({ token, lastSeq: () => sequencer.lastSeq });
    this.#socket = socket;

    let connectedBefore = false;
    socket.on('connect', () => {
      this.#clearTimers();
      this.#setConnection('live');
      this.#heard();
      const again = connectedBefore;
      connectedBefore = true;
      handlers.connected(again, sequencer.lastSeq);
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
      this.#applied(sequencer.accept(events), handlers);
    });
    socket.on('stations_changed', ({ stations }) => {
      this.#heard();
      handlers.stationsChanged(stations);
    });
    socket.on('status', (patch) => {
      this.#heard();
      handlers.patched(patch);
    });
    socket.on('head', (announcement) => {
      this.#heard();
      this.serverBuild = announcement.build;
      sequencer.noteHead(announcement.seq);
      this.#noteSequence();
    });
    socket.on('display_settings', (settings) => handlers.displaySettings(settings));
    socket.on('alert_settings', (settings) => handlers.alertSettings(settings));
    // A coordinator cleared the drill: the log starts again at genesis, so the page starts again from the server.
    socket.on('mission_reset', () => location.reload());
    // Told by the server itself: stop at once rather than wait for the disconnect that follows.
    socket.on('revoked', (notice) => handlers.revoked(notice));
    socket.on('wall_replay', (replay) => handlers.wallReplay(replay));
    socket.on('wall_replay_renewed', (renewal) => handlers.wallReplayRenewed(renewal));
    socket.on('wall_replay_ended', () => handlers.wallReplay(null));

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

  close(): void {
    this.#run++;
    this.#socket?.removeAllListeners();
    this.#socket?.disconnect();
    this.#socket = null;
    this.#sequencer?.dispose();
    this.#sequencer = null;
    this.#clearTimers();
    this.#removeWindowListeners?.();
    this.#removeWindowListeners = null;
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
    this.#offlineTimer = null;
    this.#retryTimer = null;
  }

  #heard(): void {
    this.lastHeardAt = new Date();
  }

  #applied(ready: readonly FeedEvent[], handlers: LinkHandlers): void {
    const newest = ready.at(-1);
    if (newest !== undefined) this.lastEventAt = new Date(newest.receivedAt);
    this.#noteSequence();
    handlers.applied(ready);
  }

  #noteSequence(): void {
    if (this.#sequencer === null) return;
    this.lastSeq = this.#sequencer.lastSeq;
    this.head = this.#sequencer.head;
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

  async #fillGap(gap: GapRequest, run: number, handlers: LinkHandlers): Promise<void> {
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
    this.#applied(ready, handlers);
    handlers.gapFilled(gap.after);
  }
}
