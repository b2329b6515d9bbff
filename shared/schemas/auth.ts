import { Type, type Static } from 'typebox';
import { IsoTime, Uuid, oneOf } from './common';
import { DisplayLinkSettings } from './displays';

export const ROLES = ['coordinator', 'team', 'display'] as const;
export type Role = (typeof ROLES)[number];
export const Role = oneOf(ROLES);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const JoinBody = Type.Object(
  { code: Type.String({ minLength: 4, maxLength: 40 }) },
  { additionalProperties: false },
);
export type JoinBody = Static<typeof JoinBody>;

const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM in the mission time zone',
});

/** When the coordinators' page raises alerts; PUT /api/mission/alert-settings changes them. */
export const AlertSettings = Type.Object(
  {
    /** A team not heard from for this many minutes during polling hours is "silent". */
    silentTeamMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    /** Polling hours in the mission's time zone (equal values: all day; an end before the start runs past midnight). */
    pollingStartsAt: ClockTime,
    pollingEndsAt: ClockTime,
    /** A critical finding not acknowledged within this many minutes stands out. */
    criticalAckMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  },
  { additionalProperties: false },
);
export type AlertSettings = Static<typeof AlertSettings>;

/** A drill's own clock: from `realStart`, its time is `startsAt` on the observation day plus real time × `speed`. */
export const DrillClock = Type.Object(
  {
    realStart: IsoTime,
    startsAt: ClockTime,
    speed: Type.Number({ minimum: 1, maximum: 100_000 }),
  },
  { additionalProperties: false },
);

export const MissionSummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  electionDate: Type.String(),
  timeZone: Type.String(),
  center: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
  /** [[west, south], [east, north]] */
  bounds: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), { minItems: 2, maxItems: 2 }),
  /** City outline for the offline map (GeoJSON geometry), when the mission has one. */
  outline: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  languages: Type.Array(Type.String()),
  isDemo: Type.Boolean(),
  /** Rehearsal: everything in the log is drill data (see README, "Drills"). */
  drill: Type.Boolean(),
  /**
   * The day being observed, YYYY-MM-DD: the election date, or in a drill the day the drill started. "Covered today" and
   * the silent-team alert count this day only.
   */
  observationDay: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  /** A drill playing a compressed day runs its own clock (see shared/observation-day.ts); null in real time. */
  drillClock: Type.Union([DrillClock, Type.Null()]),
  /** When the coordinators' page raises alerts (the mission's own settings). */
  alerts: AlertSettings,
});
export type MissionSummary = Static<typeof MissionSummary>;

export const LoginReply = Type.Object({
  token: Type.String(),
  role: Type.Literal('coordinator'),
  expiresAt: IsoTime,
  coordinator: Type.Object({ id: Uuid, username: Type.String(), displayName: Type.String() }),
  mission: MissionSummary,
});
export type LoginReply = Static<typeof LoginReply>;

export const JoinReply = Type.Object({
  token: Type.String(),
  role: Type.Literal('team'),
  teamId: Uuid,
  callSign: Type.String(),
  mission: MissionSummary,
});
export type JoinReply = Static<typeof JoinReply>;

/** GET /api/session: who the bearer token is, for any role (a display link calls it with its token). */
export const SessionReply = Type.Object({
  role: Role,
  teamId: Type.Union([Uuid, Type.Null()]),
  name: Type.String(),
  mission: MissionSummary,
  /** A display link's own settings; null for other roles. */
  display: Type.Union([DisplayLinkSettings, Type.Null()]),
});
export type SessionReply = Static<typeof SessionReply>;
