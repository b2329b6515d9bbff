import { Type, type Static } from 'typebox';
import { IsoTime, Latitude, Longitude, MAX_SEQ, Seq, Uuid, oneOf, FieldProblem } from './common';
import { Assessment, PHASES, Severity } from './events';

export const StationsQuery = Type.Object(
  { changedAfter: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SEQ, description: 'only stations whose status changed after this seq' })) },
  { additionalProperties: false },
);

export const LatestAssessment = Type.Object({ assessment: Assessment, at: IsoTime, teamId: Uuid });
export const LatestAssessments = Type.Object({
  opening: Type.Optional(LatestAssessment),
  voting: Type.Optional(LatestAssessment),
  closing: Type.Optional(LatestAssessment),
});

/** The station read model as dashboards load it. */
export const StationStatus = Type.Object({
  presentTeamIds: Type.Array(Uuid),
  visitCount: Type.Integer({ minimum: 0 }),
  firstVisitAt: Type.Union([IsoTime, Type.Null()]),
  lastVisitAt: Type.Union([IsoTime, Type.Null()]),
  latestAssessments: LatestAssessments,
  openFindings: Type.Integer({ minimum: 0 }),
  worstOpenSeverity: Type.Union([Severity, Type.Null()]),
  /** Sequence of the last event that changed this status. */
  updatedSeq: Seq,
});
export type StationStatus = Static<typeof StationStatus>;

export const Station = Type.Object({
  id: Uuid,
  number: Type.String(),
  name: Type.String(),
  address: Type.String(),
  district: Type.String(),
  electoralDistrict: Type.Union([Type.String(), Type.Null()]),
  lat: Latitude,
  lng: Longitude,
  registeredVoters: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  status: StationStatus,
});
export type Station = Static<typeof Station>;

export const StationsReply = Type.Object({
  stations: Type.Array(Station),
  /** The mission's head sequence when the list was read: apply live events after it. */
  head: Seq,
});
export type StationsReply = Static<typeof StationsReply>;

/** The fields of one station in an import file (CSV columns or GeoJSON properties + point geometry). */
export const StationImportRow = Type.Object({
  number: Type.String({ minLength: 1, maxLength: 32 }),
  name: Type.String({ minLength: 1, maxLength: 300 }),
  address: Type.String({ minLength: 1, maxLength: 500 }),
  district: Type.String({ minLength: 1, maxLength: 120 }),
  electoralDistrict: Type.Union([Type.String({ maxLength: 120 }), Type.Null()]),
  lat: Latitude,
  lng: Longitude,
  registeredVoters: Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()]),
});
export type StationImportRow = Static<typeof StationImportRow>;

export const ImportFormat = oneOf(['csv', 'geojson'] as const);

/** One problem in an import file: the row (1 = first data row), the column or property, what is wrong. */
export const ImportProblem = Type.Object({
  row: Type.Integer({ minimum: 0 }),
  field: Type.String(),
  problem: Type.String(),
});
export type ImportProblem = Static<typeof ImportProblem>;

export const ImportReply = Type.Object({
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
});
export type ImportReply = Static<typeof ImportReply>;

/**
 * A 400 from the import: for a bad file (`code: IMPORT_INVALID`) nothing was written and every bad row is listed in
 * `problems`; a malformed request (unknown query parameter, say) is the API's usual error with `details`.
 */
export const ImportRejectedReply = Type.Object({
  statusCode: Type.Literal(400),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
  problems: Type.Optional(Type.Array(ImportProblem)),
  details: Type.Optional(Type.Array(FieldProblem)),
});

/** What an import would do to one station, by number. */
export const StationChange = oneOf(['created', 'updated', 'unchanged'] as const);

/** POST /api/stations/import?dryRun=true: the file's good rows with what each would change, and every problem. Nothing is written. */
export const ImportPreviewReply = Type.Object({
  dryRun: Type.Literal(true),
  rows: Type.Array(
    Type.Object({
      row: StationImportRow,
      change: StationChange,
      /** Fields that differ from the stored station (updated rows only). */
      changedFields: Type.Array(Type.String()),
    }),
  ),
  problems: Type.Array(ImportProblem),
  counts: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() }),
  /** Stored stations the file does not name: an import never deletes them. */
  notInFile: Type.Array(Type.String()),
});
export type ImportPreviewReply = Static<typeof ImportPreviewReply>;

export const STATION_PHASES = PHASES;
