/** Mission operations: drill mode, the chain head a mission publishes, the plan import. */
import { Type, type Static } from 'typebox';
import { FieldProblem, Seq } from './common';

/** The log's head: what a mission publishes so anyone holding an export can check it against the record. */
export const ChainHead = Type.Object({
  seq: Seq,
  hash: Type.String({ description: 'SHA-256 (hex) of the newest event, or the genesis hash of an empty log' }),
});
export type ChainHead = Static<typeof ChainHead>;

export const OperationsState = Type.Object({
  missionId: Type.String(),
  name: Type.String(),
  /** True while the mission rehearses: every event in its log is drill data. */
  drill: Type.Boolean(),
  head: ChainHead,
  events: Type.Integer({ minimum: 0 }),
  /** Events other than plan changes: drill mode switches only while this is 0 (a plan is the same in a drill and live). */
  reports: Type.Integer({ minimum: 0 }),
});
export type OperationsState = Static<typeof OperationsState>;

export const DrillBody = Type.Object(
  {
    drill: Type.Boolean(),
    /**
     * Only with `drill: true`: the drill plays a compressed day (the simulator says so), so alerts follow its clock.
     * The day's `startsAt` (HH:MM) begins now and runs `speed` times faster than real time.
     */
    clock: Type.Optional(
      Type.Object(
        {
          startsAt: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
          speed: Type.Number({ minimum: 1, maximum: 100_000 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type DrillBody = Static<typeof DrillBody>;

/** Wiping is irreversible: the caller repeats the mission's name (as the page asks the coordinator to). */
export const ClearDrillBody = Type.Object(
  { confirmMissionName: Type.String({ minLength: 1, maxLength: 300 }) },
  { additionalProperties: false },
);
export type ClearDrillBody = Static<typeof ClearDrillBody>;

export const ClearDrillReply = Type.Object({
  deleted: Type.Object({
    events: Type.Integer({ minimum: 0 }),
    visits: Type.Integer({ minimum: 0 }),
    findings: Type.Integer({ minimum: 0 }),
    conflicts: Type.Integer({ minimum: 0 }),
    photos: Type.Integer({ minimum: 0 }),
  }),
  /** The plan that stands, recorded again as the fresh chain's first events (one plan_changed per team with a route). */
  replanned: Type.Integer({ minimum: 0 }),
  head: ChainHead,
});
export type ClearDrillReply = Static<typeof ClearDrillReply>;

export const PlanImportQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ description: 'check and show the plan without changing it' })) },
  { additionalProperties: false },
);

export const PlanImportReply = Type.Object({
  dryRun: Type.Boolean(),
  /** One entry per team the file names, with its new route in order. */
  teams: Type.Array(
    Type.Object({
      teamId: Type.String(),
      callSign: Type.String(),
      stations: Type.Array(
        Type.Object({ stationId: Type.String(), number: Type.String(), phases: Type.Array(Type.String()) }),
      ),
    }),
  ),
  /** Sequence numbers of the plan_changed events stored (empty on a dry run). */
  seqs: Type.Array(Seq),
});
export type PlanImportReply = Static<typeof PlanImportReply>;

export const PlanImportRejected = Type.Object({
  statusCode: Type.Literal(400),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
  problems: Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), problem: Type.String() })),
});
export { FieldProblem };
