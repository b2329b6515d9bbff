/**
 * Paces a mission's `commit` frames: at most one per `intervalMs` per mission from this instance. A commit that finds
 * the mission quiet (no frame in the last interval) leaves at once; commits that follow closer than that wait for the
 * interval's end and leave together, as one frame: their events in sequence order, and the newest row of each station
 * and team they changed.
 *
 * Why: every frame costs a write per socket on each instance and a parse on each page. A national day commits a
 * hundred times a second or more; one frame per commit to 500 dashboards is 50,000 socket writes a second per instance
 * (and as many messages for each page to handle), which in the national-day bench kept the instances saturated and
 * the fan-out tens of seconds late. Paced, a room gets at most ten frames a second whatever the commit rate, and a
 * quiet room's frame is not delayed at all.
 *
 * Clients need no change: they apply events in `seq` order whatever frames carry them, and a row only when its
 * `updatedSeq` is newer than theirs (shared/realtime.ts).
 */
import type { StatusPatch } from '../../shared/realtime';
import type { StoredEvent } from '../../shared/schemas/events';

/** A room gets at most one frame per this long from this instance: ten a second at most, a tenth of a second late at most. */
export const COMMIT_FRAME_INTERVAL_MS = 100;

export interface CommitFrameTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: CommitFrameTimers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

type StationRow = StatusPatch['stations'][number];
type TeamRow = StatusPatch['teams'][number];

interface Waiting {
  events: StoredEvent[];
  stations: Map<string, StationRow>;
  teams: Map<string, TeamRow>;
  timer: unknown;
}

interface MissionPace {
  lastSentAt: number;
  waiting: Waiting | null;
}

/** Keeps the row with the newest `updatedSeq` per id (commits come in order, so that is the later one). */
function mergeRows<R extends { id: string; status: { updatedSeq: number } }>(into: Map<string, R>, rows: R[]): void {
  for (const row of rows) {
    const held = into.get(row.id);
    if (!held || held.status.updatedSeq <= row.status.updatedSeq) into.set(row.id, row);
  }
}

export function createCommitFrames(
  send: (missionId: string, events: StoredEvent[], patch: StatusPatch) => void,
  intervalMs = COMMIT_FRAME_INTERVAL_MS,
  timers: CommitFrameTimers = realTimers,
) {
  const missions = new Map<string, MissionPace>();

  function flush(missionId: string, pace: MissionPace): void {
    const waiting = pace.waiting;
    if (!waiting) return;
    timers.clearTimeout(waiting.timer);
    pace.waiting = null;
    pace.lastSentAt = timers.now();
    send(missionId, waiting.events, { stations: [...waiting.stations.values()], teams: [...waiting.teams.values()] });
  }

  return {
    /** One stored commit of `missionId`, in commit order. */
    add(missionId: string, events: StoredEvent[], patch: StatusPatch): void {
      const now = timers.now();
      let pace = missions.get(missionId);
      if (!pace) {
        pace = { lastSentAt: -Infinity, waiting: null };
        missions.set(missionId, pace);
      }
      if (!pace.waiting && now - pace.lastSentAt >= intervalMs) {
        pace.lastSentAt = now;
        send(missionId, events, patch);
        return;
      }
      if (!pace.waiting) {
        const held = pace;
        pace.waiting = {
          events: [],
          stations: new Map(),
          teams: new Map(),
          timer: timers.setTimeout(() => flush(missionId, held), Math.max(0, pace.lastSentAt + intervalMs - now)),
        };
      }
      pace.waiting.events.push(...events);
      mergeRows(pace.waiting.stations, patch.stations);
      mergeRows(pace.waiting.teams, patch.teams);
    },

    /**
     * Forgets what waits for `missionId` without sending it: its log was wiped (drill reset), and events from before
     * must not reach pages after they were told to start again.
     */
    drop(missionId: string): void {
      const pace = missions.get(missionId);
      if (pace?.waiting) timers.clearTimeout(pace.waiting.timer);
      missions.delete(missionId);
    },

    /** Sends everything that waits now (the server is closing). */
    flushAll(): void {
      for (const [missionId, pace] of missions) flush(missionId, pace);
      missions.clear();
    },
  };
}

export type CommitFrames = ReturnType<typeof createCommitFrames>;
