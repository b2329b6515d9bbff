/**
 * The form engine: which questions a checklist shows, whether its answers may be sent, and which answers mean a problem.
 * Pure and shared: the phone runs it on every keystroke to show reasons inline, the server runs the same rules on what
 * arrives, so a checklist the phone accepts is one the server accepts.
 *
 * Problems are codes with parameters, not sentences: the phone words them in the observer's language
 * (client i18n `form.problem.*`), the server in English ({@link describeProblem}).
 */
import type { ChecklistForm, FigureCheck, Question } from '../schemas/forms';

export type AnswerValue = boolean | number | string | string[] | null;
export type Answers = Record<string, AnswerValue>;

export type ProblemCode =
  | 'unknown_question'
  | 'wrong_type'
  | 'required'
  | 'not_integer'
  | 'below_min'
  | 'above_max'
  | 'unknown_option'
  | 'too_long'
  | 'check_failed';

export interface AnswerProblem {
  /** The question (or, for `check_failed`, the first question of the check's left side). */
  questionId: string;
  code: ProblemCode;
  /** min/max/limit for range problems; the check for `check_failed`. */
  limit?: number;
  check?: FigureCheck;
  /** The two sums compared by a failed check. */
  sums?: { left: number; right: number };
}

/** Why an answer set is worth a coordinator's look: a "problem" answer or a figure check that did not reconcile. */
export interface ProblemFlag {
  questionId: string;
  kind: 'answer' | 'check';
  checkId?: string;
}

export interface FormVerdict {
  /** Problems that stop the checklist from being sent. */
  errors: AnswerProblem[];
  /** Figure checks with `onFail: 'flag'` that failed: shown inline, sent anyway. */
  warnings: AnswerProblem[];
  flags: ProblemFlag[];
}

const DEFAULT_TEXT_MAX_CHARS = 4000;

export function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'number') return Number.isFinite(value);
  return true;
}

/** A question is asked when it has no condition or its condition's question has the given answer. */
export function isVisible(question: Question, answers: Answers): boolean {
  if (!question.showIf) return true;
  const value = answers[question.showIf.question];
  return Array.isArray(value) ? value.includes(String(question.showIf.equals)) : value === question.showIf.equals;
}

export function visibleQuestions(form: ChecklistForm, answers: Answers): Question[] {
  return form.questions.filter((q) => isVisible(q, answers));
}

/** The answers to send: visible questions only, unanswered ones as null, text trimmed. */
export function answersToSend(form: ChecklistForm, answers: Answers): Answers {
  const out: Answers = {};
  for (const question of visibleQuestions(form, answers)) {
    const value = answers[question.id];
    out[question.id] = !isAnswered(value) ? null : typeof value === 'string' ? value.trim() : value!;
  }
  return out;
}

function checkQuestion(question: Question, value: AnswerValue | undefined): AnswerProblem | null {
  const problem = (code: ProblemCode, limit?: number): AnswerProblem =>
    limit === undefined ? { questionId: question.id, code } : { questionId: question.id, code, limit };
  if (!isAnswered(value)) return question.required ? problem('required') : null;
  switch (question.type) {
    case 'yes_no':
      return typeof value === 'boolean' ? null : problem('wrong_type');
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return problem('wrong_type');
      if (question.integer && !Number.isInteger(value)) return problem('not_integer');
      if (question.min !== undefined && value < question.min) return problem('below_min', question.min);
      if (question.max !== undefined && value > question.max) return problem('above_max', question.max);
      return null;
    }
    case 'single_choice':
      if (typeof value !== 'string') return problem('wrong_type');
      return question.options.some((o) => o.id === value) ? null : problem('unknown_option');
    case 'multiple_choice':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return problem('wrong_type');
      return value.every((v) => question.options.some((o) => o.id === v)) ? null : problem('unknown_option');
    case 'text': {
      if (typeof value !== 'string') return problem('wrong_type');
      const max = question.maxLength ?? DEFAULT_TEXT_MAX_CHARS;
      return value.length > max ? problem('too_long', max) : null;
    }
  }
}

function isProblemAnswer(question: Question, value: AnswerValue | undefined): boolean {
  const rule = question.problemIf;
  if (!rule || !isAnswered(value)) return false;
  if (typeof value === 'number') {
    return (rule.above !== undefined && value > rule.above) || (rule.below !== undefined && value < rule.below);
  }
  const listed = rule.answers ?? [];
  if (Array.isArray(value)) return value.some((v) => listed.includes(v));
  return listed.includes(value as boolean | string);
}

function compare(left: number, operator: FigureCheck['operator'], right: number): boolean {
  switch (operator) {
    case '<=':
      return left <= right;
    case '<':
      return left < right;
    case '=':
      return left === right;
    case '>=':
      return left >= right;
    case '>':
      return left > right;
  }
}

/** A check applies only when every figure it names is visible and answered with a number; otherwise it waits. */
function runCheck(check: FigureCheck, form: ChecklistForm, answers: Answers): AnswerProblem | null {
  const sum = (ids: string[]): number | null => {
    let total = 0;
    for (const id of ids) {
      const question = form.questions.find((q) => q.id === id);
      const value = answers[id];
      if (!question || !isVisible(question, answers) || typeof value !== 'number' || !Number.isFinite(value))
        return null;
      total += value;
    }
    return total;
  };
  const left = sum(check.left);
  const right = sum(check.right);
  if (left === null || right === null || compare(left, check.operator, right)) return null;
  return { questionId: check.left[0]!, code: 'check_failed', check, sums: { left, right } };
}

/**
 * Judges a full answer set against its form: errors (may not be sent), warnings (figures that do not reconcile but may be
 * true) and problem flags. Answers to questions the form does not have are errors; answers to hidden questions are ignored.
 */
export function evaluateAnswers(form: ChecklistForm, answers: Answers): FormVerdict {
  const errors: AnswerProblem[] = [];
  const warnings: AnswerProblem[] = [];
  const flags: ProblemFlag[] = [];
  const known = new Set(form.questions.map((q) => q.id));
  for (const id of Object.keys(answers)) {
    if (!known.has(id)) errors.push({ questionId: id, code: 'unknown_question' });
  }
  for (const question of form.questions) {
    if (!isVisible(question, answers)) continue;
    const value = answers[question.id];
    const problem = checkQuestion(question, value);
    if (problem) errors.push(problem);
    else if (isProblemAnswer(question, value)) flags.push({ questionId: question.id, kind: 'answer' });
  }
  for (const check of form.checks) {
    // A figure that is itself wrong (negative, not whole) is reported once, on the figure, not again by the check.
    if ([...check.left, ...check.right].some((id) => errors.some((e) => e.questionId === id))) continue;
    const failed = runCheck(check, form, answers);
    if (!failed) continue;
    if (check.onFail === 'block') errors.push(failed);
    else {
      warnings.push(failed);
      flags.push({ questionId: failed.questionId, kind: 'check', checkId: check.id });
    }
  }
  return { errors, warnings, flags };
}

/** The problems of one question, for showing under it. */
export function problemsOf(verdict: FormVerdict, questionId: string): AnswerProblem[] {
  return [...verdict.errors, ...verdict.warnings].filter((p) => p.questionId === questionId);
}

/** English wording of a problem, for API answers and logs. */
export function describeProblem(problem: AnswerProblem): string {
  switch (problem.code) {
    case 'unknown_question':
      return 'the form has no such question';
    case 'wrong_type':
      return 'the answer has the wrong type for this question';
    case 'required':
      return 'an answer is required';
    case 'not_integer':
      return 'must be a whole number';
    case 'below_min':
      return `must be at least ${problem.limit}`;
    case 'above_max':
      return `must be at most ${problem.limit}`;
    case 'unknown_option':
      return "not one of the question's options";
    case 'too_long':
      return `at most ${problem.limit} characters`;
    case 'check_failed':
      return `${problem.check?.message.en ?? 'figures do not reconcile'} (${problem.sums?.left} ${problem.check?.operator ?? '?'} ${problem.sums?.right} is false)`;
  }
}

/** The form to offer for a phase: the first that is not retired. */
export function formForPhase(forms: ChecklistForm[], phase: ChecklistForm['phase']): ChecklistForm | undefined {
  return forms.find((f) => f.phase === phase && !f.retired);
}
