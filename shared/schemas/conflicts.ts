/** Conflicting reports: two teams said different things about the same station and phase. */
import { Type, type Static } from 'typebox';
import { IsoTime, Seq, Uuid, oneOf } from './common';
import { Phase } from './events';

/** `protocol`: two teams copied different results protocols for one station and contest (`questionId` protocol:CONTEST). */
export const CONFLICT_KINDS = ['assessment', 'answer', 'protocol'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];
export const ConflictKind = oneOf(CONFLICT_KINDS);

/** One team's latest report on the conflict's subject. */
export const ConflictReport = Type.Object({
  teamId: Uuid,
  eventId: Uuid,
  value: Type.Union([Type.String(), Type.Boolean()]),
  at: IsoTime,
});
export type ConflictReport = Static<typeof ConflictReport>;

export const Conflict = Type.Object({
  id: Uuid,
  stationId: Uuid,
  phase: Phase,
  kind: ConflictKind,
  /** The yes/no question; null for the overall assessment. */
  questionId: Type.Union([Type.String(), Type.Null()]),
  reports: Type.Array(ConflictReport),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  raisedAt: IsoTime,
  resolvedAt: Type.Union([IsoTime, Type.Null()]),
  resolutionNote: Type.Union([Type.String(), Type.Null()]),
  updatedSeq: Seq,
});
export type Conflict = Static<typeof Conflict>;

export const ConflictsReply = Type.Object({ conflicts: Type.Array(Conflict), head: Seq });
export type ConflictsReply = Static<typeof ConflictsReply>;

export const ConflictsQuery = Type.Object(
  { status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('all')])) },
  { additionalProperties: false },
);
export type ConflictsQuery = Static<typeof ConflictsQuery>;
