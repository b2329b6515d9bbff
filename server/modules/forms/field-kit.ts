/**
 * Consistency of a field kit beyond its shape: ids are unique, conditions and figure checks name questions that exist
 * and have the right type, problem answers are real options. A kit is checked before it is stored, so phones and the
 * server never meet a form that cannot be filled in.
 */
import type { FieldProblem } from '../../../shared/schemas/common';
import type { FieldKit } from '../../../shared/schemas/forms';

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

export function checkFieldKit(kit: FieldKit): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const id of duplicates(kit.forms.map((f) => f.id)))
    problems.push({ field: '/forms', problem: `form id "${id}" is used twice` });
  for (const id of duplicates(kit.findingCategories.map((c) => c.id))) {
    problems.push({ field: '/findingCategories', problem: `category id "${id}" is used twice` });
  }
  kit.forms.forEach((form, f) => {
    const at = `/forms/${f}`;
    for (const id of duplicates(form.questions.map((q) => q.id)))
      problems.push({ field: `${at}/questions`, problem: `question id "${id}" is used twice` });
    form.questions.forEach((question, q) => {
      const where = `${at}/questions/${q}`;
      if (question.showIf) {
        const earlier = form.questions.slice(0, q).find((o) => o.id === question.showIf!.question);
        if (!earlier)
          problems.push({
            field: `${where}/showIf`,
            problem: `shown only after "${question.showIf.question}", which is not an earlier question`,
          });
      }
      if ((question.type === 'single_choice' || question.type === 'multiple_choice') && question.problemIf?.answers) {
        for (const answer of question.problemIf.answers) {
          if (!question.options.some((o) => o.id === answer))
            problems.push({ field: `${where}/problemIf`, problem: `"${String(answer)}" is not an option` });
        }
        for (const id of duplicates(question.options.map((o) => o.id)))
          problems.push({ field: `${where}/options`, problem: `option id "${id}" is used twice` });
      }
      if (
        question.type === 'number' &&
        question.min !== undefined &&
        question.max !== undefined &&
        question.min > question.max
      ) {
        problems.push({ field: where, problem: 'min is greater than max' });
      }
    });
    form.checks.forEach((check, c) => {
      for (const id of [...check.left, ...check.right]) {
        const question = form.questions.find((o) => o.id === id);
        if (!question || question.type !== 'number') {
          problems.push({ field: `${at}/checks/${c}`, problem: `"${id}" is not a number question of the form` });
        }
      }
    });
  });
  return problems;
}
