/** The field kit a mission's phones fill in: its own if it has one, the default kit otherwise. */
import canonicalize from 'canonicalize';
import { Compile } from 'typebox/compile';
import type { Db, Tx } from '../../../db/client';
import { FieldKit, type ChecklistForm, type FormsReply } from '../../../shared/schemas/forms';
import { HttpError } from '../../errors';
import { schemaProblems } from '../../schema-validation';
import { DEFAULT_FIELD_KIT } from './default-kit';
import { checkFieldKit } from './field-kit';
import { findFieldKit, saveFieldKit } from './forms.repository';

const kitShape = Compile(FieldKit);

function withoutRetired(form: ChecklistForm): Omit<ChecklistForm, 'retired'> {
  const { retired: _retired, ...rest } = form;
  return rest;
}

/** Shape and consistency problems of a kit, empty when it can be stored. */
export function fieldKitProblems(kit: unknown): { field: string; problem: string }[] {
  if (!kitShape.Check(kit)) {
    return schemaProblems(kitShape, kit)
      .slice(0, 20)
      .map(({ path, problem }) => ({ field: path || '/', problem }));
  }
  return checkFieldKit(kit);
}

/** The kit that checklists and findings of the mission are judged against (and exports are labelled by). */
export async function readFieldKit(reader: Db | Tx, missionId: string): Promise<FieldKit> {
  return (await findFieldKit(reader, missionId)) ?? DEFAULT_FIELD_KIT;
}

export function createFormsService(db: Db) {
  const kitFor = (missionId: string): Promise<FieldKit> => readFieldKit(db, missionId);

  async function get(missionId: string): Promise<FormsReply> {
    const own = await findFieldKit(db, missionId);
    return { ...(own ?? DEFAULT_FIELD_KIT), isDefault: own === null };
  }

  async function replace(missionId: string, kit: FieldKit): Promise<FormsReply> {
    const problems = fieldKitProblems(kit);
    if (problems.length > 0) {
      throw new HttpError(
        400,
        `the field kit has ${problems.length} problem(s): ${problems[0]!.field}: ${problems[0]!.problem}`,
        'KIT_INVALID',
        problems,
      );
    }
    // Phones may still hold an older kit and submit against it: a form or category that disappears would turn their
    // reports into rejections. So a kit may retire forms and categories, never drop or change them.
    const current = await kitFor(missionId);
    for (const form of current.forms) {
      const next = kit.forms.find((f) => f.id === form.id);
      const same = next !== undefined && canonicalize(withoutRetired(next)) === canonicalize(withoutRetired(form));
      if (!same) {
        throw new HttpError(
          409,
          `form "${form.id}" may be retired but not removed or changed: give the new version a new id`,
          'KIT_FORM_CHANGED',
          [{ field: '/forms', problem: `form "${form.id}" is missing or changed` }],
        );
      }
    }
    for (const category of current.findingCategories) {
      if (!kit.findingCategories.some((c) => c.id === category.id)) {
        throw new HttpError(
          409,
          `finding category "${category.id}" may be retired but not removed`,
          'KIT_CATEGORY_REMOVED',
          [{ field: '/findingCategories', problem: `category "${category.id}" is missing` }],
        );
      }
    }
    await saveFieldKit(db, missionId, kit);
    return { ...kit, isDefault: false };
  }

  return { get, kitFor, replace };
}

export type FormsService = ReturnType<typeof createFormsService>;
