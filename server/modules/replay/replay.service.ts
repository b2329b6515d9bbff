/**
 * Replay of the day: the mission's stations, teams and findings at any past moment, computed from the event log by the
 * read-model rules the live state is kept with. A snapshot is stored every `snapshotEvery` events (REPLAY_SNAPSHOT_EVERY)
 * as replays pass it, so any moment is the nearest snapshot plus fewer than that many events; the state last replayed stays in memory,
 * so playing forward (1×, 60×, 600×) costs only the events in between. As the log grows past each snapshot's boundary,
 * the snapshots are taken in the background (at most every WARM_INTERVAL_MS), so even the first moment a coordinator asks
 * for is a snapshot away rather than the whole day.
 */
import type { Db } from '../../../db/client';
import type { ReplayReply, WallReplay, WallReplayStateReply } from '../../../shared/schemas/replay';
import { WALL_REPLAY_LEASE_MS } from '../../../shared/constants';
import { HttpError } from '../../errors';
import { listEventsAfter } from '../log/rows';
import { readHead } from '../log/head';
import { readStationIdsByCode } from '../stations/stations.service';
import { readTeamIds } from '../teams/teams.service';
import type { CoverageService } from '../coverage/coverage.service';
import { ReplayState } from './replay-state';
import {
  deleteWallReplay,
  hashAt,
  lastEventBy,
  nearestSnapshotSeq,
  readSnapshot,
  readWallReplay,
  readWallReplayWithStarter,
  renewWallReplay,
  saveSnapshot,
  saveWallReplay,
} from './replay.repository';

/** Events read from the log per query while replaying. */
const REPLAY_PAGE_EVENTS = 2000;
/** The log is followed in the background at most this often per mission (a quiet day: at each snapshot's boundary). */
const WARM_INTERVAL_MS = 10_000;
/** Missions whose last replayed state stays in memory. */
const CACHED_MISSIONS = 8;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function badAt(problem: string): HttpError {
  return new HttpError(400, `at: ${problem}`, 'REPLAY_AT_INVALID', [{ field: 'querystring/at', problem }]);
}

export function parseReplayMoment(text: string, now: Date): Date {
  if (!ISO_TIME.test(text)) throw badAt('must be an ISO 8601 time with zone, e.g. 2026-12-07T14:00:00Z');
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw badAt('is not a real time');
  if (at.getTime() > now.getTime()) throw badAt('is in the future: replay shows moments that have passed');
  return at;
}

/** Where a moment shown on the walls goes (the broadcaster, which redacts it for displays). */
export interface WallReplayNotifier {
  wallReplay(missionId: string, moment: ReplayReply, expiresAt: string): void;
  wallReplayRenewed(missionId: string, at: string, expiresAt: string): void;
  wallReplayEnded(missionId: string): void;
}

export interface ReplayOptions {
  /** Events between stored snapshots: a moment costs at most this many events on top of a snapshot read. */
  snapshotEvery: number;
}

export function createReplayService(
  db: Db,
  options: ReplayOptions,
  coverage: Pick<CoverageService, 'coverage'>,
  walls: WallReplayNotifier,
  clock: () => Date = () => new Date(),
) {
  /** Each mission's last replayed state and the hash of its last event (to see that the log is still that log). */
  const cache = new Map<string, { state: ReplayState; hash: string | null }>();
  /** One replay per mission at a time: they share the cached state. */
  const queues = new Map<string, Promise<unknown>>();

  function serially<T>(missionId: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(missionId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    queues.set(missionId, settled);
    void settled.then(() => {
      if (queues.get(missionId) === settled) queues.delete(missionId);
    });
    return next;
  }

  /** A state at or before `seq` to start from: the cached one if it still fits, else a snapshot, else the empty mission. */
  async function startFor(missionId: string, seq: number): Promise<ReplayState> {
    const cached = cache.get(missionId);
    const usable = cached !== undefined && cached.state.seq <= seq;
    // First whether the cached state still fits: the nearest snapshot's seq, and the log's hash at the cached state.
    const [snapshotSeq, cachedHash] = await Promise.all([
      nearestSnapshotSeq(db, missionId, seq),
      usable && cached.state.seq > 0 ? hashAt(db, missionId, cached.state.seq) : null,
    ]);
    // The cached state, if the moment is at or after it and no snapshot is nearer (and the log is still that log).
    if (usable && cachedHash === cached.hash && (snapshotSeq === null || snapshotSeq <= cached.state.seq)) {
      return cached.state;
    }
    // Only a state built afresh needs the mission's ids: 200,000 station ids read every few seconds, to be thrown away
    // when the cached state fits, were the largest cost of a national day's background snapshots.
    const [stationIds, teamIds, snapshot] = await Promise.all([
      readStationIdsByCode(db, missionId).then((byCode) => [...byCode.values()]),
      readTeamIds(db, missionId),
      snapshotSeq === null ? undefined : readSnapshot(db, missionId, snapshotSeq),
    ]);
    return snapshot !== undefined
      ? ReplayState.restore(missionId, stationIds, teamIds, snapshot)
      : ReplayState.empty(missionId, stationIds, teamIds);
  }

  async function playTo(missionId: string, state: ReplayState, seq: number): Promise<void> {
    while (state.seq < seq) {
      const rows = await listEventsAfter(db, missionId, state.seq, Math.min(REPLAY_PAGE_EVENTS, seq - state.seq));
      if (rows.length === 0) throw new Error(`replay: the log of mission ${missionId} ends before ${seq}`);
      for (const row of rows) {
        state.apply(row);
        if (row.seq % options.snapshotEvery === 0) {
          await saveSnapshot(db, missionId, row.seq, row.hash, await state.serializeInSteps());
        }
      }
    }
  }

  /** Missions whose snapshots the background is bringing up to a seq, and when it may next do so. */
  const warming = new Map<string, { target: number; timer: NodeJS.Timeout | null; lastRunAt: number }>();

  async function warm(missionId: string): Promise<void> {
    const entry = warming.get(missionId)!;
    entry.timer = null;
    entry.lastRunAt = Date.now();
    const target = entry.target;
    await serially(missionId, async () => {
      // Another instance of a scaled-out server may have stored this snapshot already: replaying the same events
      // into the same snapshot on every instance only doubles the work.
      if ((await nearestSnapshotSeq(db, missionId, target)) === target) return;
      const state = await startFor(missionId, target);
      await playTo(missionId, state, target);
      remember(missionId, state, await hashAt(db, missionId, target));
    });
  }

  /** The log of a mission grew to `head` (called after each commit): keep its snapshots up with it, in the background. */
  function logGrew(missionId: string, head: number): void {
    const target = head - (head % options.snapshotEvery);
    const entry = warming.get(missionId) ?? { target: 0, timer: null, lastRunAt: 0 };
    warming.set(missionId, entry);
    // A log that is shorter than before was cleared (a drill): its snapshots start again from nothing.
    if (head < entry.target) entry.target = 0;
    if (target <= entry.target) return;
    entry.target = target;
    if (entry.timer) return;
    const delay = Math.max(0, entry.lastRunAt + WARM_INTERVAL_MS - Date.now());
    entry.timer = setTimeout(() => {
      // Snapshots are an optimisation: a failure here (a database outage) only leaves the next replay more to do.
      warm(missionId).catch(() => undefined);
    }, delay);
    entry.timer.unref();
  }

  function remember(missionId: string, state: ReplayState, hash: string | null): void {
    cache.delete(missionId);
    cache.set(missionId, { state, hash });
    if (cache.size > CACHED_MISSIONS) cache.delete(cache.keys().next().value!);
  }

  async function at(missionId: string, atText: string): Promise<ReplayReply> {
    const moment = parseReplayMoment(atText, clock());
    const [reply, figures] = await serially(missionId, async () => {
      const [last, head] = await Promise.all([lastEventBy(db, missionId, moment), readHead(db, missionId)]);
      const state = await startFor(missionId, last.seq);
      await playTo(missionId, state, last.seq);
      remember(missionId, state, last.hash);
      const found = {
        at: moment.toISOString(),
        seq: last.seq,
        head,
        stations: state.stations(),
        teams: state.teams(),
        findings: state.findings(),
      };
      return [found, state.stationFigures()] as const;
    });
    // Counted by the coverage area's own SQL over the replayed rows, outside the queue: the state may move on meanwhile.
    return { ...reply, coverage: await coverage.coverage(missionId, { seq: reply.seq, stations: figures }) };
  }

  /**
   * Shows the mission's walls the moment `atText` until the lease runs out (WALL_REPLAY_LEASE_MS), unless the
   * coordinator's page asks again. Stored first (the database is every instance's truth: a wall connecting later is
   * sent it), then told over the broadcaster. Asked again for the moment already on the walls, only the lease is
   * extended and told (`wall_replay_renewed`): the moment is neither rebuilt nor sent again.
   */
  async function showOnWalls(
    missionId: string,
    atText: string,
    startedBy: string | null,
  ): Promise<{ expiresAt: string }> {
    const now = clock();
    const moment = parseReplayMoment(atText, now);
    const expiresAt = new Date(now.getTime() + WALL_REPLAY_LEASE_MS);
    if (await renewWallReplay(db, missionId, moment, now, expiresAt)) {
      walls.wallReplayRenewed(missionId, moment.toISOString(), expiresAt.toISOString());
      return { expiresAt: expiresAt.toISOString() };
    }
    const shown = await at(missionId, atText);
    await saveWallReplay(db, { missionId, at: moment, expiresAt, startedBy, startedAt: now });
    walls.wallReplay(missionId, shown, expiresAt.toISOString());
    return { expiresAt: expiresAt.toISOString() };
  }

  async function endOnWalls(missionId: string): Promise<void> {
    await deleteWallReplay(db, missionId);
    walls.wallReplayEnded(missionId);
  }

  /** What the mission's walls show now, for coordinators: the moment, its lease and who put it there, or live. */
  async function wallsNow(missionId: string): Promise<WallReplayStateReply> {
    const row = await readWallReplayWithStarter(db, missionId);
    if (row === undefined || row.expiresAt.getTime() <= clock().getTime()) return { onWalls: null };
    return {
      onWalls: {
        at: row.at.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        startedBy: row.starter,
        startedAt: row.startedAt.toISOString(),
      },
    };
  }

  /** The moment on the mission's walls now (unredacted), or null when they are live: for a wall that just connected. */
  async function onWallsNow(missionId: string): Promise<WallReplay | null> {
    const row = await readWallReplay(db, missionId);
    if (row === undefined || row.expiresAt.getTime() <= clock().getTime()) return null;
    const moment = await at(missionId, row.at.toISOString());
    // Rebuilding the moment took a while: if it was replaced or ended meanwhile, the wall heard that in its room.
    const still = await readWallReplay(db, missionId);
    if (still === undefined || still.at.getTime() !== row.at.getTime()) return null;
    return { moment, expiresAt: still.expiresAt.toISOString() };
  }

  function close(): void {
    for (const entry of warming.values()) if (entry.timer) clearTimeout(entry.timer);
    warming.clear();
  }

  return { at, showOnWalls, endOnWalls, wallsNow, onWallsNow, logGrew, close };
}

export type ReplayService = ReturnType<typeof createReplayService>;
