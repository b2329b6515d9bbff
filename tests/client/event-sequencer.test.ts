import { describe, expect, it } from 'vitest';
import { GAP_WAIT_MS } from '../../shared/constants';
import { EventSequencer, type GapRequest, type Timers } from '../../client/src/lib/live/event-sequencer';

interface TestEvent {
  seq: number;
  label?: string;
}

/** Timers driven by the test: nothing fires until `advance` says time has passed. */
class ManualTimers implements Timers {
  now = 0;
  #nextId = 1;
  readonly #due = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#due.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }

  get pending(): number {
    return this.#due.size;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let earliest: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#due)
        if (entry[1].at <= until && (!earliest || entry[1].at < earliest[1].at)) earliest = entry;
      if (!earliest) break;
      this.#due.delete(earliest[0]);
      this.now = earliest[1].at;
      earliest[1].callback();
    }
    this.now = until;
  }
}

const ev = (...seqs: number[]): TestEvent[] => seqs.map((seq) => ({ seq }));
const seqs = (events: readonly TestEvent[]) => events.map((event) => event.seq);
/** Lets promise callbacks (a settled fetch) run; no real time passes. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(lastSeq = 0, onGap: (gap: GapRequest) => Promise<void> | void = () => {}) {
  const timers = new ManualTimers();
  const gaps: GapRequest[] = [];
  const sequencer = new EventSequencer<TestEvent>({
    lastSeq,
    timers,
    onGap: (gap) => {
      gaps.push(gap);
      return onGap(gap);
    },
  });
  return { sequencer, timers, gaps };
}

describe('EventSequencer ordering', () => {
  it('hands out events that follow lastSeq at once and advances lastSeq', () => {
    const { sequencer, timers } = setup(10);
    expect(seqs(sequencer.accept(ev(11, 12)))).toEqual([11, 12]);
    expect(sequencer.lastSeq).toBe(12);
    expect(sequencer.behind).toBe(false);
    expect(timers.pending).toBe(0);
  });

  it('drops events already applied and duplicates, in one batch or across batches', () => {
    const { sequencer } = setup(10);
    expect(seqs(sequencer.accept(ev(9, 10, 11, 11)))).toEqual([11]);
    expect(seqs(sequencer.accept(ev(11, 12)))).toEqual([12]);
    expect(sequencer.lastSeq).toBe(12);
  });

  it('sorts a batch that arrives out of order', () => {
    const { sequencer } = setup(0);
    expect(seqs(sequencer.accept(ev(3, 1, 2)))).toEqual([1, 2, 3]);
  });

  it('holds events after a hole and releases them in order once it is filled', () => {
    const { sequencer } = setup(5);
    expect(sequencer.accept(ev(8, 7))).toEqual([]);
    expect(sequencer.lastSeq).toBe(5);
    expect(sequencer.behind).toBe(true);
    expect(sequencer.head).toBe(8);
    expect(seqs(sequencer.accept(ev(6)))).toEqual([6, 7, 8]);
    expect(sequencer.lastSeq).toBe(8);
    expect(sequencer.behind).toBe(false);
  });

  it('keeps the first copy of a held event and does not hand out a held duplicate twice', () => {
    const { sequencer } = setup(0);
    sequencer.accept([{ seq: 2, label: 'first' }]);
    sequencer.accept([{ seq: 2, label: 'second' }]);
    expect(sequencer.accept(ev(1))).toEqual([{ seq: 1 }, { seq: 2, label: 'first' }]);
    expect(sequencer.accept(ev(2))).toEqual([]);
  });
});

describe('EventSequencer gaps', () => {
  it('reports a hole that is still open after GAP_WAIT_MS, with the range to fetch', () => {
    const { sequencer, timers, gaps } = setup(5);
    sequencer.accept(ev(9, 8));
    timers.advance(GAP_WAIT_MS - 1);
    expect(gaps).toEqual([]);
    timers.advance(1);
    expect(gaps).toEqual([{ after: 5, upTo: 7 }]);
  });

  it('asks for nothing when the late events arrive within the wait', () => {
    const { sequencer, timers, gaps } = setup(5);
    sequencer.accept(ev(7));
    timers.advance(GAP_WAIT_MS / 2);
    sequencer.accept(ev(6));
    expect(timers.pending).toBe(0);
    timers.advance(GAP_WAIT_MS * 4);
    expect(gaps).toEqual([]);
  });

  it('does not restart the wait when another hole opens while it runs', () => {
    const { sequencer, timers, gaps } = setup(0);
    sequencer.accept(ev(2));
    timers.advance(GAP_WAIT_MS - 100);
    sequencer.accept(ev(5));
    timers.advance(100);
    expect(gaps).toEqual([{ after: 0, upTo: 1 }]);
  });

  it('is level again once the fetched events are accepted', async () => {
    const holder: { sequencer?: EventSequencer<TestEvent> } = {};
    const applied: number[] = [];
    const { sequencer, timers, gaps } = setup(5, (gap) => {
      const page = ev(...Array.from({ length: gap.upTo - gap.after }, (_, i) => gap.after + 1 + i));
      applied.push(...seqs(holder.sequencer!.accept(page)));
    });
    holder.sequencer = sequencer;
    applied.push(...seqs(sequencer.accept(ev(9))));
    timers.advance(GAP_WAIT_MS);
    await settle();
    expect(gaps).toEqual([{ after: 5, upTo: 8 }]);
    expect(applied).toEqual([6, 7, 8, 9]);
    expect(sequencer.behind).toBe(false);
    timers.advance(GAP_WAIT_MS * 10);
    expect(gaps).toHaveLength(1);
  });

  it('asks again at once when a page made progress but did not reach the goal', async () => {
    const holder: { sequencer?: EventSequencer<TestEvent> } = {};
    const pageSize = 2;
    const { sequencer, timers, gaps } = setup(0, (gap) => {
      const last = Math.min(gap.upTo, gap.after + pageSize);
      holder.sequencer!.accept(ev(...Array.from({ length: last - gap.after }, (_, i) => gap.after + 1 + i)));
    });
    holder.sequencer = sequencer;
    sequencer.noteHead(5);
    timers.advance(GAP_WAIT_MS);
    await settle();
    expect(gaps).toEqual([
      { after: 0, upTo: 5 },
      { after: 2, upTo: 5 },
      { after: 4, upTo: 5 },
    ]);
    expect(sequencer.lastSeq).toBe(5);
  });

  it('does not ask twice while a fetch is pending', async () => {
    let release: () => void = () => {};
    const { sequencer, timers, gaps } = setup(0, () => new Promise<void>((resolve) => (release = resolve)));
    sequencer.accept(ev(3));
    timers.advance(GAP_WAIT_MS);
    sequencer.accept(ev(7));
    sequencer.noteHead(9);
    timers.advance(GAP_WAIT_MS * 5);
    expect(gaps).toHaveLength(1);
    release();
    await settle();
    // Nothing came back: the next try waits rather than hammering the server.
    expect(gaps).toHaveLength(1);
    timers.advance(GAP_WAIT_MS * 2);
    expect(gaps).toHaveLength(2);
  });

  it('waits longer after each fetch that brought nothing, and tries again after a failure', async () => {
    const { sequencer, timers, gaps } = setup(0, () => Promise.reject(new Error('offline')));
    sequencer.accept(ev(2));
    timers.advance(GAP_WAIT_MS);
    await settle();
    expect(gaps).toHaveLength(1);
    timers.advance(GAP_WAIT_MS * 2 - 1);
    await settle();
    expect(gaps).toHaveLength(1);
    timers.advance(1);
    await settle();
    expect(gaps).toHaveLength(2);
    timers.advance(GAP_WAIT_MS * 4);
    await settle();
    expect(gaps).toHaveLength(3);
  });
});

describe('EventSequencer head announcements', () => {
  it('fetches up to the announced head when it stays ahead for GAP_WAIT_MS', () => {
    const { sequencer, timers, gaps } = setup(10);
    sequencer.noteHead(14);
    expect(sequencer.behind).toBe(true);
    timers.advance(GAP_WAIT_MS);
    expect(gaps).toEqual([{ after: 10, upTo: 14 }]);
  });

  it('gives the live frame the head overtook time to arrive', () => {
    const { sequencer, timers, gaps } = setup(10);
    sequencer.noteHead(11);
    timers.advance(GAP_WAIT_MS - 1);
    expect(seqs(sequencer.accept(ev(11)))).toEqual([11]);
    timers.advance(GAP_WAIT_MS * 4);
    expect(gaps).toEqual([]);
  });

  it('ignores a head that is not ahead', () => {
    const { sequencer, timers, gaps } = setup(10);
    sequencer.noteHead(10);
    sequencer.noteHead(3);
    expect(sequencer.behind).toBe(false);
    expect(sequencer.head).toBe(10);
    timers.advance(GAP_WAIT_MS * 4);
    expect(gaps).toEqual([]);
  });
});

describe('EventSequencer dispose', () => {
  it('cancels a pending wait and never asks afterwards', () => {
    const { sequencer, timers, gaps } = setup(0);
    sequencer.accept(ev(2));
    sequencer.dispose();
    expect(timers.pending).toBe(0);
    sequencer.noteHead(10);
    timers.advance(GAP_WAIT_MS * 10);
    expect(gaps).toEqual([]);
  });
});
