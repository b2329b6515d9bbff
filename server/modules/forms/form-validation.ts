/**
 * Checks a submitted checklist or finding against the mission's field kit: the form exists and is for that phase, every
 * answer belongs to a question of the form and has its type, required questions are answered, figures are in range;
 * a finding's category is in the mission's taxonomy. Pure: the caller loads the kit (once per batch) and passes it in.
 *
 * Figure checks marked `flag` never reject (the figures may be what the observer saw); `block` ones do.
 * Wired into ingest through field-rules.ts (kit and photo ids loaded once per batch).
 */
import { describeProblem, evaluateAnswers, type Answers } from '../../../shared/forms/form-engine';
import type { EventInput } from '../../../shared/schemas/events';
import type { FieldKit } from '../../../shared/schemas/forms';

export type KitVerdict = { ok: true } | { ok: false; field: string; error: string };

const OK: KitVerdict = { ok: true };

export function validateChecklistAnswers(
  event: { form: string; phase: string; answers: Answers },
  kit: FieldKit,
): KitVerdict {
  const form = kit.forms.find((f) => f.id === event.form);
  if (!form) return { ok: false, field: '/form', error: `no checklist form "${event.form}" in this mission` };
  if (form.phase !== event.phase) {
    return {
      ok: false,
      field: '/phase',
      error: `form "${form.id}" is for the ${form.phase} phase, not ${event.phase}`,
    };
  }
  const [first] = evaluateAnswers(form, event.answers).errors;
  if (!first) return OK;
  return { ok: false, field: `/answers/${first.questionId}`, error: describeProblem(first) };
}

export function validateFindingCategory(event: { category: string }, kit: FieldKit): KitVerdict {
  return kit.findingCategories.some((c) => c.id === event.category)
    ? OK
    : { ok: false, field: '/category', error: `no finding category "${event.category}" in this mission` };
}

/** The kit's rules for any event: checklists and findings are checked, every other type passes. */
export function validateAgainstKit(event: EventInput, kit: FieldKit): KitVerdict {
  switch (event.type) {
    case 'checklist':
      return validateChecklistAnswers(event, kit);
    case 'finding':
      return validateFindingCategory(event, kit);
    default:
      return OK;
  }
}
