/**
 * The pacing of `commit` frames (server/realtime/commit-frames.ts), on injected timers: a quiet mission's commit leaves
 * at once; commits closer than the interval leave together at its end, events in order and the newest row per id.
 */
import { describe, expect, it } from 'vitest';
import type { StatusPatch } from '../../shared/realtime';
import type { StoredEvent } from '../../shared/schemas/events';
import { createCommitFrames, type CommitFrameTimers } from '../../server/realtime/commit-frames';

class ManualTimers implements CommitFrameTimers {
  time = 0;
  #pending: { at: number; callback: () => void; cancelled: boolean }[] = [];
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const timer = { at: this.time + ms, callback, cancelled: false };
    this.#pending.push(timer);
    return timer;
  };
  clearTimeout = (handle: unknown) => {
    (handle as { cancelled: boolean }).cancelled = true;
  };
  get waiting() {
    return this.#pending.filter((t) => !t.cancelled).length;
  }
  advance(ms: number) {
    this.time += ms;
    for (const timer of [...this.#pending].sort((a, b) => a.at - b.at)) {
      if (timer.cancelled || timer.at > this.time) continue;
      timer.cancelled = true;
      timer.callback();
    }
  }
}

const event = (seq: number) => ({ seq, id: `e${seq}` }) as unknown as StoredEvent;
const row = (id: string, updatedSeq: number) => ({ id, status: { updatedSeq } }) as never;
const patch = (stations: [string, number][], teams: [string, number][] = []): StatusPatch => ({
  stations: stations.map(([id, seq]) => row(id, seq)),
  teams: teams.map(([id, seq]) => row(id, seq)),
});

function setUp() {
  const timers = new ManualTimers();
  const sent: { missionId: string; seqs: number[]; stations: string[]; teams: string[] }[] = [];
  const frames = createCommitFrames(
    (missionId, events, p) =>
      sent.push({
        missionId,
        seqs: events.map((e) => e.seq),
        stations: p.stations.map((r) => `${r.id}@${r.status.updatedSeq}`),
        teams: p.teams.map((r) => `${r.id}@${r.status.updatedSeq}`),
      }),
    100,
    timers,
  );
  return { timers, sent, frames };
}

describe('commit frames', () => {
  it('sends a quiet mission’s commit at once, and again at once once the interval has passed', () => {
    const { timers, sent, frames } = setUp();
    frames.add('m1', [event(1)], patch([['s1', 1]]));
    expect(sent).toEqual([{ missionId: 'm1', seqs: [1], stations: ['s1@1'], teams: [] }]);
    timers.advance(150);
    frames.add('m1', [event(2)], patch([['s2', 2]]));
    expect(sent.map((f) => f.seqs)).toEqual([[1], [2]]);
    expect(timers.waiting).toBe(0);
  });

  it('holds commits that follow closely and sends them as one frame at the interval’s end', () => {
    const { timers, sent, frames } = setUp();
    frames.add('m1', [event(1)], patch([['s1', 1]]));
    timers.advance(10);
    frames.add('m1', [event(2), event(3)], patch([['s1', 3]], [['t1', 2]]));
    timers.advance(10);
    frames.add('m1', [event(4)], patch([['s2', 4]], [['t1', 4]]));
    expect(sent).toHaveLength(1);
    timers.advance(79);
    expect(sent).toHaveLength(1);
    timers.advance(1);
    expect(sent).toEqual([
      { missionId: 'm1', seqs: [1], stations: ['s1@1'], teams: [] },
      { missionId: 'm1', seqs: [2, 3, 4], stations: ['s1@3', 's2@4'], teams: ['t1@4'] },
    ]);
    // The held frame counts as sent: the next commit right after it waits again.
    timers.advance(20);
    frames.add('m1', [event(5)], patch([]));
    expect(sent).toHaveLength(2);
    timers.advance(80);
    expect(sent.map((f) => f.seqs)).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('paces each mission on its own', () => {
    const { timers, sent, frames } = setUp();
    frames.add('m1', [event(1)], patch([]));
    frames.add('m2', [event(1)], patch([]));
    frames.add('m1', [event(2)], patch([]));
    expect(sent.map((f) => `${f.missionId}:${f.seqs}`)).toEqual(['m1:1', 'm2:1']);
    timers.advance(100);
    expect(sent.map((f) => `${f.missionId}:${f.seqs}`)).toEqual(['m1:1', 'm2:1', 'm1:2']);
  });

  it('drops what waits for a mission whose log was wiped, and sends the rest when closing', () => {
    const { timers, sent, frames } = setUp();
    frames.add('m1', [event(1)], patch([]));
    frames.add('m2', [event(1)], patch([]));
    frames.add('m1', [event(2)], patch([]));
    frames.add('m2', [event(2)], patch([]));
    frames.drop('m1');
    // After a reset the new log starts at once, unpaced by the old one.
    frames.add('m1', [event(1)], patch([]));
    frames.flushAll();
    timers.advance(1000);
    expect(sent.map((f) => `${f.missionId}:${f.seqs}`)).toEqual(['m1:1', 'm2:1', 'm1:1', 'm2:2']);
  });
});
