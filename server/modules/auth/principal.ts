import type { Role } from '../../../shared/schemas/auth';

/** Who is calling, resolved from a bearer token. Every request and socket is bound to exactly one mission. */
export interface Principal {
  role: Role;
  missionId: string;
  /** The team a device token belongs to; null for coordinators and displays. */
  teamId: string | null;
  coordinatorId: string | null;
  /** Coordinator's username, team's call sign or display link's label: recorded as the actor of events. */
  name: string;
  /** Id of the bearer token (for a display, the display link's id: its sockets share a room under it). */
  tokenId: string;
}
