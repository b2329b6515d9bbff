/** GET /api/findings/recent: the latest findings as a summary line each (the wall's ticker, a coordinator's feed). */
import { Type, type Static } from 'typebox';
import { MAX_RECENT_FINDINGS } from '../constants';
import { IsoTime, Latitude, Longitude, Seq, Uuid, oneOf } from './common';
import { FINDING_STATUSES, Severity } from './events';

/** Where a finding is in triage: new until a coordinator acknowledges, escalates or resolves it. */
export const FINDING_STATES = ['new', ...FINDING_STATUSES] as const;
export type FindingState = (typeof FINDING_STATES)[number];
export const FindingState = oneOf(FINDING_STATES);

export const FindingSummary = Type.Object({
  id: Uuid,
  /** Sequence of the finding event. */
  seq: Seq,
  category: Type.String(),
  severity: Severity,
  status: FindingState,
  /** Null for an incident away from any station (then `position` says where). */
  stationId: Type.Union([Uuid, Type.Null()]),
  stationNumber: Type.Union([Type.String(), Type.Null()]),
  district: Type.Union([Type.String(), Type.Null()]),
  /** Device time of the report. */
  reportedAt: IsoTime,
  /** The observers' free text: for coordinators, and for displays only when the mission allows it. */
  text: Type.Optional(Type.String()),
  /**
   * Where an incident away from any station happened: for coordinators, and for displays only when the mission shows
   * them team positions (an incident's place tells where its team was). Absent for findings at a station.
   */
  position: Type.Optional(Type.Object({ lat: Latitude, lng: Longitude })),
  /** For coordinators only: the finding's photo, to fetch from GET /api/photos/:photoId. Never sent to displays. */
  photoId: Type.Optional(Type.String()),
});
export type FindingSummary = Static<typeof FindingSummary>;

export const RecentFindingsQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: MAX_RECENT_FINDINGS, default: 20 }) },
  { additionalProperties: false },
);
export type RecentFindingsQuery = Static<typeof RecentFindingsQuery>;

export const RecentFindingsReply = Type.Object({
  /** Newest first (by sequence). */
  findings: Type.Array(FindingSummary),
  head: Seq,
});
export type RecentFindingsReply = Static<typeof RecentFindingsReply>;

/** GET /api/findings: every finding of the mission with what triage needs (coordinators only). */
export const TriageFinding = Type.Object({
  ...FindingSummary.properties,
  text: Type.String(),
  teamId: Uuid,
  teamCallSign: Type.String(),
  /** Where an incident away from a station happened; null at a station. */
  position: Type.Union([Type.Object({ lat: Type.Number(), lng: Type.Number() }), Type.Null()]),
  /** When the status last changed (device time of the triage), null while new. */
  statusChangedAt: Type.Union([IsoTime, Type.Null()]),
  /** The first triage: when and by which coordinator. */
  acknowledgedAt: Type.Union([IsoTime, Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  /** The coordinator of the latest triage (statusChangedAt is when), null while new. */
  statusChangedBy: Type.Union([Type.String(), Type.Null()]),
  /** The resolution: when and by which coordinator, null while open. */
  resolvedAt: Type.Union([IsoTime, Type.Null()]),
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
  /** The coordinator (username) who has taken the finding on, and since when; null when nobody has. */
  assignedTo: Type.Union([Type.String(), Type.Null()]),
  assignedAt: Type.Union([IsoTime, Type.Null()]),
  /** The note of the latest triage that had one. */
  lastNote: Type.Union([Type.String(), Type.Null()]),
});
export type TriageFinding = Static<typeof TriageFinding>;

export const TriageFindingsReply = Type.Object({
  /** Newest first (by sequence); every finding of the mission. */
  findings: Type.Array(TriageFinding),
  head: Seq,
});
export type TriageFindingsReply = Static<typeof TriageFindingsReply>;
