/** The form engine the phone and the server share: visibility, what may be sent, what is a problem. */
import { describe, expect, it } from 'vitest';
import {
  answersToSend,
  describeProblem,
  evaluateAnswers,
  formForPhase,
  visibleQuestions,
  type Answers,
} from '../../shared/forms/form-engine';
import type { ChecklistForm } from '../../shared/schemas/forms';
import { DEFAULT_FIELD_KIT } from '../../server/modules/forms/default-kit';
import { checkFieldKit } from '../../server/modules/forms/field-kit';
import { validateAgainstKit, validateChecklistAnswers } from '../../server/modules/forms/form-validation';
import type { EventInput } from '../../shared/schemas/events';
import { checklist, finding } from '../helpers/events';

const form: ChecklistForm = {
  id: 'test-v1',
  phase: 'closing',
  title: { en: 'Test' },
  questions: [
    { id: 'sealed', type: 'yes_no', label: { en: 'Sealed?' }, required: true, problemIf: { answers: [false] } },
    { id: 'issued', type: 'number', label: { en: 'Issued' }, required: true, integer: true, min: 0 },
    { id: 'found', type: 'number', label: { en: 'Found' }, required: true, integer: true, min: 0, max: 5000 },
    { id: 'queue', type: 'number', label: { en: 'Queue' }, required: false, problemIf: { above: 60 } },
    {
      id: 'who',
      type: 'single_choice',
      label: { en: 'Who?' },
      required: false,
      options: [
        { id: 'chair', label: { en: 'Chair' } },
        { id: 'police', label: { en: 'Police' } },
      ],
      problemIf: { answers: ['police'] },
    },
    {
      id: 'seen',
      type: 'multiple_choice',
      label: { en: 'Seen' },
      required: false,
      options: [
        { id: 'a', label: { en: 'A' } },
        { id: 'b', label: { en: 'B' } },
      ],
      problemIf: { answers: ['b'] },
    },
    { id: 'mobile', type: 'yes_no', label: { en: 'Mobile box?' }, required: false },
    {
      id: 'mobile_ok',
      type: 'yes_no',
      label: { en: 'Mobile box fine?' },
      required: true,
      showIf: { question: 'mobile', equals: true },
    },
    { id: 'note', type: 'text', label: { en: 'Note' }, required: false, maxLength: 10 },
  ],
  checks: [
    {
      id: 'found_le_issued',
      left: ['found'],
      operator: '<=',
      right: ['issued'],
      onFail: 'flag',
      message: { en: 'More found than issued' },
    },
    {
      id: 'issued_small',
      left: ['issued'],
      operator: '<',
      right: ['found', 'found'],
      onFail: 'block',
      message: { en: 'Issued must be under twice found' },
    },
  ],
};

const good: Answers = {
  sealed: true,
  issued: 100,
  found: 90,
  queue: 5,
  who: 'chair',
  seen: ['a'],
  mobile: false,
  note: 'ok',
};

describe('form engine', () => {
  it('accepts a complete, consistent answer set with no problems', () => {
    expect(evaluateAnswers(form, good)).toEqual({ errors: [], warnings: [], flags: [] });
  });

  it('names every unanswered required question and every wrongly typed or out-of-range answer', () => {
    const { errors } = evaluateAnswers(form, {
      issued: 10.5,
      found: -1,
      who: 'mayor',
      seen: ['z'],
      note: 'much too long',
      extra: 1,
    });
    expect(errors.map((e) => `${e.questionId}:${e.code}`).sort()).toEqual(
      [
        'extra:unknown_question',
        'found:below_min',
        'issued:not_integer',
        'note:too_long',
        'sealed:required',
        'seen:unknown_option',
        'who:unknown_option',
      ].sort(),
    );
    expect(evaluateAnswers(form, { ...good, sealed: 'yes' }).errors).toEqual([
      { questionId: 'sealed', code: 'wrong_type' },
    ]);
    expect(evaluateAnswers(form, { ...good, found: 6000, issued: 7000 }).errors).toEqual([
      { questionId: 'found', code: 'above_max', limit: 5000 },
    ]);
    expect(evaluateAnswers(form, { ...good, note: '   ' }).errors).toEqual([]);
  });

  it('asks a conditional question only when its condition holds, and only then requires it', () => {
    expect(visibleQuestions(form, good).map((q) => q.id)).not.toContain('mobile_ok');
    const withMobile = { ...good, mobile: true };
    expect(visibleQuestions(form, withMobile).map((q) => q.id)).toContain('mobile_ok');
    expect(evaluateAnswers(form, withMobile).errors).toEqual([{ questionId: 'mobile_ok', code: 'required' }]);
    // An answer left over from before the condition changed is ignored, and not sent.
    expect(evaluateAnswers(form, { ...good, mobile_ok: false }).errors).toEqual([]);
    expect(answersToSend(form, { ...good, mobile_ok: false })).not.toHaveProperty('mobile_ok');
  });

  it('flags answers that mean a problem', () => {
    const { errors, flags } = evaluateAnswers(form, {
      ...good,
      sealed: false,
      queue: 90,
      who: 'police',
      seen: ['a', 'b'],
    });
    expect(errors).toEqual([]);
    expect(flags.map((f) => f.questionId).sort()).toEqual(['queue', 'sealed', 'seen', 'who']);
  });

  it('warns about figures that do not reconcile but lets them be sent, and blocks those a rule forbids', () => {
    const stuffed = evaluateAnswers(form, { ...good, issued: 100, found: 120 });
    expect(stuffed.errors).toEqual([]);
    expect(stuffed.warnings).toMatchObject([
      { questionId: 'found', code: 'check_failed', sums: { left: 120, right: 100 } },
    ]);
    expect(stuffed.flags).toEqual([{ questionId: 'found', kind: 'check', checkId: 'found_le_issued' }]);
    expect(describeProblem(stuffed.warnings[0]!)).toBe('More found than issued (120 <= 100 is false)');

    const blocked = evaluateAnswers(form, { ...good, issued: 300, found: 100 });
    expect(blocked.errors).toMatchObject([{ questionId: 'issued', code: 'check_failed' }]);
  });

  it("waits with a figure check until all its figures are answered, and does not repeat a wrong figure's problem", () => {
    expect(evaluateAnswers(form, { sealed: true, found: 120 }).warnings).toEqual([]);
    const wrong = evaluateAnswers(form, { ...good, found: -5 });
    expect(wrong.errors).toEqual([{ questionId: 'found', code: 'below_min', limit: 0 }]);
    expect(wrong.warnings).toEqual([]);
  });

  it('sends visible answers only, blanks as null, text trimmed', () => {
    expect(answersToSend(form, { sealed: true, issued: 3, found: 3, note: '  fine ', queue: null })).toEqual({
      sealed: true,
      issued: 3,
      found: 3,
      queue: null,
      who: null,
      seen: null,
      mobile: null,
      note: 'fine',
    });
  });
});

describe('default field kit', () => {
  it('is consistent and offers one form per phase', () => {
    expect(checkFieldKit(DEFAULT_FIELD_KIT)).toEqual([]);
    for (const phase of ['opening', 'voting', 'closing'] as const)
      expect(formForPhase(DEFAULT_FIELD_KIT.forms, phase)?.phase).toBe(phase);
  });

  it('has every text in English, Russian, Azerbaijani and Kyrgyz', () => {
    const texts = [
      ...DEFAULT_FIELD_KIT.findingCategories.map((c) => c.label),
      ...DEFAULT_FIELD_KIT.forms.flatMap((f) => [
        f.title,
        ...f.questions.map((q) => q.label),
        ...f.checks.map((c) => c.message),
      ]),
      ...DEFAULT_FIELD_KIT.forms.flatMap((f) =>
        f.questions.flatMap((q) => ('options' in q ? q.options.map((o) => o.label) : [])),
      ),
    ];
    for (const text of texts) expect(Object.keys(text).sort()).toEqual(['az', 'en', 'ky', 'ru']);
  });

  it('flags the Kyrgyz key finding: the machine count differs from the manual count', () => {
    const closing = formForPhase(DEFAULT_FIELD_KIT.forms, 'closing')!;
    const answers: Answers = {
      closed_on_time: true,
      queue_allowed: true,
      unused_cancelled: true,
      validity_consistent: true,
      registered_voters: 2000,
      ballots_received: 2000,
      ballots_issued: 1200,
      ballots_unused: 800,
      ballots_found: 1200,
      valid_ballots: 1180,
      invalid_ballots: 20,
      machine_count: 1187,
      protocol_posted: true,
      copy_given: true,
      clear_view: true,
      unauthorized_present: false,
    };
    const verdict = evaluateAnswers(closing, answers);
    expect(verdict.errors).toEqual([]);
    expect(verdict.flags).toEqual([{ questionId: 'machine_count', kind: 'check', checkId: 'machine_vs_manual' }]);
  });
});

describe('server-side validation against the kit', () => {
  const base = { form: 'test-v1', phase: 'closing', answers: good };
  const kit = { forms: [form], findingCategories: [{ id: 'other', label: { en: 'Other' } }] };

  it('accepts answers the phone would accept', () => {
    expect(validateChecklistAnswers(base, kit)).toEqual({ ok: true });
  });

  it('rejects an unknown form, the wrong phase, an unknown question, a wrong type and a missing answer, naming the field', () => {
    expect(validateChecklistAnswers({ ...base, form: 'nope' }, kit)).toMatchObject({ ok: false, field: '/form' });
    expect(validateChecklistAnswers({ ...base, phase: 'voting' }, kit)).toMatchObject({ ok: false, field: '/phase' });
    expect(validateChecklistAnswers({ ...base, answers: { ...good, colour: 'red' } }, kit)).toEqual({
      ok: false,
      field: '/answers/colour',
      error: 'the form has no such question',
    });
    expect(validateChecklistAnswers({ ...base, answers: { ...good, issued: 'many' } }, kit)).toMatchObject({
      ok: false,
      field: '/answers/issued',
    });
    const { sealed: _sealed, ...missing } = good;
    expect(validateChecklistAnswers({ ...base, answers: missing }, kit)).toEqual({
      ok: false,
      field: '/answers/sealed',
      error: 'an answer is required',
    });
  });

  it("accepts the test fixtures' checklist and finding against the default kit", () => {
    expect(validateAgainstKit(checklist('t', 's') as EventInput, DEFAULT_FIELD_KIT)).toEqual({ ok: true });
    expect(validateAgainstKit(finding('t', 's') as EventInput, DEFAULT_FIELD_KIT)).toEqual({ ok: true });
  });

  it("checks a finding's category against the taxonomy and lets other event types pass", () => {
    const finding = {
      id: 'x',
      type: 'finding',
      occurredAt: '',
      teamId: 't',
      stationId: 's',
      category: 'other',
      severity: 'minor',
      text: 'x',
    } as const;
    expect(validateAgainstKit(finding, kit)).toEqual({ ok: true });
    expect(validateAgainstKit({ ...finding, category: 'aliens' }, kit)).toMatchObject({
      ok: false,
      field: '/category',
    });
    expect(validateAgainstKit({ id: 'x', type: 'help_resolved', occurredAt: '', teamId: 't' }, kit)).toEqual({
      ok: true,
    });
  });
});
