/**
 * GET /api/replay?at=ISO: the mission as it stood at a past moment, rebuilt from the event log (coordinators only).
 * The moment is the log as it was: every event received by `at`, up to the last one received by then.
 */
import { Type, type Static } from 'typebox';
import { IsoTime, Seq, Uuid } from './common';
import { StationStatus } from './stations';
import { TeamStatus } from './teams';
import { TriageFinding } from './findings';
import { CoverageReply } from './coverage';

export const ReplayQuery = Type.Object(
  { at: Type.String({ description: 'The moment, an ISO 8601 time with zone (e.g. 2026-12-07T14:00:00Z)' }) },
  { additionalProperties: false },
);
export type ReplayQuery = Static<typeof ReplayQuery>;

/** A finding as it stood at the moment: where, what, and how far triage had gone. */
export const ReplayFinding = Type.Pick(TriageFinding, [
  'id',
  'seq',
  'category',
  'severity',
  'status',
  'stationId',
  'teamId',
  'reportedAt',
  'statusChangedAt',
  'position',
]);
export type ReplayFinding = Static<typeof ReplayFinding>;

export const ReplayReply = Type.Object({
  at: IsoTime,
  /** The last event of the log received by `at` (0: none yet); the state is the log up to it. */
  seq: Seq,
  /** The log's head now, so a page can tell how far the moment is from live. */
  head: Seq,
  /** Every station of the mission with its status at the moment, as GET /api/stations gives `status`. */
  stations: Type.Array(Type.Object({ id: Uuid, status: StationStatus })),
  /** Every team with its status at the moment, as GET /api/teams gives `status`. */
  teams: Type.Array(Type.Object({ id: Uuid, status: TeamStatus })),
  /** Every finding reported by then, newest first. */
  findings: Type.Array(ReplayFinding),
  /** The coverage figures at the moment, as GET /api/coverage gives them (its `head` is `seq`). */
  coverage: CoverageReply,
});
export type ReplayReply = Static<typeof ReplayReply>;

/** PUT /api/replay/walls: the moment the mission's walls show (coordinators only), renewed while it stays on. */
export const WallReplayBody = Type.Object(
  { at: Type.String({ description: 'The moment, an ISO 8601 time with zone (e.g. 2026-12-07T14:00:00Z)' }) },
  { additionalProperties: false },
);
export type WallReplayBody = Static<typeof WallReplayBody>;

/**
 * `wall_replay` (display sockets): the walls show this past moment until `expiresAt` unless renewed, then go back to
 * live by themselves. `moment` is redacted as live data is for displays: findings without text (replay never carries
 * it), team positions and incident positions only when the mission shows them team positions.
 */
export const WallReplay = Type.Object({
  moment: ReplayReply,
  expiresAt: IsoTime,
});
export type WallReplay = Static<typeof WallReplay>;

/** `wall_replay_renewed` (display sockets): the moment `at` (as `moment.at` of the `wall_replay` sent) stays on. */
export const WallReplayRenewal = Type.Object({ at: IsoTime, expiresAt: IsoTime });
export type WallReplayRenewal = Static<typeof WallReplayRenewal>;

export const WallReplayReply = Type.Object({ expiresAt: IsoTime });

/** GET /api/replay/walls: the moment on the mission's walls now, and who put it there; `onWalls` null: they are live. */
export const WallReplayStateReply = Type.Object({
  onWalls: Type.Union([
    Type.Object({
      at: IsoTime,
      expiresAt: IsoTime,
      /** The coordinator who put this moment on the walls (username; null once the account is gone). */
      startedBy: Type.Union([Type.String(), Type.Null()]),
      startedAt: IsoTime,
    }),
    Type.Null(),
  ]),
});
export type WallReplayStateReply = Static<typeof WallReplayStateReply>;
export type WallReplayReply = Static<typeof WallReplayReply>;
