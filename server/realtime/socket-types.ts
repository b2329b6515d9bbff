/** The server's socket types: the event maps from shared/realtime.ts and what each socket carries once authenticated. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../../shared/realtime';
import type { FeedPage } from '../../shared/schemas/events';
import type { WallReplay } from '../../shared/schemas/replay';
import type { Principal } from '../modules/auth/principal';

/** Set by the handshake check: every connected socket is some token's. */
export interface SocketData {
  principal: Principal;
}

export type VigilServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type VigilSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * What the socket layer asks of the services, and nothing more. The services are built after realtime (they need its
 * broadcaster), so the services plugin hands this over with `realtime.attach()` before the app listens.
 */
export interface RealtimePort {
  /** The token's principal, or null when it is unknown, expired or revoked. */
  authenticate(token: string): Promise<Principal | null>;
  /** Another instance revoked this token: stop trusting a cached copy. */
  forget(tokenId: string): void;
  /** Of these token ids, those that no longer open anything (read from Postgres). */
  deadTokens(ids: string[]): Promise<string[]>;
  /** The mission's last sequence number, as announced to its sockets. */
  head(missionId: string): Promise<number>;
  /** A page of the mission's feed as this principal may see it. */
  feedPage(principal: Principal, after: number, limit: number): Promise<FeedPage>;
  /** The moment on the mission's walls now, unredacted (null: they are live), for a display that just connected. */
  wallReplayNow(missionId: string): Promise<WallReplay | null>;
}
