/**
 * The replay of the day on the coordinator's page: a moment of the day chosen on a scrubber, played at 1×, 60× or 600×,
 * or moved to the next finding; the map shows the stations as they stood then (GET /api/replay), the coverage panel
 * the figures then. The live picture is a separate store that keeps following the mission all the while, so "Back to
 * live" draws it again with everything that arrived meanwhile. At most one moment is fetched at a time; a scrub while
 * one is on its way asks only for the latest.
 */
import type { ReplayReply } from '../../../../shared/schemas/replay';
import { WALL_REPLAY_RENEW_MS } from '../../../../shared/constants';
import { STATION_STATES, findingBadge, stationState, type StationState } from '../../../../shared/station-state';
import type { ApiClient } from '../api';
import { liveMission, type StationMarkChange } from './live-mission.svelte';

/** How the map draws each station of a past moment (the coordinator's map and the walls alike). */
export function momentMarks(stations: ReplayReply['stations']): StationMarkChange[] {
  return stations.map((s) => ({ id: s.id, state: stationState(s.status), badge: findingBadge(s.status) }));
}

export const REPLAY_SPEEDS = [1, 60, 600] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];
/** While playing, the moment moves on this often (real time). */
const PLAY_TICK_MS = 1000;
/** Events read per page while looking for the next finding. */
const NEXT_FINDING_PAGE = 1000;
/** Pages read at most for it (then the end of the day is shown). */
const NEXT_FINDING_PAGES = 20;

export class Replay {
  active = $state(false);
  /** The moment chosen (ms since the epoch). */
  at = $state(0);
  /** The day on the scrubber: from the first report to when replay was opened (moved on as it plays past it). */
  from = $state(0);
  to = $state(0);
  speed = $state<ReplaySpeed>(60);
  playing = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  /** What the server said of the moment last shown. */
  moment = $state.raw<ReplayReply | null>(null);
  /** Stations per map state at the moment shown (the legend's counts while replaying). */
  counts = $state.raw<Record<StationState, number> | null>(null);
  /**
   * The mission's walls show the moment too ("Show on walls"): sent on every moment shown and renewed every
   * WALL_REPLAY_RENEW_MS; if this page goes away the walls' lease runs out and they go back to live by themselves.
   */
  onWalls = $state(false);

  #api: ApiClient | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #inFlight = false;
  /** A moment asked for while another was on its way. */
  #wanted: number | null = null;
  #renewTimer: ReturnType<typeof setInterval> | null = null;
  /**
   * Every moment sent to the walls and not yet answered: "off" waits for them, so a moment still being rebuilt on the
   * server cannot reach the walls after they were told to go live (and hold them in the past for a whole lease).
   */
  #wallsSent: Promise<unknown> = Promise.resolve();

  async open(api: ApiClient): Promise<void> {
    this.#api = api;
    this.error = null;
    const now = Date.now();
    try {
      const first = await api.events(0, 1);
      this.from = first.events[0] ? Date.parse(first.events[0].receivedAt) : now;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      return;
    }
    this.to = now;
    this.active = true;
    this.seek(now);
  }

  /** Shows the mission at `ms` (kept within the day). */
  seek(ms: number): void {
    this.at = Math.min(Math.max(ms, this.from), Math.max(this.to, Date.now() - 1));
    if (this.#inFlight) {
      this.#wanted = this.at;
      return;
    }
    void this.#fetch(this.at);
  }

  play(speed: ReplaySpeed): void {
    this.speed = speed;
    this.playing = true;
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => {
      const next = this.at + this.speed * PLAY_TICK_MS;
      const now = Date.now() - 1;
      if (next >= now) this.pause();
      this.to = Math.max(this.to, Math.min(next, now));
      this.seek(Math.min(next, now));
    }, PLAY_TICK_MS);
  }

  pause(): void {
    this.playing = false;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Moves to the moment the next finding after the one shown was received. */
  async nextFinding(): Promise<void> {
    const api = this.#api;
    if (api === null || this.moment === null) return;
    let after = this.moment.seq;
    for (let page = 0; page < NEXT_FINDING_PAGES; page++) {
      const { events } = await api.events(after, NEXT_FINDING_PAGE);
      const found = events.find((e) => e.type === 'finding');
      if (found) {
        const at = Date.parse(found.receivedAt);
        this.to = Math.max(this.to, at);
        this.seek(at);
        return;
      }
      if (events.length < NEXT_FINDING_PAGE) break;
      after = events.at(-1)!.seq;
    }
    this.seek(Date.now());
  }

  /** Turns "Show on walls" on (the walls show the moment shown here) or off (they go back to live). */
  setOnWalls(on: boolean): void {
    if (on === this.onWalls) return;
    this.onWalls = on;
    if (on) {
      if (this.moment !== null) this.#toWalls(this.moment.at);
      this.#renewTimer = setInterval(() => {
        if (this.moment !== null) this.#toWalls(this.moment.at);
      }, WALL_REPLAY_RENEW_MS);
    } else {
      this.#stopRenewing();
      const api = this.#api;
      void this.#wallsSent.then(() => api?.endOnWalls().catch((error: unknown) => this.#failed(error)));
    }
  }

  #toWalls(at: string): void {
    const sent = this.#api?.showOnWalls(at).catch((error: unknown) => this.#failed(error));
    this.#wallsSent = Promise.all([this.#wallsSent, sent]).then(() => undefined);
  }

  #stopRenewing(): void {
    if (this.#renewTimer !== null) clearInterval(this.#renewTimer);
    this.#renewTimer = null;
  }

  #failed(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
  }

  /** One click: the live picture again, with all that arrived meanwhile (on the walls too). */
  backToLive(): void {
    this.setOnWalls(false);
    this.pause();
    this.active = false;
    this.moment = null;
    this.counts = null;
    this.#wanted = null;
    liveMission.showLive();
  }

  async #fetch(at: number): Promise<void> {
    const api = this.#api;
    if (api === null) return;
    this.#inFlight = true;
    this.loading = true;
    try {
      const moment = await api.replay(new Date(at).toISOString());
      if (!this.active) return;
      const marks = momentMarks(moment.stations);
      const counts = Object.fromEntries(STATION_STATES.map((state) => [state, 0])) as Record<StationState, number>;
      for (const mark of marks) counts[mark.state]++;
      this.moment = moment;
      this.counts = counts;
      this.error = null;
      liveMission.showMoment(marks);
      if (this.onWalls) this.#toWalls(moment.at);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.#inFlight = false;
      this.loading = false;
      const wanted = this.#wanted;
      this.#wanted = null;
      if (wanted !== null && this.active) void this.#fetch(wanted);
    }
  }
}

export const replay = new Replay();
