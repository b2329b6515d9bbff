/**
 * The event catalogue: every fact an observer or coordinator can add to a mission's log.
 * Route validation, socket payloads, the read models and the client all take their types from here.
 * The `type` names are public API (phones and other tools send them).
 */
import { Type, type Static, type TProperties } from 'typebox';
import { IsoTime, MAX_SEQ, Position, Seq, Uuid, oneOf } from './common';
import { MAX_EVENTS_PAGE, MAX_TEXT_CHARS } from '../constants';
import { Ballot, ClockHour, ProtocolFigures, ProtocolVotes } from './results';

export const PHASES = ['opening', 'voting', 'closing'] as const;
export type Phase = (typeof PHASES)[number];
export const Phase = oneOf(PHASES);

/**
 * How the team stood at the station when it filed a checklist: checked in `earlier`, checked in `from_checklist` (the
 * phone offered it when the checklist was opened without a check-in), or `not_checked_in` (filled in anyway, typically
 * an observer who forgot to check in). Optional: phones older than this field send checklists without it.
 */
export const CHECKLIST_CHECK_INS = ['earlier', 'from_checklist', 'not_checked_in'] as const;
export type ChecklistCheckIn = (typeof CHECKLIST_CHECK_INS)[number];
export const ChecklistCheckIn = oneOf(CHECKLIST_CHECK_INS);

/** The four-point overall assessment, best first. */
export const ASSESSMENTS = ['very_good', 'good', 'bad', 'very_bad'] as const;
export type Assessment = (typeof ASSESSMENTS)[number];
export const Assessment = oneOf(ASSESSMENTS);

/** Finding severities, mildest first: the index is the rank used for "worst open severity". */
export const SEVERITIES = ['info', 'minor', 'serious', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const Severity = oneOf(SEVERITIES);

export const FINDING_STATUSES = ['acknowledged', 'escalated', 'resolved'] as const;

/** Team alerts a coordinator acknowledges: a team silent too long, a team asking for help. */
export const TEAM_ALERTS = ['silent', 'help'] as const;
export type TeamAlertKind = (typeof TEAM_ALERTS)[number];
export const TeamAlertKind = oneOf(TEAM_ALERTS);
export type FindingStatusChange = (typeof FINDING_STATUSES)[number];
export const FindingStatusChange = oneOf(FINDING_STATUSES);

/** Most stops one team's plan may hold. */
export const MAX_PLAN_STOPS = 200;

const Text = Type.String({ minLength: 1, maxLength: MAX_TEXT_CHARS });
const Note = Type.String({ maxLength: MAX_TEXT_CHARS });
const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const AnswerValue = Type.Union([
  Type.Boolean(),
  Type.Number(),
  Type.String({ maxLength: MAX_TEXT_CHARS }),
  Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 }),
  Type.Null(),
]);
export const ChecklistAnswers = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }), AnswerValue, {
  maxProperties: 300,
});

/** One stop of a team's planned route; without `phases` the team observes all three there. */
export const PlanStop = Type.Object(
  {
    stationId: Uuid,
    phases: Type.Optional(Type.Array(Phase, { minItems: 1, maxItems: 3, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type PlanStop = Static<typeof PlanStop>;

/** Most teams one message may name. */
export const MAX_MESSAGE_TEAMS = 500;

/** Whom a coordinator's message goes to. */
export const MessageRecipients = Type.Union([
  Type.Object(
    { teamIds: Type.Array(Uuid, { minItems: 1, maxItems: MAX_MESSAGE_TEAMS, uniqueItems: true }) },
    { additionalProperties: false },
  ),
  Type.Object({ district: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
]);
export type MessageRecipients = Static<typeof MessageRecipients>;

/** Who added an event; set by the server from the credentials, never by the sender. */
export const Actor = Type.Object({
  role: Type.Union([Type.Literal('team'), Type.Literal('coordinator')]),
  id: Type.String(),
  name: Type.String(),
});
export type Actor = Static<typeof Actor>;

const envelope = { id: Uuid, occurredAt: IsoTime };

/** Fields the server adds when it stores an event. */
const storedFields = {
  seq: Seq,
  receivedAt: IsoTime,
  actor: Actor,
  teamId: Type.Union([Uuid, Type.Null()]),
  stationId: Type.Union([Uuid, Type.Null()]),
};
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the schema is kept for its Static type below
const StoredExtra = Type.Object(storedFields);

/**
 * Fields of each type that a wall display always receives. Everything else — free text, checklist answers, notes,
 * photos, positions, who posted it — is left out for displays unless the mission allows it (finding text, team
 * positions): server/modules/events/display-redaction.ts. A list of what may go, not of what may not, so a field added
 * to the catalogue later stays off the wall until someone decides otherwise.
 */
export const DISPLAY_FIELDS = {
  arrival: [],
  departure: [],
  checklist: ['form', 'phase', 'assessment'],
  finding: ['category', 'severity'],
  finding_status: ['findingId', 'status'],
  // Who handles a finding is coordinators' business: a wall never learns the assignee.
  finding_assigned: [],
  position: [],
  help_request: [],
  help_resolved: [],
  // Planned routes are not for walls (GET /api/teams leaves them out for displays too).
  plan_changed: [],
  conflict_resolved: ['conflictId'],
  team_alert_acknowledged: ['alert'],
  // Messages are between coordinators and teams: a wall learns only that one was sent, read or answered.
  message_sent: [],
  message_read: [],
  team_message: [],
  // The ballot is public, but walls have no use for it; turnout figures are the commission's own running count.
  ballot_set: [],
  turnout: ['at', 'voted'],
  results_protocol: ['contestId'],
  official_results_imported: [],
} as const satisfies Record<string, readonly string[]>;
/** Fields of every stored event that displays receive. */
export const DISPLAY_ENVELOPE_FIELDS = [
  'id',
  'type',
  'occurredAt',
  'seq',
  'receivedAt',
  'teamId',
  'stationId',
] as const;
type DisplayEnvelopeField = (typeof DISPLAY_ENVELOPE_FIELDS)[number];

/** Makes every property not named in `keep` optional (for the display shape: present only when allowed). */
function optionalExcept(properties: TProperties, keep: readonly string[]): TProperties {
  return Object.fromEntries(
    Object.entries(properties).map(([key, schema]) => [key, keep.includes(key) ? schema : Type.Optional(schema)]),
  );
}

/** One catalogue entry: the shape phones send, the shape readers receive once stored, and what a display receives. */
function defineEvent<T extends keyof typeof DISPLAY_FIELDS, P extends TProperties>(type: T, fields: P) {
  const input = Type.Object(
    { ...envelope, type: Type.Literal(type), ...fields },
    { additionalProperties: false, title: `${type} event` },
  );
  const stored = Type.Object({ ...envelope, type: Type.Literal(type), ...fields, ...storedFields });
  const display = Type.Object(
    optionalExcept({ ...envelope, type: Type.Literal(type), ...fields, ...storedFields }, [
      ...DISPLAY_ENVELOPE_FIELDS,
      ...DISPLAY_FIELDS[type],
    ]),
  );
  return { input, stored, display };
}

const catalogue = {
  arrival: defineEvent('arrival', { teamId: Uuid, stationId: Uuid, position: Type.Optional(Position) }),
  departure: defineEvent('departure', { teamId: Uuid, stationId: Uuid, position: Type.Optional(Position) }),
  checklist: defineEvent('checklist', {
    teamId: Uuid,
    stationId: Uuid,
    form: Code,
    phase: Phase,
    answers: ChecklistAnswers,
    assessment: Assessment,
    checkIn: Type.Optional(ChecklistCheckIn),
  }),
  // Away from a station (voters bussed in, a blocked road) a finding names no station and carries its `position`.
  finding: defineEvent('finding', {
    teamId: Uuid,
    stationId: Type.Optional(Uuid),
    category: Code,
    severity: Severity,
    text: Text,
    position: Type.Optional(Position),
    photoId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' })),
  }),
  // Coordinators triage findings; the station is taken from the finding, the "by whom" from the credentials.
  finding_status: defineEvent('finding_status', {
    findingId: Type.String({ format: 'uuid', description: 'id of the finding event' }),
    status: FindingStatusChange,
    note: Type.Optional(Note),
  }),
  // Coordinators only: gives a finding to a coordinator of the mission ("mine" in the feed), or takes it back (null).
  finding_assigned: defineEvent('finding_assigned', {
    findingId: Type.String({ format: 'uuid', description: 'id of the finding event' }),
    assignee: Type.Union([
      Type.String({ minLength: 1, maxLength: 128, description: "a coordinator's username" }),
      Type.Null(),
    ]),
  }),
  position: defineEvent('position', { teamId: Uuid, position: Position, stationId: Type.Optional(Uuid) }),
  help_request: defineEvent('help_request', {
    teamId: Uuid,
    stationId: Type.Optional(Uuid),
    position: Type.Optional(Position),
    note: Type.Optional(Note),
  }),
  help_resolved: defineEvent('help_resolved', { teamId: Uuid, note: Type.Optional(Note) }),
  // Coordinators only: replaces the team's whole planned route (in order), with the phases it observes at each stop.
  plan_changed: defineEvent('plan_changed', {
    teamId: Uuid,
    stations: Type.Array(PlanStop, { maxItems: MAX_PLAN_STOPS }),
  }),
  // Coordinators only: closes a conflict between teams' reports, saying what was decided.
  conflict_resolved: defineEvent('conflict_resolved', {
    conflictId: Type.String({ format: 'uuid', description: 'id of the conflict (GET /api/conflicts)' }),
    note: Text,
  }),
  // A coordinator has seen a team's alert and acts on it; it leaves every coordinator's alert strip.
  team_alert_acknowledged: defineEvent('team_alert_acknowledged', {
    teamId: Uuid,
    alert: TeamAlertKind,
    note: Type.Optional(Note),
  }),
  // Coordinators only: a message to one or more teams, the teams with a station of a district in their plan, or all.
  message_sent: defineEvent('message_sent', {
    to: MessageRecipients,
    text: Text,
    stationId: Type.Optional(Uuid),
  }),
  // A team's phone confirms it has read an item of its inbox (a message, or a notice about its help request or findings).
  message_read: defineEvent('message_read', {
    teamId: Uuid,
    messageId: Type.String({ format: 'uuid', description: 'id of the message_sent (or notice) event read' }),
  }),
  // A team writes to its coordinators, answering an item of its inbox or on its own.
  team_message: defineEvent('team_message', {
    teamId: Uuid,
    text: Text,
    replyTo: Type.Optional(Type.String({ format: 'uuid', description: 'id of the inbox item answered' })),
  }),
  // Coordinators only: the mission's contests, candidates, the stations each covers, turnout hours (PUT /api/ballot).
  ballot_set: defineEvent('ballot_set', { ballot: Ballot }),
  // A team at a station copies the station's running count of those who have voted, for one of the turnout hours.
  turnout: defineEvent('turnout', {
    teamId: Uuid,
    stationId: Uuid,
    at: ClockHour,
    voted: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  }),
  // A team copies the results protocol posted at the station after the count, for one contest of the ballot.
  results_protocol: defineEvent('results_protocol', {
    teamId: Uuid,
    stationId: Uuid,
    contestId: Code,
    figures: ProtocolFigures,
    votes: ProtocolVotes,
    photoId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' })),
  }),
  // Recorded only by the official results import (POST /api/official-results/import), in the transaction that writes
  // the rows: when the commission's results arrived, for which contests, how many rows, the file's SHA-256.
  official_results_imported: defineEvent('official_results_imported', {
    contestIds: Type.Array(Code, { minItems: 1, maxItems: 100 }),
    rows: Type.Integer({ minimum: 0 }),
    stations: Type.Integer({ minimum: 0 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  }),
};

type Catalogue = typeof catalogue;
export type EventType = keyof Catalogue;
export const EVENT_TYPES = Object.keys(catalogue) as EventType[];

export const eventInputSchemas = Object.fromEntries(EVENT_TYPES.map((t) => [t, catalogue[t].input])) as {
  [K in EventType]: Catalogue[K]['input'];
};

export type EventInput = { [K in EventType]: Static<Catalogue[K]['input']> }[EventType];
export const EventInput = Type.Unsafe<EventInput>(Type.Union(EVENT_TYPES.map((t) => catalogue[t].input)));
export type EventInputOf<K extends EventType> = Extract<EventInput, { type: K }>;

/** Stored events always name their team and station (null when none applies), so readers need no lookups. */
type StoredExtra = Static<typeof StoredExtra>;
export type StoredEvent = {
  [K in EventType]: Omit<Static<Catalogue[K]['input']>, 'teamId' | 'stationId'> & StoredExtra;
}[EventType];
export const StoredEvent = Type.Unsafe<StoredEvent>(Type.Union(EVENT_TYPES.map((t) => catalogue[t].stored)));
export type StoredEventOf<K extends EventType> = Extract<StoredEvent, { type: K }>;

/** A stored event as a wall display receives it: the envelope and DISPLAY_FIELDS always, the rest only when allowed. */
export type DisplayEventOf<K extends EventType> = Pick<
  StoredEventOf<K>,
  Extract<keyof StoredEventOf<K>, DisplayEnvelopeField | (typeof DISPLAY_FIELDS)[K][number]>
> &
  Partial<Omit<StoredEventOf<K>, DisplayEnvelopeField | (typeof DISPLAY_FIELDS)[K][number]>>;
export type DisplayEvent = { [K in EventType]: DisplayEventOf<K> }[EventType];

/**
 * What the event feed (`events` frames, `catch_up`, GET /api/events) carries: full stored events for coordinators,
 * display events for wall displays. Every StoredEvent is also a valid DisplayEvent, so one schema describes both.
 */
export type FeedEvent = StoredEvent | DisplayEvent;
export const FeedEvent = Type.Unsafe<FeedEvent>(Type.Union(EVENT_TYPES.map((t) => catalogue[t].display)));

/** POST /api/events: the envelope is checked by the route; each event is checked on its own so one bad event rejects only itself. */
export const PostEventsBody = Type.Object(
  {
    events: Type.Array(Type.Unknown({ description: 'an event of the catalogue' }), { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type PostEventsBody = Static<typeof PostEventsBody>;

export const EventResultStatus = Type.Union([
  Type.Literal('stored'),
  Type.Literal('duplicate'),
  Type.Literal('rejected'),
]);
export const EventResult = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  status: EventResultStatus,
  seq: Type.Optional(Seq),
  error: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
});
export type EventResult = Static<typeof EventResult>;

export const PostEventsReply = Type.Object({ results: Type.Array(EventResult) });
export type PostEventsReply = Static<typeof PostEventsReply>;

export const EventsQuery = Type.Object(
  {
    after: Type.Integer({ minimum: 0, maximum: MAX_SEQ, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: MAX_EVENTS_PAGE, default: 1000 }),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

export const EventsPage = Type.Object({
  events: Type.Array(StoredEvent),
  /** The mission's newest sequence when the page was read: a reader is caught up when its last seq equals it. */
  head: Seq,
});
export type EventsPage = Static<typeof EventsPage>;

/** A page of the feed as its reader may see it (GET /api/events and the `catch_up` answer). */
export const FeedPage = Type.Object({
  events: Type.Array(FeedEvent),
  /** The mission's newest sequence when the page was read. */
  head: Seq,
});
export type FeedPage = Static<typeof FeedPage>;

/** The socket's `catch_up` command: the same bounds as GET /api/events. */
export const CatchUpRequest = Type.Object(
  { after: Seq, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EVENTS_PAGE })) },
  { additionalProperties: false },
);
export type CatchUpRequest = Static<typeof CatchUpRequest>;
