import { Type, type Static } from 'typebox';
import { IsoTime, Latitude, Longitude, MAX_SEQ, Seq, Uuid, oneOf, FieldProblem } from './common';
import { Assessment, PHASES, Severity } from './events';

export const StationsQuery = Type.Object(
  {
    changedAfter: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_SEQ, description: 'only stations whose status changed after this seq' }),
    ),
  },
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
  /** The commission's number, unique within its district only. */
  number: Type.String(),
  /** Unique in the mission: what phones show, search and type, and what exports and the plan CSV carry. */
  code: Type.String(),
  name: Type.String(),
  address: Type.String(),
  district: Type.String(),
  /** The level above the district, when the list has one (a county above its localities). */
  region: Type.Union([Type.String(), Type.Null()]),
  electoralDistrict: Type.Union([Type.String(), Type.Null()]),
  /** Both null for an unplaced station: not on the map, but planned, searched and checked into like any other. */
  lat: Type.Union([Latitude, Type.Null()]),
  lng: Type.Union([Longitude, Type.Null()]),
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

/**
 * GET /api/stations/summary: how many stations the mission has and, for a mission the map draws from tiles
 * (TILED_MAP_MIN_STATIONS or more), how many are in each state: what the coordinators' page needs before its map is
 * drawn, so the whole list (90 MB at 200,000 stations) can follow in the background.
 */
export const StationSummaryReply = Type.Object({
  /** The mission's head sequence the counts are at: apply live events after it. */
  head: Seq,
  count: Type.Integer({ minimum: 0 }),
  /** Stations per state; null below TILED_MAP_MIN_STATIONS, where the page reads the whole list at once. */
  counts: Type.Union([
    // The states of shared/station-state.ts, most urgent first (written out: that module reads its types from here).
    Type.Object(
      {
        critical: Type.Integer({ minimum: 0 }),
        serious: Type.Integer({ minimum: 0 }),
        bad_assessment: Type.Integer({ minimum: 0 }),
        present: Type.Integer({ minimum: 0 }),
        minor: Type.Integer({ minimum: 0 }),
        visited: Type.Integer({ minimum: 0 }),
        never_visited: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    Type.Null(),
  ]),
});
export type StationSummaryReply = Static<typeof StationSummaryReply>;

export const StationSummaryQuery = Type.Object({}, { additionalProperties: false });

/**
 * The fields of one station in an import file (CSV columns or GeoJSON properties + point geometry). Only the number
 * and the district are required: a station is matched by (district, number). A blank optional cell leaves a stored
 * value alone unless the import's `clear` parameter names the field.
 */
export const StationImportRow = Type.Object({
  number: Type.String({ minLength: 1, maxLength: 32 }),
  district: Type.String({ minLength: 1, maxLength: 120 }),
  code: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
  name: Type.Union([Type.String({ maxLength: 300 }), Type.Null()]),
  address: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  region: Type.Union([Type.String({ maxLength: 120 }), Type.Null()]),
  electoralDistrict: Type.Union([Type.String({ maxLength: 120 }), Type.Null()]),
  lat: Type.Union([Latitude, Type.Null()]),
  lng: Type.Union([Longitude, Type.Null()]),
  registeredVoters: Type.Union([Type.Integer({ minimum: 0, maximum: 10_000_000 }), Type.Null()]),
});
export type StationImportRow = Static<typeof StationImportRow>;

/** The station fields an import file can carry, for the column mapping. */
export const StationImportField = oneOf([
  'number',
  'district',
  'code',
  'name',
  'address',
  'region',
  'electoralDistrict',
  'lat',
  'lng',
  'registeredVoters',
] as const);
export type StationImportField = Static<typeof StationImportField>;

export const ImportFormat = oneOf(['csv', 'geojson'] as const);

/** error: blocks the import; warning: implausible but imported; notice: what will happen (e.g. no position → unplaced). */
export const ProblemSeverity = oneOf(['error', 'warning', 'notice'] as const);
export type ProblemSeverity = Static<typeof ProblemSeverity>;

/** One problem in an import file: the row (1 = first data row), the column or property, what is wrong. */
export const ImportProblem = Type.Object({
  row: Type.Integer({ minimum: 0 }),
  field: Type.String(),
  problem: Type.String(),
  /** Absent means error (the plan and team imports know only errors). */
  severity: Type.Optional(ProblemSeverity),
  /** Problems of one kind share this text, for grouping ("lat: is missing → unplaced"). */
  kind: Type.Optional(Type.String()),
});
export type ImportProblem = Static<typeof ImportProblem>;

/** Problems grouped by kind with how many rows have each. */
export const ImportProblemKind = Type.Object({
  kind: Type.String(),
  severity: ProblemSeverity,
  count: Type.Integer({ minimum: 0 }),
  /** First rows with this kind of problem (at most 5). */
  rows: Type.Array(Type.Integer({ minimum: 0 })),
});
export type ImportProblemKind = Static<typeof ImportProblemKind>;

export const ImportCounts = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  /** Rows that will be (or are) stations without a position. */
  unplaced: Type.Integer(),
});

export const ImportReply = Type.Object({
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  unplaced: Type.Integer(),
  /** Stations the file's `sample` column marks (they became the quick count's sample); absent without the column. */
  sampleStations: Type.Optional(Type.Integer()),
  /** Warnings and notices: they did not block the import. */
  problemKinds: Type.Array(ImportProblemKind),
});
export type ImportReply = Static<typeof ImportReply>;

/**
 * A 400 from the import: for a bad file (`code: IMPORT_INVALID`) nothing was written and the problems are listed
 * (the first MAX_IMPORT_PROBLEMS; all are counted in `problemKinds` and downloadable from /import/problems);
 * a malformed request (unknown query parameter, say) is the API's usual error with `details`.
 */
export const ImportRejectedReply = Type.Object({
  statusCode: Type.Literal(400),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
  problems: Type.Optional(Type.Array(ImportProblem)),
  problemKinds: Type.Optional(Type.Array(ImportProblemKind)),
  columns: Type.Optional(Type.Array(Type.String())),
  details: Type.Optional(Type.Array(FieldProblem)),
});

/** What an import would do to one station. */
export const StationChange = oneOf(['created', 'updated', 'unchanged'] as const);

/** A row as it will be stored: the file's values merged over the stored station's, with its code decided. */
export const StationImportResolvedRow = Type.Object({
  number: Type.String(),
  district: Type.String(),
  code: Type.String(),
  name: Type.String(),
  address: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  electoralDistrict: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Union([Latitude, Type.Null()]),
  lng: Type.Union([Longitude, Type.Null()]),
  registeredVoters: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
});
export type StationImportResolvedRow = Static<typeof StationImportResolvedRow>;

/**
 * POST /api/stations/import?dryRun=true: what the import would do, without writing. The counts are the ones the real
 * import reports for the same file. `rows` lists at most IMPORT_PREVIEW_ROWS rows, new and changed ones first.
 */
export const ImportPreviewReply = Type.Object({
  dryRun: Type.Literal(true),
  /** The file's columns (CSV header) or properties (GeoJSON), and its first rows, for the mapping step. */
  columns: Type.Array(Type.String()),
  sample: Type.Array(Type.Array(Type.String())),
  /** Which column each field was read from (null: not in the file). */
  mapping: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
  totalRows: Type.Integer(),
  rows: Type.Array(
    Type.Object({
      /** 1-based data row in the file. */
      line: Type.Integer(),
      row: StationImportResolvedRow,
      change: StationChange,
      /** Fields that differ from the stored station (updated rows only). */
      changedFields: Type.Array(Type.String()),
    }),
  ),
  problems: Type.Array(ImportProblem),
  problemKinds: Type.Array(ImportProblemKind),
  counts: ImportCounts,
  /** Stations the file's `sample` column marks; absent without the column. */
  sampleStations: Type.Optional(Type.Integer()),
  /** How many stored stations the file does not name (an import never deletes them), and the first of their codes. */
  notInFileCount: Type.Integer(),
  notInFile: Type.Array(Type.String()),
});
export type ImportPreviewReply = Static<typeof ImportPreviewReply>;

/** Query of the station import: how to read the file. */
export const StationImportQuery = Type.Object(
  {
    format: Type.Optional(ImportFormat),
    dryRun: Type.Optional(
      Type.Boolean({ description: 'preview: what would change and every problem; nothing is written' }),
    ),
    mapping: Type.Optional(
      Type.String({
        maxLength: 4000,
        description:
          "JSON object from station field to the file's column (or GeoJSON property) name, e.g. " +
          '{"number":"Nr","district":"County","address":"Adresa"}; null means the file has no such column. ' +
          'Fields left out are found by their usual names. "sample" names the quick-count sample column (yes/no marks).',
      }),
    ),
    clear: Type.Optional(
      Type.String({
        maxLength: 300,
        description:
          'comma-separated optional fields whose blank cells clear the stored value (by default a blank cell keeps it)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StationImportQuery = Static<typeof StationImportQuery>;

/** GET /api/stations/search */
export const StationSearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'part of a code, name or address; case, spaces and dashes ignored',
    }),
    near: Type.Optional(
      Type.String({ pattern: '^-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?$', description: 'LAT,LNG: nearest first' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  },
  { additionalProperties: false },
);
export type StationSearchQuery = Static<typeof StationSearchQuery>;

export const StationSearchReply = Type.Object({ stations: Type.Array(Station) });
export type StationSearchReply = Static<typeof StationSearchReply>;

/** PUT /api/stations/:stationId/position: a coordinator places an unplaced station (or moves one). */
export const StationPositionBody = Type.Object({ lat: Latitude, lng: Longitude }, { additionalProperties: false });
export type StationPositionBody = Static<typeof StationPositionBody>;

export const STATION_PHASES = PHASES;
