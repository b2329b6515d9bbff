import { Type, type Static } from 'typebox';
import { IsoTime, Position, Seq, Uuid } from './common';
import { Phase } from './events';

export const TeamStatus = Type.Object({
  lastSeenAt: Type.Union([IsoTime, Type.Null()]),
  currentStationId: Type.Union([Uuid, Type.Null()]),
  /** Null too for a display whose mission does not show it team positions: every reader gets the same shape. */
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

/** One stop of a team's planned route, as stored: the phases are always spelled out (compare PlanStop, the input). */
export const RouteStop = Type.Object({ stationId: Uuid, phases: Type.Array(Phase) });
export type RouteStop = Static<typeof RouteStop>;

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
  /** The plan in route order with the phases the team observes at each stop (not sent to displays). */
  route: Type.Optional(Type.Array(RouteStop)),
  /** Stations the team has checked in at so far today, by any of its phones (not sent to displays). */
  visitedStationIds: Type.Optional(Type.Array(Uuid)),
  status: TeamStatus,
});
export type Team = Static<typeof Team>;

/** A team whole, as the server reads it: every field a role may be shown is there (teams.service.ts trims it per role). */
export const FullTeam = Type.Required(Team);
export type FullTeam = Static<typeof FullTeam>;

export const TeamsReply = Type.Object({ teams: Type.Array(Team), head: Seq });
export type TeamsReply = Static<typeof TeamsReply>;

export { Position };

/** A fresh join code for one team; earlier codes keep working. Only its hash is stored: it is shown this once. */
export const JoinCodeReply = Type.Object({ teamId: Uuid, callSign: Type.String(), code: Type.String() });
export type JoinCodeReply = Static<typeof JoinCodeReply>;
export const TeamParams = Type.Object({ teamId: Uuid }, { additionalProperties: false });

/** POST /api/teams: a team added to the mission (before or during the day); it starts without a plan. */
export const CreateTeamBody = Type.Object(
  {
    callSign: Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]*$' }),
    members: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 6 }),
    phone: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()])),
    languages: Type.Array(Type.String({ minLength: 2, maxLength: 8 }), { maxItems: 6 }),
  },
  { additionalProperties: false },
);
export type CreateTeamBody = Static<typeof CreateTeamBody>;

/** The new team and a first join code for its phones (shown once). */
export const CreatedTeamReply = Type.Object({ team: Team, joinCode: JoinCodeReply });
export type CreatedTeamReply = Static<typeof CreatedTeamReply>;
