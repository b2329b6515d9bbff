/**
 * The coordinators' dashboard state beside the map: the findings feed for triage, the coverage figures, the alerts
 * and a clock. Each follows the live mission (LiveFollower): fetched again after every (re)connect or filled gap, and
 * kept current by live events in between, so after any outage the screen equals the database again.
 */
import type { MissionSummary } from '../../../../shared/schemas/auth';
import type { CoverageReply } from '../../../../shared/schemas/coverage';
import type { EventInput, FeedEvent, FindingStatusChange, TeamAlertKind } from '../../../../shared/schemas/events';
import type { Team } from '../../../../shared/schemas/teams';
import type { ApiClient } from '../api';
import { deriveAlerts, type DashboardAlert } from '../dashboard/alerts';
import {
  applyFeedEvents,
  findPatterns,
  mergeFetchedFeed,
  newestFirst,
  type FeedFinding,
  type Patterns,
  type PlaceOf,
} from '../dashboard/triage';
import type { LiveFollower } from './live-mission.svelte';
import { ServerFigures } from './server-figures.svelte';

const RETRY_MS = 5_000;
/** Patches arriving within this window share one coverage request. */
const COVERAGE_DEBOUNCE_MS = 200;
/** Alerts that depend on time alone (a team falling silent, a critical finding going unacknowledged) are checked this often. */
export const CLOCK_TICK_MS = 10_000;

/** The page's sense of "now", injectable so tests can move time; ticks so derived alerts re-check by themselves. */
export class MissionClock {
  now = $state(new Date());
  readonly #read: () => Date;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(read: () => Date = () => new Date()) {
    this.#read = read;
    this.now = read();
  }

  start(tickMs = CLOCK_TICK_MS): void {
    this.#timer ??= setInterval(() => this.tick(), tickMs);
  }

  tick(): void {
    this.now = this.#read();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

export class TriageFeedState implements LiveFollower {
  /** Every finding of the mission, newest first. */
  items = $state.raw<FeedFinding[]>([]);
  patterns = $state.raw<Patterns>(findPatterns([]));
  loaded = $state(false);
  /** Head of the last fetch: the feed is the database up to it, plus live events after it. */
  fetchedHead = $state(0);
  readonly #rows = new Map<string, FeedFinding>();
  readonly #place: PlaceOf;
  #api: ApiClient | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #asked = 0;

  constructor(place: PlaceOf) {
    this.#place = place;
  }

  resync(api: ApiClient): void {
    this.#api = api;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const asked = ++this.#asked;
    api.findings().then(
      (reply) => {
        if (asked !== this.#asked || this.#api !== api) return;
        const merged = mergeFetchedFeed(this.#rows, reply.findings, reply.head);
        this.#rows.clear();
        for (const [id, row] of merged) this.#rows.set(id, row);
        this.fetchedHead = reply.head;
        this.loaded = true;
        this.#publish();
      },
      () => {
        if (asked === this.#asked && this.#api === api) this.#retry = setTimeout(() => this.resync(api), RETRY_MS);
      },
    );
  }

  applied(events: readonly FeedEvent[]): void {
    if (applyFeedEvents(this.#rows, events, this.#place)) this.#publish();
  }

  find(id: string): FeedFinding | undefined {
    return this.#rows.get(id);
  }

  dispose(): void {
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    this.#api = null;
    this.#asked++;
  }

  #publish(): void {
    this.items = newestFirst(this.#rows.values());
    this.patterns = findPatterns(this.items);
  }
}

/** Coverage as the server computed it (GET /api/coverage), read again shortly after live patches and every reconnect. */
export class CoverageState extends ServerFigures<CoverageReply> {
  constructor() {
    super({ read: (api) => api.coverage(), debounceMs: COVERAGE_DEBOUNCE_MS, retryMs: RETRY_MS });
  }
}

/** Alerts from the live team rows, the feed and the clock; recomputed whenever any of them moves. */
export function currentAlerts(
  teams: readonly Team[],
  feed: TriageFeedState,
  clock: MissionClock,
  mission: MissionSummary,
): DashboardAlert[] {
  return deriveAlerts(teams, feed.items, clock.now, mission, mission.alerts);
}

/** A triage step as an event; resolves to null when stored, else the server's reason. */
export async function postTriage(
  api: ApiClient,
  findingId: string,
  status: FindingStatusChange,
  note: string,
): Promise<string | null> {
  const event: EventInput = {
    id: crypto.randomUUID(),
    type: 'finding_status',
    occurredAt: new Date().toISOString(),
    findingId,
    status,
    ...(note.trim() !== '' ? { note: note.trim() } : {}),
  };
  return resultOf(api, event);
}

/** A coordinator takes a finding on (`assignee`: their username) or gives it back (null); null when stored, else why not. */
export async function postAssignment(
  api: ApiClient,
  findingId: string,
  assignee: string | null,
): Promise<string | null> {
  const event: EventInput = {
    id: crypto.randomUUID(),
    type: 'finding_assigned',
    occurredAt: new Date().toISOString(),
    findingId,
    assignee,
  };
  return resultOf(api, event);
}

/** A coordinator acknowledges a team's alert; resolves to null when stored, else the server's reason. */
export async function postAlertAcknowledgement(
  api: ApiClient,
  teamId: string,
  alert: TeamAlertKind,
  note = '',
): Promise<string | null> {
  const event: EventInput = {
    id: crypto.randomUUID(),
    type: 'team_alert_acknowledged',
    occurredAt: new Date().toISOString(),
    teamId,
    alert,
    ...(note.trim() !== '' ? { note: note.trim() } : {}),
  };
  return resultOf(api, event);
}

async function resultOf(api: ApiClient, event: EventInput): Promise<string | null> {
  try {
    const reply = await api.postEvents([event]);
    const result = reply.results[0];
    return result === undefined || result.status !== 'rejected' ? null : (result.error ?? 'rejected');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Stations each team has checked in at: from GET /api/teams at each resync, then every live arrival. The status
 * patches carry team rows without them, so this follows the events instead.
 */
export class TeamVisitsState implements LiveFollower {
  /** Moves whenever a team's visits change. */
  version = $state(0);
  readonly #visited = new Map<string, Set<string>>();
  #api: ApiClient | null = null;
  #asked = 0;

  resync(api: ApiClient): void {
    this.#api = api;
    const asked = ++this.#asked;
    api.teams().then(
      (reply) => {
        if (asked !== this.#asked || this.#api !== api) return;
        for (const team of reply.teams) {
          const held = this.#visited.get(team.id) ?? new Set<string>();
          for (const id of team.visitedStationIds ?? []) held.add(id);
          this.#visited.set(team.id, held);
        }
        this.version++;
      },
      () => {
        if (asked === this.#asked && this.#api === api)
          setTimeout(() => asked === this.#asked && this.resync(api), RETRY_MS);
      },
    );
  }

  applied(events: readonly FeedEvent[]): void {
    let changed = false;
    for (const event of events) {
      if (event.type !== 'arrival' || event.teamId === null || event.stationId === null) continue;
      const held = this.#visited.get(event.teamId) ?? new Set<string>();
      if (!held.has(event.stationId)) {
        held.add(event.stationId);
        this.#visited.set(event.teamId, held);
        changed = true;
      }
    }
    if (changed) this.version++;
  }

  /** Stations the team visited; reading it in `$derived` re-runs when visits change. */
  visited(teamId: string): ReadonlySet<string> {
    void this.version;
    return this.#visited.get(teamId) ?? new Set();
  }

  dispose(): void {
    this.#api = null;
    this.#asked++;
  }
}
