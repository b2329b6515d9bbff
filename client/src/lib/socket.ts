/**
 * The one Socket.IO connection of the page, typed by the event maps in shared/realtime.ts.
 *
 * WebSocket only: no long-polling, so any server instance can take any client without sticky sessions. `auth` is a
 * function so every reconnect tells the server the sequence we hold now, and the server sends only what came after.
 * The field app uses the same connection without `lastSeq`: a team's socket carries only notices about its own team.
 * Keep this module free of dashboard code: the phone's bundle imports it.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/realtime';
import type { FeedEvent } from '../../../shared/schemas/events';

export type VigilSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A catch-up answer that has not come back by then is treated as lost; the sequencer asks again. */
const CATCH_UP_ACK_TIMEOUT_MS = 15_000;

export interface ConnectOptions {
  token: string;
  /** Read at every (re)connect. Without it the server sends no catch-up (and team sockets never get any). */
  lastSeq?: () => number;
}

export function connectSocket(options: ConnectOptions): VigilSocket {
  const { token, lastSeq } = options;
  return io(location.origin, {
    transports: ['websocket'],
    // A restarted session (log out, log in) must not share a manager with the socket it replaces.
    forceNew: true,
    auth: (cb) => cb(lastSeq ? { token, after: lastSeq() } : { token }),
  });
}

/** Asks the server for stored events after a sequence over the open socket (no new HTTP request, same auth). */
export async function catchUp(
  socket: VigilSocket,
  after: number,
  limit: number,
): Promise<{ events: FeedEvent[]; head: number }> {
  const result = await socket.timeout(CATCH_UP_ACK_TIMEOUT_MS).emitWithAck('catch_up', { after, limit });
  if ('error' in result) throw new Error(`catch_up refused: ${result.error}`);
  return result.data;
}
