/**
 * The ballot as data, turnout and results protocols: what a mission's contests are (and which stations each covers),
 * at which hours teams report turnout, and what a copied results protocol holds. The `ballot_set`, `turnout` and
 * `results_protocol` events (events.ts) carry these shapes; GET/PUT /api/ballot, GET /api/turnout and
 * GET /api/protocols answer with them.
 */
import { Type, type Static } from 'typebox';
import { IsoTime, Seq, Uuid, oneOf } from './common';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
/** HH:MM in the mission's time zone. */
export const ClockHour = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM in the mission time zone',
});

export const CONTEST_KINDS = ['constituency', 'party_list', 'referendum', 'other'] as const;
export type ContestKind = (typeof CONTEST_KINDS)[number];

export const Candidate = Type.Object({ id: Id, name: Name }, { additionalProperties: false });
export type Candidate = Static<typeof Candidate>;

/** Most candidates (or lists) one contest may hold, and most contests a ballot may hold. */
export const MAX_CANDIDATES = 200;
export const MAX_CONTESTS = 100;

export const Contest = Type.Object(
  {
    /** The `contestId` of results protocols; kept for good once reported on. */
    id: Id,
    name: Name,
    kind: oneOf(CONTEST_KINDS),
    candidates: Type.Array(Candidate, { minItems: 1, maxItems: MAX_CANDIDATES }),
    /** The stations whose voters vote in it, by station code, or "all" for every station of the mission. */
    stations: Type.Union([
      Type.Literal('all'),
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 250_000 }),
    ]),
  },
  { additionalProperties: false },
);
export type Contest = Static<typeof Contest>;

export const SAMPLE_METHODS = ['simple_random', 'stratified'] as const;
/** How Vigil draws a sample from a seed (server/modules/results/sample-draw.ts; README "Drawing the sample"). */
export const SAMPLE_ALGORITHM = 'sha256-order-v1';
export type SampleMethod = (typeof SAMPLE_METHODS)[number];
/** A seed as people read it out at a public draw: letters, digits and a little punctuation. */
export const SampleSeed = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9 _.:/-]+$' });
const SampleSize = Type.Integer({ minimum: 1, maximum: 250_000 });

/**
 * How the sample was made, so the log explains it: drawn by Vigil (method, size, seed and the algorithm, with which
 * anyone can draw it again; `forced` when it was redrawn after results protocols had arrived), or marked in a station
 * import's `sample` column. A sample given whole through PUT /api/ballot has no origin.
 */
export const SampleOrigin = Type.Union([
  Type.Object(
    {
      source: Type.Literal('draw'),
      method: oneOf(SAMPLE_METHODS),
      size: SampleSize,
      seed: SampleSeed,
      algorithm: Type.Literal(SAMPLE_ALGORITHM),
      /** Stations the draw was made from: those the ballot's contests cover. */
      frameSize: SampleSize,
      forced: Type.Optional(Type.Literal(true)),
    },
    { additionalProperties: false },
  ),
  Type.Object({ source: Type.Literal('station_import') }, { additionalProperties: false }),
]);
export type SampleOrigin = Static<typeof SampleOrigin>;

/**
 * The quick count's random sample of stations, by station code. `stratified`: the sample was drawn per district, so
 * the estimate weighs each district by its number of stations. No result is shown before `minReported` sample stations
 * have sent a protocol for the contest.
 */
export const QuickCountSample = Type.Object(
  {
    stations: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 250_000 }),
    stratified: Type.Boolean(),
    minReported: Type.Integer({ minimum: 1, maximum: 250_000 }),
    origin: Type.Optional(SampleOrigin),
  },
  { additionalProperties: false },
);
export type QuickCountSample = Static<typeof QuickCountSample>;

/**
 * When a station's result is worth a look (GET /api/result-checks): shares as fractions (0.9 = 90 %). Defaults in
 * DEFAULT_RESULT_CHECKS.
 */
export const ResultCheckThresholds = Type.Object(
  {
    /** Ballots found in the boxes over registered voters above this. */
    turnoutAbove: Type.Number({ minimum: 0, maximum: 2 }),
    /** Invalid ballots over ballots found above this. */
    invalidShareAbove: Type.Number({ minimum: 0, maximum: 1 }),
    /** The district's leading candidate's share at the station further than this from their share in the district. */
    districtShareDeviation: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);
export type ResultCheckThresholds = Static<typeof ResultCheckThresholds>;
export const DEFAULT_RESULT_CHECKS: ResultCheckThresholds = {
  turnoutAbove: 0.9,
  invalidShareAbove: 0.05,
  districtShareDeviation: 0.2,
};

/** The mission's contests and the settings of its turnout and protocol reports. */
export const Ballot = Type.Object(
  {
    contests: Type.Array(Contest, { maxItems: MAX_CONTESTS }),
    /** The hours at which teams report how many have voted so far (the commission's turnout hours). */
    turnoutHours: Type.Array(ClockHour, { maxItems: 24, uniqueItems: true }),
    /** A results protocol must name a photo of the posted protocol. */
    protocolPhotoRequired: Type.Boolean(),
    /** The quick count's sample; without it there is no quick count. */
    sample: Type.Optional(QuickCountSample),
    /** Thresholds of the result checks; DEFAULT_RESULT_CHECKS without. */
    checks: Type.Optional(ResultCheckThresholds),
  },
  { additionalProperties: false },
);
export type Ballot = Static<typeof Ballot>;

/** GET /api/ballot and the answer of PUT /api/ballot. */
export const BallotReply = Type.Object({
  ...Ballot.properties,
  /** The seq of the `ballot_set` event that set it; null while the mission has none (an empty ballot). */
  seq: Type.Union([Seq, Type.Null()]),
  /** Contests that have results protocols: they may gain candidates, never lose them. */
  reportedContestIds: Type.Array(Type.String()),
});
export type BallotReply = Static<typeof BallotReply>;

/** POST /api/ballot/sample: Vigil draws the quick count's sample from the stations the ballot's contests cover. */
export const SampleDrawRequest = Type.Object(
  {
    method: oneOf(SAMPLE_METHODS),
    size: SampleSize,
    /** Vigil picks one (and shows it) when none is given. */
    seed: Type.Optional(SampleSeed),
    /** Defaults to the current sample's, else half the size (rounded up); at most the size. */
    minReported: Type.Optional(Type.Integer({ minimum: 1, maximum: 250_000 })),
    /** Redraw although results protocols have arrived (refused with 409 otherwise); the log marks the draw forced. */
    force: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SampleDrawRequest = Static<typeof SampleDrawRequest>;

export const SampleDrawReply = Type.Object({
  ballot: BallotReply,
  /** Per district: its stations in the frame and how many the sample took. */
  allocation: Type.Array(
    Type.Object({
      district: Type.String(),
      stations: Type.Integer({ minimum: 0 }),
      drawn: Type.Integer({ minimum: 0 }),
    }),
  ),
});
export type SampleDrawReply = Static<typeof SampleDrawReply>;

/** The figures of a results protocol, as the commission wrote them. */
export const PROTOCOL_FIGURES = [
  'registered',
  'ballotsReceived',
  'issued',
  'foundInBoxes',
  'valid',
  'invalid',
  'spoilt',
  'unused',
] as const;
export type ProtocolFigure = (typeof PROTOCOL_FIGURES)[number];
const Count = Type.Integer({ minimum: 0, maximum: 10_000_000 });
export const ProtocolFigures = Type.Object(
  Object.fromEntries(PROTOCOL_FIGURES.map((f) => [f, Count])) as Record<ProtocolFigure, typeof Count>,
  { additionalProperties: false },
);
export type ProtocolFigures = Static<typeof ProtocolFigures>;
/** Votes per candidate id. */
export const ProtocolVotes = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }), Count, {
  maxProperties: MAX_CANDIDATES,
});
export type ProtocolVotes = Static<typeof ProtocolVotes>;

/** Why a report stands out: a protocol whose figures do not reconcile, turnout above the station's list. */
export const REPORT_FLAGS = [
  'valid_invalid_found',
  'votes_valid',
  'found_issued',
  'received_accounted',
  'issued_registered',
  'candidate_missing',
  'turnout_above_registered',
  'turnout_below_earlier',
] as const;
export type ReportFlag = (typeof REPORT_FLAGS)[number];
export const ReportFlag = oneOf(REPORT_FLAGS);

/** One team's latest protocol for a station and contest (an earlier one of the same team is superseded). */
export const ProtocolRow = Type.Object({
  eventId: Uuid,
  stationId: Uuid,
  stationCode: Type.String(),
  district: Type.String(),
  contestId: Type.String(),
  teamId: Uuid,
  callSign: Type.String(),
  figures: ProtocolFigures,
  votes: ProtocolVotes,
  photoId: Type.Union([Type.String(), Type.Null()]),
  flags: Type.Array(ReportFlag),
  /** How many earlier protocols of this team for the station and contest this one superseded (all stay in the log). */
  supersedes: Type.Integer({ minimum: 0 }),
  at: IsoTime,
  seq: Seq,
});
export type ProtocolRow = Static<typeof ProtocolRow>;

export const ProtocolsQuery = Type.Object(
  { stationId: Type.Optional(Uuid), contestId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type ProtocolsQuery = Static<typeof ProtocolsQuery>;

export const ProtocolsReply = Type.Object({ protocols: Type.Array(ProtocolRow), head: Seq });
export type ProtocolsReply = Static<typeof ProtocolsReply>;

/** Turnout at one hour over a set of observed stations. */
export const TurnoutPoint = Type.Object({
  at: ClockHour,
  /** Stations with a report for this hour. */
  stations: Type.Integer({ minimum: 0 }),
  voted: Type.Integer({ minimum: 0 }),
  /** Registered voters of those stations that have a figure (stations without one count in `stations` only). */
  registered: Type.Integer({ minimum: 0 }),
  /** voted / registered over the stations that have both; null when none has. */
  share: Type.Union([Type.Number(), Type.Null()]),
});
export type TurnoutPoint = Static<typeof TurnoutPoint>;

export const TurnoutArea = Type.Object({ name: Type.String(), hours: Type.Array(TurnoutPoint) });
export type TurnoutArea = Static<typeof TurnoutArea>;

/** GET /api/turnout: by hour, for the city and per district, observed stations only. */
export const TurnoutReply = Type.Object({
  turnoutHours: Type.Array(ClockHour),
  city: Type.Array(TurnoutPoint),
  districts: Type.Array(TurnoutArea),
  /** Turnout reports that stand out (above the list, below an earlier hour). */
  flagged: Type.Array(
    Type.Object({
      stationId: Uuid,
      stationCode: Type.String(),
      at: ClockHour,
      voted: Type.Integer(),
      flags: Type.Array(ReportFlag),
    }),
  ),
  head: Seq,
});
export type TurnoutReply = Static<typeof TurnoutReply>;

const QuickEstimate = Type.Object({
  value: Type.Number(),
  /** Half-width of the 95 % interval; null when it cannot be estimated (a stratum with one report). */
  marginOfError: Type.Union([Type.Number(), Type.Null()]),
});

/** One contest's quick count: null estimates until enough sample stations have reported. */
export const ContestQuickCount = Type.Object({
  contestId: Type.String(),
  name: Type.String(),
  /** Sample stations of the contest with a protocol for it, and how many the contest's sample holds. */
  reported: Type.Integer({ minimum: 0 }),
  sampleSize: Type.Integer({ minimum: 0 }),
  minReported: Type.Integer({ minimum: 1 }),
  turnout: Type.Union([QuickEstimate, Type.Null()]),
  shares: Type.Union([
    Type.Array(Type.Object({ candidateId: Type.String(), name: Type.String(), estimate: QuickEstimate })),
    Type.Null(),
  ]),
});
export type ContestQuickCount = Static<typeof ContestQuickCount>;

/** GET /api/quick-count */
export const QuickCountReply = Type.Object({
  /** False when the ballot has no sample. */
  sampled: Type.Boolean(),
  stratified: Type.Boolean(),
  /** How the sample was made (drawn with a seed, or marked in a station import); never sent to wall displays. */
  origin: Type.Optional(SampleOrigin),
  contests: Type.Array(ContestQuickCount),
  head: Seq,
});
export type QuickCountReply = Static<typeof QuickCountReply>;
