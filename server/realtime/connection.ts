/**
 * A team phone's socket joins only its team's room and its token's, and is answered nothing from the log (see
 * handleTeamConnection). One dashboard or display socket: join its rooms first, then send what it missed from Postgres, so nothing committed
 * in between is lost (an event may arrive twice; clients drop what they hold by `seq`). Everything sent goes through
 * the feed service, so a display gets exactly its share of each event however it asks.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Compile } from 'typebox/compile';
import { MAX_SEQ, Seq } from '../../shared/schemas/common';
import { CatchUpRequest } from '../../shared/schemas/events';
import { CATCH_UP_FRAME_EVENTS, MAX_EVENTS_PAGE } from '../../shared/constants';
import { displayLinkRoom, teamRoom, tokenRoom } from '../../shared/realtime';
import type { Principal } from '../modules/auth/principal';
import { roomFor, type Broadcaster } from './broadcaster';
import type { RealtimePort, VigilSocket } from './socket-types';

export interface ConnectionContext {
  port: RealtimePort;
  broadcaster: Broadcaster;
  log: FastifyBaseLogger;
}

const checkCatchUp = Compile(CatchUpRequest);
const checkSeq = Compile(Seq);

function handshakeAfter(socket: VigilSocket): number | null {
  const after = (socket.handshake.auth as { after?: unknown }).after;
  return checkSeq.Check(after) ? after : null;
}

export async function handleConnection(
  { port, broadcaster, log }: ConnectionContext,
  socket: VigilSocket,
): Promise<void> {
  const principal = socket.data.principal;
  if (principal.role === 'team') return handleTeamConnection(socket, principal);

  socket.on('catch_up', async (request, ack) => {
    if (typeof ack !== 'function') return;
    if (!checkCatchUp.Check(request)) {
      return ack({ error: `catch_up needs { after: integer 0..${MAX_SEQ}, limit?: 1..${MAX_EVENTS_PAGE} }` });
    }
    try {
      // Asked of Postgres, not the token cache: a session logged out on an instance Redis cannot reach now (or revoked
      // by a password change) gets nothing more from the log, even before the sweep drops this socket.
      if ((await port.deadTokens([principal.tokenId])).length > 0) {
        ack({ error: 'unauthorized: this token was revoked or has expired' });
        socket.disconnect(true);
        return;
      }
      ack({ data: await port.feedPage(principal, request.after, request.limit ?? CATCH_UP_FRAME_EVENTS) });
    } catch (err) {
      log.warn({ err }, 'catch_up failed');
      ack({ error: 'unavailable: try again' });
    }
  });

  // A coordinator's socket also sits in its session's room, so a logout, an expiry or a password change drops it as it
  // drops a phone's (a display link's room does that job for displays).
  const rooms = [roomFor(principal.missionId, principal.role)];
  rooms.push(principal.role === 'display' ? displayLinkRoom(principal.tokenId) : tokenRoom(principal.tokenId));
  await socket.join(rooms);
  // A wall that connects while a coordinator shows the walls a past moment shows it at once, not at the next scrub.
  // Joined first, so an end or a new moment told meanwhile reaches it too; alongside the catch-up, not after it.
  if (principal.role === 'display') {
    port
      .wallReplayNow(principal.missionId)
      .then((replay) => {
        if (replay !== null && socket.connected) broadcaster.sendWallReplay(socket.id, principal.missionId, replay);
      })
      .catch((err: unknown) => log.warn({ err }, "reading the walls' replay on connect failed"));
  }

  // Without `after` the client has loaded the read models and wants only what comes next.
  let after = handshakeAfter(socket);
  if (after === null) return;
  try {
    for (;;) {
      const page = await port.feedPage(principal, after, CATCH_UP_FRAME_EVENTS);
      if (page.events.length === 0 || !socket.connected) break;
      broadcaster.sendCatchUp(socket.id, page.events);
      after = page.events[page.events.length - 1]!.seq;
      if (page.events.length < CATCH_UP_FRAME_EVENTS) break;
    }
  } catch (err) {
    // The head announcements will show the client it is behind; it then asks again with catch_up.
    log.warn({ err }, 'catch-up on connect failed');
  }
}

/**
 * Phones never get the mission's feed (other teams' findings and positions): no mission room, no catch-up frames, and
 * catch_up is refused. They hear only `plan_updated` / `help_resolved` for their own team, and fetch over HTTP.
 */
async function handleTeamConnection(socket: VigilSocket, principal: Principal): Promise<void> {
  socket.on('catch_up', (_request, ack) => {
    if (typeof ack === 'function') ack({ error: 'forbidden: team tokens have no event feed' });
  });
  if (!principal.teamId) {
    socket.disconnect(true);
    return;
  }
  await socket.join([teamRoom(principal.teamId), tokenRoom(principal.tokenId)]);
}
