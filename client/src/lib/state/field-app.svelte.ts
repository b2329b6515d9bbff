/**
 * The observer's phone: who it is (the device token from joining, kept in localStorage), what it knows (stations, its
 * team, the forms: fetched when there is a network and kept in IndexedDB for when there is none), where it is, and the
 * outbox every report goes through. Reports are made here and only here, each with its UUID at the moment of the tap.
 * While online it keeps a socket open that carries only news of its own team (a changed plan, a closed help request,
 * its inbox's messages): on such news, and on every (re)connect, it fetches the plan, state and inbox again.
 */
import type { JoinReply } from '../../../../shared/schemas/auth';
import type { Assessment, ChecklistCheckIn, EventInput, Phase, Severity } from '../../../../shared/schemas/events';
import type { FormsReply } from '../../../../shared/schemas/forms';
import type { Position } from '../../../../shared/schemas/common';
import type { Station } from '../../../../shared/schemas/stations';
import type { Team } from '../../../../shared/schemas/teams';
import type { Answers } from '../../../../shared/forms/form-engine';
import { FieldApi } from '../field/field-api';
import { IdbOutboxStore, KeyValue, openFieldDb, type FieldDb } from '../field/field-db';
import { Outbox, type NewOutboxItem, type OutboxItem, type OutboxStatus } from '../field/outbox';
import { visitView, type VisitView } from '../field/plan';
import { connectSocket, type VigilSocket } from '../socket';
import { FieldInbox } from './field-inbox.svelte';
import { FieldResults } from './field-results.svelte';

const SESSION_KEY = 'vigil.field-session';
/** Sent reports stay listed on the phone for two days, then make room. */
const KEEP_SETTLED_MS = 2 * 24 * 60 * 60 * 1000;
/** A position older than this is not attached to a check-in. */
const FRESH_POSITION_MS = 2 * 60 * 1000;
/**
 * While the app is open and online, the plan and the team's status are refreshed this often, besides on the socket's
 * news: a fallback for news lost on the way (Redis down on the server) while the socket stayed up.
 */
const REFRESH_INTERVAL_MS = 60_000;

export type FieldSession = Pick<JoinReply, 'token' | 'teamId' | 'callSign' | 'mission'>;

interface Cached<T> {
  savedAt: string;
  data: T;
}

interface Fix extends Position {
  at: number;
}

import { newId } from '../uuid';
export { newId };

function readSession(): FieldSession | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as Partial<FieldSession>;
    return typeof parsed.token === 'string' && typeof parsed.teamId === 'string' && parsed.mission
      ? (parsed as FieldSession)
      : null;
  } catch {
    return null;
  }
}

export class FieldAppState {
  session = $state.raw<FieldSession | null>(null);
  /** 'loading' until the phone's own database is open and the kept copies are read. */
  phase = $state<'loading' | 'ready' | 'failed'>('loading');
  problem = $state<string | null>(null);
  online = $state(true);

  /** The plan's stations and the last search's results: all this phone keeps (offline too), never the whole country. */
  stations = $state.raw<Station[]>([]);
  /** The last server search: its text and what it found (kept offline with the stations). */
  searchResults = $state.raw<{ query: string; stations: Station[] } | null>(null);
  stationsSavedAt = $state<string | null>(null);
  team = $state.raw<Team | null>(null);
  /**
   * Whether the team's plan is known (cached, or the first fetch has answered): until then the plan screen keeps the
   * plan's place and shows no other station to tap, so the list does not move under a finger as data arrives.
   */
  planKnown = $state(false);
  kit = $state.raw<FormsReply | null>(null);

  items = $state.raw<OutboxItem[]>([]);
  outboxStatus = $state.raw<OutboxStatus>({
    sending: false,
    failures: 0,
    nextAttemptAt: null,
    lastError: null,
    paused: null,
  });

  position = $state.raw<Fix | null>(null);
  locating = $state(false);
  locationProblem = $state(false);

  /** The server no longer knows this phone's token (revoked): the observer joins again; reports are kept. */
  tokenRejected = $state(false);
  needsJoin = $derived(this.tokenRejected || this.outboxStatus.paused === 'unauthorized');

  pendingCount = $derived(this.items.filter((i) => i.state === 'pending').length);
  visits: VisitView = $derived(visitView(this.items, this.team?.status ?? null, this.team?.visitedStationIds ?? []));
  /** The team's own latest word on help wins until the server has seen something newer. */
  helpOpen = $derived(this.#helpOpen());

  /** Coordinators' messages and notices for the team, and its answers. */
  readonly inbox = new FieldInbox({
    session: () => this.session,
    outbox: () => this.items,
    helpRequestedAt: () => this.team?.status?.helpRequestedAt ?? null,
    report: async (event) => {
      await this.#report(event);
    },
  });

  /** The ballot, the turnout hour due and the turnout and protocol reports. */
  readonly results = new FieldResults({
    session: () => this.session,
    outbox: () => this.items,
    enqueue: async (items) => {
      await this.#outbox!.enqueue(items.map((i) => (i.kind === 'event' ? { ...i, event: plain(i.event) } : i)));
    },
  });

  /**
   * Every station this phone can show and check into: its plan's and found ones, and those its inbox names (a
   * coordinator may send the team beyond its plan). Kept stations come last so that their fresher status wins.
   */
  stationById = $derived(
    new Map([
      ...this.inbox.items.flatMap((item) => (item.station ? [[item.station.id, item.station] as const] : [])),
      ...this.stations.map((s) => [s.id, s] as const),
    ]),
  );

  #db: FieldDb | null = null;
  #outbox: Outbox | null = null;
  #cache: KeyValue<Cached<unknown>> | null = null;
  #drafts: KeyValue<unknown> | null = null;
  #cleanup: (() => void)[] = [];
  #reloadQueued = false;
  /** The team's socket while online and joined; null otherwise. */
  #socket: VigilSocket | null = null;
  #socketToken: string | null = null;
  #refreshing: Promise<void> | null = null;
  #refreshQueued: Promise<void> | null = null;

  async start(dbName?: string): Promise<void> {
    this.online = navigator.onLine;
    this.session = readSession();
    try {
      this.#db = await openFieldDb(dbName);
    } catch (error) {
      this.phase = 'failed';
      this.problem = `This browser cannot keep reports on the phone (IndexedDB): ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    this.#cache = new KeyValue(this.#db, 'cache');
    this.#drafts = new KeyValue(this.#db, 'drafts');
    const api = new FieldApi(this.session?.token ?? null);
    this.#outbox = new Outbox({
      store: new IdbOutboxStore(this.#db),
      transport: api.transport(),
      // Two tabs of the app never send at once (sending twice would be safe, but could reorder a team's reports).
      exclusive: (run) => (navigator.locks ? navigator.locks.request('vigil-outbox', run) : run()),
    });
    this.#cleanup.push(this.#outbox.onChange(() => this.#queueReload()));
    await this.#loadCached();
    await this.inbox.load(this.#cache as KeyValue<unknown>);
    await this.results.load(this.#cache as KeyValue<unknown>);
    await this.#reloadItems();
    this.phase = 'ready';

    const onOnline = () => {
      this.online = true;
      this.#outbox?.retryNow();
      this.#syncSocket();
      void this.refresh();
    };
    const onOffline = () => {
      this.online = false;
      this.#syncSocket();
    };
    // Back in front (the observer looks at the phone): fetch the plan and state now, not at the next tick.
    const onVisible = () => {
      if (document.visibilityState === 'visible' && this.online && this.session) void this.refresh();
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    document.addEventListener('visibilitychange', onVisible);
    this.#cleanup.push(() => document.removeEventListener('visibilitychange', onVisible));
    const clock = setInterval(() => this.results.tick(), 30_000);
    this.#cleanup.push(() => clearInterval(clock));
    const timer = setInterval(() => {
      this.#syncSocket({ retryRefused: true });
      if (this.online && this.session) void this.refresh();
    }, REFRESH_INTERVAL_MS);
    this.#cleanup.push(
      () => window.removeEventListener('online', onOnline),
      () => window.removeEventListener('offline', onOffline),
      () => clearInterval(timer),
    );
    void this.#watchPositionIfAllowed();

    if (this.session) {
      void this.#outbox.prune(KEEP_SETTLED_MS);
      void this.#outbox.flush();
      this.#syncSocket();
      void this.refresh();
    }
  }

  stop(): void {
    for (const undo of this.#cleanup.splice(0)) undo();
    this.#closeSocket();
    this.#outbox?.stop();
    this.#db?.close();
  }

  async join(code: string): Promise<'joined' | 'unknown' | 'offline' | 'failed'> {
    this.problem = null;
    const answer = await new FieldApi(null).join(code.trim());
    if (!answer.ok) {
      if (answer.status === 401) return 'unknown';
      if (answer.status === 0) return 'offline';
      this.problem = answer.failure.message;
      return 'failed';
    }
    const { token, teamId, callSign, mission } = answer.data;
    const session: FieldSession = { token, teamId, callSign, mission };
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    // Joining as another team starts from a clean plan; reports already made keep going out.
    if (this.session?.teamId !== teamId) {
      this.stations = [];
      this.team = null;
      this.inbox.forget();
      this.planKnown = false;
    }
    this.session = session;
    this.tokenRejected = false;
    this.#outbox?.setTransport(new FieldApi(token).transport());
    this.#syncSocket();
    await this.refresh();
    return 'joined';
  }

  /** Forgets the device token. Reports still waiting would have no one to send them: the UI asks first. */
  leave(): void {
    localStorage.removeItem(SESSION_KEY);
    this.session = null;
    this.team = null;
    this.planKnown = false;
    this.#syncSocket();
  }

  /**
   * Fetches stations, the team and the forms; keeps each for offline use. A failure keeps the copies held.
   * Asked while a fetch is under way, it fetches once more after it (news may have come after that fetch read).
   */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshQueued ??= this.#refreshing.then(() => {
        this.#refreshQueued = null;
        return this.refresh();
      });
      return this.#refreshQueued;
    }
    const run = this.#fetchAll().finally(() => {
      this.#refreshing = null;
      this.#syncSocket();
    });
    // The queued rerun waits for this one whether it failed or not.
    this.#refreshing = run.catch(() => {});
    return run;
  }

  async #fetchAll(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const api = new FieldApi(session.token);
    const [stations, teams, forms, messages, ballot] = await Promise.all([
      api.stations(),
      api.teams(),
      api.forms(),
      api.messages(),
      api.ballot(),
    ]);
    if (this.session !== session) return;
    const savedAt = new Date().toISOString();
    // All of it is shown in one go, before anything is written to the cache: stations shown a moment before the plan
    // made the list jump under the observer's finger.
    if (stations.ok) {
      this.stations = withFound(stations.data.stations, this.searchResults?.stations ?? []);
      this.stationsSavedAt = savedAt;
    }
    if (teams.ok) this.team = teams.data.teams.find((t) => t.id === session.teamId) ?? null;
    if (forms.ok) this.kit = forms.data;
    // Known, or not to be had now: the other stations may show (the plan's place stays first either way).
    this.planKnown = true;
    await Promise.all([
      stations.ok ? this.#cache?.set('stations', { savedAt, data: this.stations }) : null,
      teams.ok ? this.#cache?.set('team', { savedAt, data: this.team }) : null,
      forms.ok ? this.#cache?.set('forms', { savedAt, data: forms.data }) : null,
    ]);
    if (messages.ok) await this.inbox.replace(messages.data.items);
    if (ballot.ok) await this.results.replace(ballot.data);
    const answers = [stations, teams, forms, messages];
    if (answers.some((a) => a.ok)) this.online = true;
    if (answers.some((a) => !a.ok && a.status === 401)) this.tokenRejected = true;
  }

  retryNow(): void {
    this.#outbox?.retryNow();
  }

  // ——— Reports ———

  /** Whether the station is on the team's planned route (a check-in elsewhere asks first). */
  isPlanned(stationId: string): boolean {
    return this.team?.assignedStationIds.includes(stationId) ?? false;
  }

  checkIn(stationId: string): Promise<string> {
    const session = this.#requireSession();
    return this.#report({
      id: newId(),
      type: 'arrival',
      teamId: session.teamId,
      stationId,
      occurredAt: now(),
      ...this.#freshPosition(),
    });
  }

  checkOut(stationId: string): Promise<string> {
    const session = this.#requireSession();
    return this.#report({
      id: newId(),
      type: 'departure',
      teamId: session.teamId,
      stationId,
      occurredAt: now(),
      ...this.#freshPosition(),
    });
  }

  /** Returns the report's id (its outbox item), so the screen can tell whether it went out. */
  submitChecklist(
    stationId: string,
    checklist: { form: string; phase: Phase; answers: Answers; assessment: Assessment; checkIn: ChecklistCheckIn },
  ): Promise<string> {
    const session = this.#requireSession();
    return this.#report({
      id: newId(),
      type: 'checklist',
      teamId: session.teamId,
      stationId,
      occurredAt: now(),
      ...checklist,
    });
  }

  /** `stationId` null: an incident away from any station, placed by `finding.position` (required then). */
  async submitFinding(
    stationId: string | null,
    finding: {
      category: string;
      severity: Severity;
      text: string;
      photo: { blob: Blob; contentType: string } | null;
      position?: Position;
    },
  ): Promise<string> {
    const session = this.#requireSession();
    const photoId = finding.photo ? newId() : undefined;
    const event: EventInput = {
      id: newId(),
      type: 'finding',
      teamId: session.teamId,
      ...(stationId !== null ? { stationId } : {}),
      occurredAt: now(),
      category: finding.category,
      severity: finding.severity,
      text: finding.text,
      ...(finding.position ? { position: finding.position } : this.#freshPosition()),
      ...(photoId ? { photoId } : {}),
    };
    const items: NewOutboxItem[] = [];
    if (finding.photo && photoId)
      items.push({ kind: 'photo', id: photoId, blob: finding.photo.blob, contentType: finding.photo.contentType });
    items.push({ kind: 'event', event: plain(event) });
    await this.#outbox!.enqueue(items);
    return event.id;
  }

  requestHelp(): Promise<string> {
    const session = this.#requireSession();
    const stationId = this.visits.currentStationId;
    return this.#report({
      id: newId(),
      type: 'help_request',
      teamId: session.teamId,
      occurredAt: now(),
      ...(stationId ? { stationId } : {}),
      ...this.#freshPosition(),
    });
  }

  resolveHelp(): Promise<string> {
    const session = this.#requireSession();
    return this.#report({ id: newId(), type: 'help_resolved', teamId: session.teamId, occurredAt: now() });
  }

  // ——— Position ———

  /** Asks for the phone's position (the browser asks the observer the first time). */
  locate(): Promise<Fix | null> {
    if (!('geolocation' in navigator)) {
      this.locationProblem = true;
      return Promise.resolve(null);
    }
    this.locating = true;
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (p) => {
          this.locating = false;
          this.locationProblem = false;
          resolve(this.#setFix(p));
        },
        () => {
          this.locating = false;
          this.locationProblem = true;
          resolve(null);
        },
        { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
      );
    });
  }

  // ——— Drafts ———

  async draft<T>(key: string): Promise<T | undefined> {
    return (await this.#drafts?.get(key)) as T | undefined;
  }

  async saveDraft(key: string, value: unknown): Promise<void> {
    await this.#drafts?.set(key, $state.snapshot(value));
  }

  async deleteDraft(key: string): Promise<void> {
    await this.#drafts?.delete(key);
  }

  // ——— Internals ———

  #requireSession(): FieldSession {
    if (!this.session) throw new Error('not joined');
    return this.session;
  }

  async #report(event: EventInput): Promise<string> {
    await this.#outbox!.enqueue([{ kind: 'event', event: plain(event) }]);
    return event.id;
  }

  #freshPosition(): { position?: Position } {
    const fix = this.position;
    if (!fix || Date.now() - fix.at > FRESH_POSITION_MS) return {};
    return {
      position: { lat: fix.lat, lng: fix.lng, ...(fix.accuracyM !== undefined ? { accuracyM: fix.accuracyM } : {}) },
    };
  }

  #setFix(p: GeolocationPosition): Fix {
    const fix: Fix = {
      lat: p.coords.latitude,
      lng: p.coords.longitude,
      accuracyM: Math.min(100_000, Math.round(p.coords.accuracy)),
      at: Date.now(),
    };
    this.position = fix;
    return fix;
  }

  /** Keeps the position fresh when the observer has already allowed it; never asks unprompted. */
  async #watchPositionIfAllowed(): Promise<void> {
    try {
      const permission = await navigator.permissions?.query({ name: 'geolocation' });
      if (permission?.state !== 'granted') return;
      const id = navigator.geolocation.watchPosition(
        (p) => this.#setFix(p),
        () => {},
        { enableHighAccuracy: true, maximumAge: 30_000 },
      );
      this.#cleanup.push(() => navigator.geolocation.clearWatch(id));
    } catch {
      // No Permissions API: the observer taps "Use my location" when they want it.
    }
  }

  /**
   * Opens the team's socket when joined, online and trusted; closes it otherwise (and when the token changes). A socket
   * the server refused or dropped is tried again only on the periodic tick, never in a loop with the fetch it causes.
   */
  #syncSocket({ retryRefused = false } = {}): void {
    const session = this.session;
    const wanted = session !== null && this.online && !this.needsJoin && this.phase === 'ready';
    const dead = this.#socket !== null && !this.#socket.active;
    if (this.#socket && (!wanted || this.#socketToken !== session?.token || (dead && retryRefused)))
      this.#closeSocket();
    if (!wanted || this.#socket) return;
    const socket = connectSocket({ token: session.token });
    const news = ({ teamId }: { teamId: string }) => {
      if (teamId === this.session?.teamId) void this.refresh();
    };
    // Every (re)connect: whatever was told while this phone was away is fetched now.
    socket.on('connect', () => void this.refresh());
    socket.on('plan_updated', news);
    socket.on('help_resolved', news);
    // Messages and notices come whole: shown at once, no fetch needed.
    socket.on('message', (item) => {
      if (item.teamId === this.session?.teamId) void this.inbox.receive(item);
    });
    // Refused or dropped by the server (the token was revoked): the next fetch finds out and asks to join again.
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') void this.refresh();
    });
    socket.on('connect_error', () => {
      if (!socket.active) void this.refresh();
    });
    this.#socket = socket;
    this.#socketToken = session.token;
  }

  #closeSocket(): void {
    this.#socket?.close();
    this.#socket = null;
    this.#socketToken = null;
  }

  #helpOpen(): boolean {
    let local: { open: boolean; at: string } | null = null;
    for (const item of this.items) {
      if (item.kind !== 'event' || item.state === 'rejected') continue;
      if (item.event.type === 'help_request') local = { open: true, at: item.event.occurredAt };
      if (item.event.type === 'help_resolved') local = { open: false, at: item.event.occurredAt };
    }
    const server = this.team?.status;
    if (!local) return server?.helpOpen ?? false;
    // A coordinator may have closed it after the phone opened it.
    if (
      server &&
      server.lastSeenAt !== null &&
      !server.helpOpen &&
      local.open &&
      (server.helpRequestedAt ?? '') >= local.at
    )
      return false;
    return local.open;
  }

  /**
   * Finds stations beyond the plan on the server (nearest first when the phone knows its position). The results join
   * the stations kept offline, so a found station can be opened and checked into without a connection afterwards.
   * Offline or on failure the last results stay; the caller searches the kept stations meanwhile.
   */
  async searchServer(query: string, limit: number): Promise<void> {
    const session = this.session;
    if (!session || query.trim() === '') return;
    const answer = await new FieldApi(session.token).searchStations(query.trim(), this.position, limit);
    if (!answer.ok || this.session !== session) return;
    this.searchResults = { query, stations: answer.data.stations };
    this.stations = withFound(this.stations, answer.data.stations);
    const savedAt = new Date().toISOString();
    await this.#cache?.set('stations', { savedAt, data: this.stations });
    await this.#cache?.set('search', { savedAt, data: this.searchResults });
  }

  async #loadCached(): Promise<void> {
    const [stations, team, forms, search] = await Promise.all([
      this.#cache!.get('stations'),
      this.#cache!.get('team'),
      this.#cache!.get('forms'),
      this.#cache!.get('search'),
    ]);
    if (search) this.searchResults = search.data as { query: string; stations: Station[] };
    if (stations) {
      this.stations = stations.data as Station[];
      this.stationsSavedAt = stations.savedAt;
    }
    if (team) {
      this.team = team.data as Team | null;
      this.planKnown = true;
    }
    if (forms) this.kit = forms.data as FormsReply;
  }

  #queueReload(): void {
    this.outboxStatus = this.#outbox!.status;
    if (this.#reloadQueued) return;
    this.#reloadQueued = true;
    queueMicrotask(() => {
      this.#reloadQueued = false;
      void this.#reloadItems();
    });
  }

  async #reloadItems(): Promise<void> {
    if (!this.#outbox) return;
    this.items = await this.#outbox.items();
    this.outboxStatus = this.#outbox.status;
  }
}

/** Reports are kept in IndexedDB, which cannot store Svelte's reactive proxies (answers come from a form's state). */
function plain(event: EventInput): EventInput {
  return $state.snapshot(event) as EventInput;
}

function now(): string {
  return new Date().toISOString();
}

export const fieldApp = new FieldAppState();

/** `kept` with `found` added or refreshed, by id: plan stations never drop out because a search did not find them. */
function withFound(kept: readonly Station[], found: readonly Station[]): Station[] {
  const byId = new Map(kept.map((s) => [s.id, s]));
  for (const station of found) byId.set(station.id, station);
  return [...byId.values()];
}
