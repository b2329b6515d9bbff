/**
 * "Show on walls" turned off while a moment is still on its way to the server: the walls are told to go live only after
 * it was answered, so a moment rebuilt slowly can never reach the walls after the end and hold them in the past.
 */
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../client/src/lib/api';
import { Replay } from '../../client/src/lib/state/replay.svelte';
import type { ReplayReply } from '../../shared/schemas/replay';

describe('the replay bar and the walls', () => {
  it('sends the end to the walls only once the moments sent before it were answered', async () => {
    const calls: string[] = [];
    let answerPut: () => void = () => undefined;
    const at = new Date(Date.now() - 60_000).toISOString();
    const api = {
      events: async () => ({ events: [{ receivedAt: at }], head: 1 }),
      replay: async (when: string) =>
        ({ at: when, seq: 1, head: 1, stations: [], teams: [], findings: [] }) as unknown as ReplayReply,
      showOnWalls: (when: string) => {
        calls.push(`put ${when}`);
        return new Promise<{ expiresAt: string }>((resolve) => {
          answerPut = () => {
            calls.push('put answered');
            resolve({ expiresAt: when });
          };
        });
      },
      endOnWalls: async () => {
        calls.push('delete');
      },
    } as unknown as ApiClient;
    const replay = new Replay();
    await replay.open(api);
    await expect.poll(() => replay.moment).not.toBeNull();
    replay.setOnWalls(true);
    expect(calls).toEqual([`put ${replay.moment!.at}`]);
    replay.setOnWalls(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Still waiting for the moment's answer: telling the walls to go live now could be overtaken by it.
    expect(calls).toEqual([`put ${replay.moment!.at}`]);
    answerPut();
    await expect.poll(() => calls).toEqual([`put ${replay.moment!.at}`, 'put answered', 'delete']);
  });
});
