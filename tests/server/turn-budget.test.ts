/** The shared budget that spreads large replies' writes over turns of the event loop (encoded-replies.ts). */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../server/plugins/app/encoded-replies';

describe('TurnBudget', () => {
  it('grants at most its share per turn across all takers, first come first served, and serves them all', async () => {
    const budget = new TurnBudget(4);
    const order: string[] = [];
    const taker = async (name: string, sends: number) => {
      for (let i = 0; i < sends; i++) {
        await budget.take();
        order.push(name);
      }
    };
    const all = Promise.all([taker('a', 10), taker('b', 10), taker('c', 10)]);
    for (let i = 0; i < 20; i++) await Promise.resolve();
    // This turn's share, and no more however long the takers keep asking within it.
    expect(order).toHaveLength(4);
    await nextTurn();
    expect(order).toHaveLength(8);
    await all;
    expect(order).toHaveLength(30);
    // Everyone progresses: no taker waits for another to finish.
    expect(new Set(order.slice(0, 12))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('grants at once when the turn has room, and starts afresh after an idle turn', async () => {
    const budget = new TurnBudget(2);
    let granted = 0;
    void budget.take().then(() => granted++);
    void budget.take().then(() => granted++);
    const third = budget.take().then(() => granted++);
    await Promise.resolve();
    await Promise.resolve();
    expect(granted).toBe(2);
    await third;
    expect(granted).toBe(3);
    await nextTurn();
    await nextTurn();
    await budget.take();
  });
});
