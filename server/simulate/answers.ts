/**
 * Plausible checklist answers for a rehearsal: mostly clean answers, a few problem answers where the station is going
 * badly, and figures that reconcile the way a real count does (issued ≤ registered, valid + invalid = found...).
 * Every answer set is judged with the client's own form engine before it is sent; one that would be refused is not used.
 */
import { SeededRandom } from '../../db/seed/seeded-random';
import { evaluateAnswers, type Answers } from '../../shared/forms/form-engine';
import type { Assessment } from '../../shared/schemas/events';
import type { ChecklistForm, Question } from '../../shared/schemas/forms';

/** Figures of one station's day, drawn once so the voting and closing forms agree with each other. */
export interface StationFigures {
  registered: number;
  received: number;
  issued: number;
  invalid: number;
}

export function drawFigures(random: SeededRandom, registeredVoters: number | null): StationFigures {
  const registered = registeredVoters ?? random.int(800, 2600);
  const issued = Math.round(registered * random.between(0.35, 0.7));
  return {
    registered,
    received: registered + random.int(0, 20),
    issued,
    invalid: Math.round(issued * random.between(0.005, 0.04)),
  };
}

/** Known figure names of the default kit (and kits that reuse them); `share` is how far into the day the visit is. */
function figure(id: string, f: StationFigures, share: number): number | undefined {
  const issuedSoFar = Math.round(f.issued * share);
  switch (id) {
    case 'registered_voters':
      return f.registered;
    case 'ballots_received':
      return f.received;
    case 'ballots_issued':
      return issuedSoFar;
    case 'ballots_unused':
      return f.received - f.issued;
    case 'ballots_found':
    case 'machine_count':
    case 'box_counter':
      return issuedSoFar;
    case 'valid_ballots':
      return issuedSoFar - f.invalid;
    case 'invalid_ballots':
      return f.invalid;
    default:
      return undefined;
  }
}

function isProblem(q: Question, value: unknown): boolean {
  const rule = q.problemIf;
  if (!rule) return false;
  if (typeof value === 'number')
    return (rule.above !== undefined && value > rule.above) || (rule.below !== undefined && value < rule.below);
  return (rule.answers ?? []).some((a) => a === value || (Array.isArray(value) && value.includes(String(a))));
}

function answerOf(
  q: Question,
  random: SeededRandom,
  wantProblem: boolean,
  figures: StationFigures,
  share: number,
): Answers[string] | undefined {
  switch (q.type) {
    case 'yes_no': {
      const problem = (q.problemIf?.answers ?? []).find((a): a is boolean => typeof a === 'boolean');
      if (problem === undefined) return random.chance(0.8);
      return wantProblem ? problem : !problem;
    }
    case 'number': {
      const known = figure(q.id, figures, share);
      const max = q.max ?? 500;
      const min = q.min ?? 0;
      const value =
        known ??
        (q.id.includes('minute') ? random.int(0, wantProblem ? 90 : 25) : random.int(min, Math.min(max, min + 50)));
      return Math.max(min, Math.min(max, value));
    }
    case 'single_choice': {
      const fine = q.options.filter((o) => !isProblem(q, o.id));
      const bad = q.options.filter((o) => isProblem(q, o.id));
      return random.pick(wantProblem && bad.length ? bad : fine.length ? fine : q.options).id;
    }
    case 'multiple_choice': {
      const bad = q.options.filter((o) => isProblem(q, o.id));
      return wantProblem && bad.length ? [random.pick(bad).id] : [];
    }
    case 'text':
      return q.required ? 'As observed.' : undefined;
  }
}

/** A complete answer set for the form that the form engine accepts, or null if none could be made. */
export function answersFor(
  form: ChecklistForm,
  assessment: Assessment,
  random: SeededRandom,
  figures: StationFigures,
  share: number,
): Answers | null {
  const troubled = assessment === 'bad' || assessment === 'very_bad';
  for (let attempt = 0; attempt < 5; attempt++) {
    // On a troubled station one or two questions get a problem answer; elsewhere now and then a small one.
    const problemQuestions = new Set(
      form.questions.filter((q) => q.problemIf && random.chance(troubled ? 0.25 : 0.03)).map((q) => q.id),
    );
    const answers: Answers = {};
    for (const q of form.questions) {
      if (q.showIf && answers[q.showIf.question] !== q.showIf.equals) continue;
      if (!q.required && q.type === 'text') continue;
      const value = answerOf(q, random, problemQuestions.has(q.id), figures, share);
      if (value !== undefined) answers[q.id] = value;
    }
    if (evaluateAnswers(form, answers).errors.length === 0) return answers;
  }
  return null;
}
