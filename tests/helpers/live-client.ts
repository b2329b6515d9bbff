/**
 * A dashboard's live connection as the browser has it: a real socket.io-client with the client's own EventSequencer,
 * filling holes through `catch_up`. Tests assert on `applied`, the events in the order the dashboard applied them.
 */
import { io, type Socket } from 'socket.io-client';
import { EventSequencer } from '../../client/src/lib/live/event-sequencer';
import type { ClientToServerEvents, Commit, ServerToClientEvents, StatusPatch } from '../../shared/realtime';
import type { FeedEvent } from '../../shared/schemas/events';

export class LiveDashboard {
  readonly applied: FeedEvent[] = [];
  readonly patches: StatusPatch[] = [];
  /** Every `commit` frame as it arrived (catch-up frames with `status` null). */
  readonly frames: Commit[] = [];
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly sequencer: EventSequencer<FeedEvent>;
  connectError: Error | null = null;

  constructor(url: string, token: string, after: number, options: { gapWaitMs?: number } = {}) {
    this.sequencer = new EventSequencer<FeedEvent>({
      lastSeq: after,
      gapWaitMs: options.gapWaitMs ?? 200,
      onGap: (gap) => this.#catchUp(gap.after),
    });
    this.socket = io(url, {
      transports: ['websocket'],
      // A function, so every reconnect tells the server what this dashboard already has.
      auth: (cb) => cb({ token, after: this.sequencer.lastSeq }),
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      timeout: 5000,
    });
    this.socket.on('commit', ({ events, status }) => {
      this.frames.push({ events, status });
      this.applied.push(...this.sequencer.accept(events));
      if (status !== null) this.patches.push(status);
    });
    this.socket.on('head', ({ seq }) => this.sequencer.noteHead(seq));
    this.socket.on('connect_error', (err) => (this.connectError = err));
  }

  async #catchUp(after: number): Promise<void> {
    if (!this.socket.connected) return;
    const result = await this.socket.timeout(5000).emitWithAck('catch_up', { after, limit: 1000 });
    if ('error' in result) throw new Error(result.error);
    this.applied.push(...this.sequencer.accept(result.data.events));
    this.sequencer.noteHead(result.data.head);
  }

  get seqs(): number[] {
    return this.applied.map((e) => e.seq);
  }

  async connected(timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.socket.connected, timeoutMs, 'socket to connect');
  }

  close(): void {
    this.sequencer.dispose();
    this.socket.close();
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The applied sequence is exactly 1..n: every event once, in order, none missing. */
export function isExactLog(seqs: number[], n: number): boolean {
  return seqs.length === n && seqs.every((s, i) => s === i + 1);
}
