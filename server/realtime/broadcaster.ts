/**
 * The one place that emits socket events. It tells each mission's sockets what was just committed.
 * Coordinators and displays sit in separate rooms because displays never receive team positions.
 */
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, StatusPatch } from '../../shared/realtime';
import { missionRoom } from '../../shared/realtime';
import type { StoredEvent } from '../../shared/schemas/events';
import type { Role } from '../../shared/schemas/auth';

export type VigilServer = Server<ClientToServerEvents, ServerToClientEvents>;

export function roomFor(missionId: string, role: Role): string {
  return role === 'display' ? `${missionRoom(missionId)}:display` : missionRoom(missionId);
}

function forDisplays(patch: StatusPatch): StatusPatch {
  return { stations: patch.stations, teams: patch.teams.map((t) => ({ id: t.id, status: { ...t.status, lastPosition: null } })) };
}

export function createBroadcaster(io: VigilServer, onError: (error: unknown) => void) {
  return {
    publish(missionId: string, events: StoredEvent[], patch: StatusPatch): void {
      // Fan-out is news, not storage: if Redis is down the emit fails, the events are safe in Postgres and
      // clients catch up from the head announcements. So never let a failed emit fail the request.
      try {
        const coordinators = roomFor(missionId, 'coordinator');
        const displays = roomFor(missionId, 'display');
        io.to([coordinators, displays]).emit('events', events);
        io.to(coordinators).emit('status', patch);
        io.to(displays).emit('status', forDisplays(patch));
      } catch (error) {
        onError(error);
      }
    },

    /** Tells this instance's sockets of a mission its head, so a client that missed news catches up. */
    announceHead(missionId: string, seq: number): void {
      io.local.to([roomFor(missionId, 'coordinator'), roomFor(missionId, 'display')]).emit('head', { seq });
    },

    sendCatchUp(socketId: string, events: StoredEvent[]): void {
      io.local.to(socketId).emit('events', events);
    },
  };
}

export type Broadcaster = ReturnType<typeof createBroadcaster>;
