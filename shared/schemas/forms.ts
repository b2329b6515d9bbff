/**
 * Checklist forms and the finding taxonomy as data: what a mission asks its observers, in which languages, and which
 * answers mean a problem. One "field kit" per mission; missions without one use the default kit built from DOMAIN.md.
 * The form engine (shared/forms/form-engine.ts) reads these shapes on the phone and on the server alike.
 */
import { Type, type Static } from 'typebox';
import { Phase } from './events';
import { oneOf } from './common';

/** Answer keys of a checklist event (see ChecklistAnswers in events.ts): the question ids. */
export const QUESTION_ID_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';
const QuestionId = Type.String({ pattern: QUESTION_ID_PATTERN });
const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });

/** The UI languages; `en` is required for every text so something can always be shown. */
export const LANGUAGES = ['en', 'ru', 'az', 'ky'] as const;
export type Language = (typeof LANGUAGES)[number];
export const Language = oneOf(LANGUAGES);

const Words = Type.String({ minLength: 1, maxLength: 1000 });
export const LocalizedText = Type.Object(
  { en: Words, ru: Type.Optional(Words), az: Type.Optional(Words), ky: Type.Optional(Words) },
  { additionalProperties: false },
);
export type LocalizedText = Static<typeof LocalizedText>;

export const QUESTION_TYPES = ['yes_no', 'number', 'single_choice', 'multiple_choice', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const ChoiceOption = Type.Object({ id: Code, label: LocalizedText }, { additionalProperties: false });
export type ChoiceOption = Static<typeof ChoiceOption>;

/**
 * "Answering X means a problem": a yes/no or choice question lists the answers (booleans or option ids) that are
 * problems; a number question may give a range outside which the figure is a problem.
 */
export const ProblemRule = Type.Object(
  {
    answers: Type.Optional(Type.Array(Type.Union([Type.Boolean(), Code]), { maxItems: 50 })),
    above: Type.Optional(Type.Number()),
    below: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type ProblemRule = Static<typeof ProblemRule>;

/** Ask a question only when an earlier one has a given answer (e.g. details of the mobile ballot box if it was used). */
export const ShowIf = Type.Object(
  { question: QuestionId, equals: Type.Union([Type.Boolean(), Code]) },
  { additionalProperties: false },
);
export type ShowIf = Static<typeof ShowIf>;

const questionBase = {
  id: QuestionId,
  label: LocalizedText,
  help: Type.Optional(LocalizedText),
  required: Type.Boolean(),
  problemIf: Type.Optional(ProblemRule),
  showIf: Type.Optional(ShowIf),
};

export const YesNoQuestion = Type.Object(
  { ...questionBase, type: Type.Literal('yes_no') },
  { additionalProperties: false },
);
export const NumberQuestion = Type.Object(
  {
    ...questionBase,
    type: Type.Literal('number'),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    /** Whole numbers only (counts of ballots and voters). */
    integer: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const SingleChoiceQuestion = Type.Object(
  {
    ...questionBase,
    type: Type.Literal('single_choice'),
    options: Type.Array(ChoiceOption, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);
export const MultipleChoiceQuestion = Type.Object(
  {
    ...questionBase,
    type: Type.Literal('multiple_choice'),
    options: Type.Array(ChoiceOption, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);
export const TextQuestion = Type.Object(
  {
    ...questionBase,
    type: Type.Literal('text'),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 4000 })),
  },
  { additionalProperties: false },
);

export const Question = Type.Union([
  YesNoQuestion,
  NumberQuestion,
  SingleChoiceQuestion,
  MultipleChoiceQuestion,
  TextQuestion,
]);
export type Question = Static<typeof Question>;
export type QuestionOf<T extends QuestionType> = Extract<Question, { type: T }>;

export const CHECK_OPERATORS = ['<=', '<', '=', '>=', '>'] as const;
export type CheckOperator = (typeof CHECK_OPERATORS)[number];

/**
 * A rule between figures: the sum of `left` compared with the sum of `right` (e.g. valid + invalid = ballots found).
 * `block` stops the form from being sent (a typing slip); `flag` lets it go and marks a problem, because a figure that
 * does not reconcile may be exactly what the observer saw (more ballots in the box than were issued).
 */
export const FigureCheck = Type.Object(
  {
    id: Code,
    left: Type.Array(QuestionId, { minItems: 1, maxItems: 20 }),
    operator: oneOf(CHECK_OPERATORS),
    right: Type.Array(QuestionId, { minItems: 1, maxItems: 20 }),
    onFail: oneOf(['block', 'flag'] as const),
    /** The reason shown beside the figures when the rule fails. */
    message: LocalizedText,
  },
  { additionalProperties: false },
);
export type FigureCheck = Static<typeof FigureCheck>;

export const ChecklistForm = Type.Object(
  {
    /** The `form` field of checklist events. A changed form gets a new id, so answers always match their questions. */
    id: Code,
    phase: Phase,
    title: LocalizedText,
    questions: Type.Array(Question, { minItems: 1, maxItems: 300 }),
    checks: Type.Array(FigureCheck, { maxItems: 100 }),
    /** Still accepted from phones that cached it, but no longer offered. */
    retired: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ChecklistForm = Static<typeof ChecklistForm>;

export const FindingCategory = Type.Object(
  { id: Code, label: LocalizedText, retired: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type FindingCategory = Static<typeof FindingCategory>;

/** Everything a phone needs to report: the mission's checklist forms and finding categories. */
export const FieldKit = Type.Object(
  {
    forms: Type.Array(ChecklistForm, { minItems: 1, maxItems: 50 }),
    findingCategories: Type.Array(FindingCategory, { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type FieldKit = Static<typeof FieldKit>;

/** GET /api/forms */
export const FormsReply = Type.Object({
  ...FieldKit.properties,
  /** True when the mission has no kit of its own and gets the default one. */
  isDefault: Type.Boolean(),
});
export type FormsReply = Static<typeof FormsReply>;
