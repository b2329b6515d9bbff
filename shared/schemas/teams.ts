import { Type, type Static } from 'typebox';
import { IsoTime, Position, Seq, Uuid } from './common';

export const TeamStatus = Type.Object({
  lastSeenAt: Type.Union([IsoTime, Type.Null()]),
  currentStationId: Type.Union([Uuid, Type.Null()]),
  lastPosition: Type.Union([Type.Object({ lat: Type.Number(), lng: Type.Number(), at: IsoTime }), Type.Null()]),
  helpOpen: Type.Boolean(),
  helpRequestedAt: Type.Union([IsoTime, Type.Null()]),
  /** When a coordinator acknowledged the help request (it covers a request made at or before it). */
  helpAcknowledgedAt: Type.Union([IsoTime, Type.Null()]),
  /** When a coordinator acknowledged the team's silence (it covers the silence since lastSeenAt). */
  silentAcknowledgedAt: Type.Union([IsoTime, Type.Null()]),
  updatedSeq: Seq,
});
export type TeamStatus = Static<typeof TeamStatus>;

/**
 * A team as its reader may see it. Members and phone are personal data: only coordinators and the team itself get them
 * (the fields are absent for displays).
 */
export const Team = Type.Object({
  id: Uuid,
  callSign: Type.String(),
  members: Type.Optional(Type.Array(Type.String())),
  phone: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  languages: Type.Array(Type.String()),
  /** Planned stations in route order. */
  assignedStationIds: Type.Array(Uuid),
  /** Stations the team has checked in at so far today, by any of its phones (not sent to displays). */
  visitedStationIds: Type.Optional(Type.Array(Uuid)),
  status: TeamStatus,
});
export type Team = Static<typeof Team>;

export const TeamsReply = Type.Object({ teams: Type.Array(Team), head: Seq });
export type TeamsReply = Static<typeof TeamsReply>;

export { Position };

/** A fresh join code for one team; earlier codes keep working. Only its hash is stored: it is shown this once. */
export const JoinCodeReply = Type.Object({ teamId: Uuid, callSign: Type.String(), code: Type.String() });
export type JoinCodeReply = Static<typeof JoinCodeReply>;
export const TeamParams = Type.Object({ teamId: Uuid }, { additionalProperties: false });
