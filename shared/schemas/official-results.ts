/**
 * The commission's official per-station results, imported from its CSV (POST /api/official-results/import), and their
 * comparison with what observers copied from the posted protocols (GET /api/official-results/comparison).
 */
import { Type, type Static } from 'typebox';
import { IsoTime, Seq, oneOf } from './common';
import { PROTOCOL_FIGURES, ResultCheckThresholds, type ProtocolFigure } from './results';
import { RESULT_CHECK_KINDS } from '../result-checks';
import { ImportProblem } from './stations';

/** The fields an official results file carries: one row per station, contest and candidate, totals repeated. */
export const OFFICIAL_RESULT_FIELDS = ['stationCode', 'contest', 'candidate', 'votes', ...PROTOCOL_FIGURES] as const;
export type OfficialResultField = (typeof OFFICIAL_RESULT_FIELDS)[number];
export const OfficialResultField = oneOf(OFFICIAL_RESULT_FIELDS);

/** Figures the file may leave out (a commission that publishes no count of unused ballots). */
export type OfficialFigures = Partial<Record<ProtocolFigure, number>>;

export const OfficialImportQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ description: 'check the file and answer its columns; nothing is written' })),
    mapping: Type.Optional(
      Type.String({
        maxLength: 4000,
        description:
          'JSON object from field (stationCode, contest, candidate, votes, registered, ballotsReceived, issued, ' +
          "foundInBoxes, valid, invalid, spoilt, unused) to the file's column name; null: the file has no such " +
          'column. Fields left out are found by their usual names.',
      }),
    ),
    contestId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'the contest of every row, for a file without a contest column',
      }),
    ),
  },
  { additionalProperties: false },
);
export type OfficialImportQuery = Static<typeof OfficialImportQuery>;

const ContestCount = Type.Object({
  contestId: Type.String(),
  stations: Type.Integer({ minimum: 0 }),
  rows: Type.Integer({ minimum: 0 }),
});

/** The answer of an import (and of its dry run): what the file holds, per contest. */
export const OfficialImportReply = Type.Object({
  dryRun: Type.Boolean(),
  /** The file's header, its first rows and which column each field was read from, for the mapping step. */
  columns: Type.Array(Type.String()),
  sample: Type.Array(Type.Array(Type.String())),
  mapping: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
  rows: Type.Integer({ minimum: 0 }),
  contests: Type.Array(ContestCount),
  /** SHA-256 of the file's bytes, as the log records it. */
  sha256: Type.String(),
  /** The `official_results_imported` event's seq; null for a dry run. */
  seq: Type.Union([Seq, Type.Null()]),
});
export type OfficialImportReply = Static<typeof OfficialImportReply>;

/** A 400 of the import: nothing was written; the first problems (row 1 = the first data row, 0 = the header). */
export const OfficialImportRejectedReply = Type.Object({
  statusCode: Type.Literal(400),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
  problems: Type.Optional(Type.Array(ImportProblem)),
  problemCount: Type.Optional(Type.Integer()),
  columns: Type.Optional(Type.Array(Type.String())),
  mapping: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
  details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), problem: Type.String() }))),
});

/** One figure or candidate where an observed protocol and the official result disagree. */
export const OfficialDifference = Type.Object({
  stationId: Type.String(),
  stationCode: Type.String(),
  stationName: Type.String(),
  district: Type.String(),
  contestId: Type.String(),
  /** A protocol figure (`valid`, ...) or `votes:<candidateId>`. */
  field: Type.String(),
  observed: Type.Union([Type.Integer(), Type.Null()]),
  official: Type.Union([Type.Integer(), Type.Null()]),
});
export type OfficialDifference = Static<typeof OfficialDifference>;

/** Per candidate: observers' protocols against the official result. */
export const OfficialCandidateTotal = Type.Object({
  candidateId: Type.String(),
  name: Type.String(),
  /** Votes over the observed stations (the sample's, when the ballot has one) and the share of their valid votes. */
  observedVotes: Type.Integer(),
  observedShare: Type.Union([Type.Number(), Type.Null()]),
  /** The same stations' official votes and share: like against like. */
  officialSameStationsVotes: Type.Integer(),
  officialSameStationsShare: Type.Union([Type.Number(), Type.Null()]),
  /** Every station's official votes and share. */
  officialVotes: Type.Integer(),
  officialShare: Type.Union([Type.Number(), Type.Null()]),
});

export const OfficialContestComparison = Type.Object({
  contestId: Type.String(),
  name: Type.String(),
  /** Stations with an official result, observed stations (latest protocol), those with both, and those that differ. */
  officialStations: Type.Integer(),
  observedStations: Type.Integer(),
  compared: Type.Integer(),
  differing: Type.Integer(),
  /** Observed stations the official result leaves out. */
  missingOfficial: Type.Array(Type.String()),
  /** `sample`: totals over the quick count's sample stations; `observed`: over every observed station. */
  totalsOver: oneOf(['sample', 'observed'] as const),
  totals: Type.Array(OfficialCandidateTotal),
  importedAt: Type.Union([IsoTime, Type.Null()]),
  importSeq: Type.Union([Seq, Type.Null()]),
});
export type OfficialContestComparison = Static<typeof OfficialContestComparison>;

/** GET /api/official-results/comparison */
export const OfficialComparisonReply = Type.Object({
  contests: Type.Array(OfficialContestComparison),
  differences: Type.Array(OfficialDifference),
  /** Ids of stations where at least one contest differs: the map's own state. */
  differingStationIds: Type.Array(Type.String()),
  head: Seq,
});
export type OfficialComparisonReply = Static<typeof OfficialComparisonReply>;

export const RESULT_SOURCES = ['observed', 'official'] as const;

/** A station result worth a look (shared/result-checks.ts says why), from observers' protocols or the official file. */
export const ResultCheckRow = Type.Object({
  source: oneOf(RESULT_SOURCES),
  stationId: Type.String(),
  stationCode: Type.String(),
  stationName: Type.String(),
  district: Type.String(),
  contestId: Type.String(),
  check: oneOf(RESULT_CHECK_KINDS),
  value: Type.Number(),
  detail: Type.String(),
});
export type ResultCheckRow = Static<typeof ResultCheckRow>;

const Fingerprint = Type.Object({
  /** Stations per cell, row-major from the bottom-left: index = shareBin * bins + turnoutBin. */
  cells: Type.Array(Type.Integer({ minimum: 0 })),
  stations: Type.Integer({ minimum: 0 }),
});

/** Turnout × the winner's share, stations counted per cell, observed and official. */
export const ContestFingerprint = Type.Object({
  contestId: Type.String(),
  name: Type.String(),
  /** The contest's winner (by the official totals once imported, else by the observed ones); null without votes. */
  candidateId: Type.Union([Type.String(), Type.Null()]),
  candidateName: Type.String(),
  bins: Type.Integer({ minimum: 1 }),
  observed: Fingerprint,
  official: Type.Union([Fingerprint, Type.Null()]),
});
export type ContestFingerprint = Static<typeof ContestFingerprint>;

/** GET /api/result-checks */
export const ResultChecksReply = Type.Object({
  thresholds: ResultCheckThresholds,
  /** The first checks of each source (observed first); `counts` has how many there are, the export all of them. */
  checks: Type.Array(ResultCheckRow),
  counts: Type.Object({ observed: Type.Integer(), official: Type.Integer() }),
  fingerprints: Type.Array(ContestFingerprint),
  head: Seq,
});
export type ResultChecksReply = Static<typeof ResultChecksReply>;
