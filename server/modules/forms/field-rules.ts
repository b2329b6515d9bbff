/**
 * Everything the ingest needs to judge checklists and findings against the mission's own definitions, loaded once per
 * batch inside the ingest transaction (so a kit replaced meanwhile is seen consistently):
 * the field kit (forms, categories) and which photos named by findings exist in the mission.
 *
 * Meant to be called from the events service / projector (see the note in form-validation.ts):
 *   const rules = await loadFieldRules(tx, missionId, validEvents);   // once per batch
 *   const verdict = checkFieldRules(event, rules);                     // per event, before applying it
 *   if (!verdict.ok) → result { status: 'rejected', field: verdict.field, error: verdict.error }
 */
import type { Db, Tx } from '../../../db/client';
import type { EventInput } from '../../../shared/schemas/events';
import type { FieldKit } from '../../../shared/schemas/forms';
import { readExistingPhotoIds } from '../photos/photos.service';
import { readFieldKit } from './forms.service';
import { validateAgainstKit, type KitVerdict } from './form-validation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FieldRules {
  kit: FieldKit;
  /** Photos of the mission named by the batch's findings. */
  photoIds: ReadonlySet<string>;
}

export async function loadFieldRules(
  db: Db | Tx,
  missionId: string,
  events: readonly EventInput[],
): Promise<FieldRules> {
  // Photos are stored under UUIDs; any other photoId cannot name one (and must not reach a uuid column).
  const named = [
    ...new Set(
      events.flatMap((e) =>
        e.type === 'finding' && e.photoId && UUID.test(e.photoId) ? [e.photoId.toLowerCase()] : [],
      ),
    ),
  ];
  const [kit, photoIds] = await Promise.all([readFieldKit(db, missionId), readExistingPhotoIds(db, missionId, named)]);
  return { kit, photoIds };
}

export function checkFieldRules(event: EventInput, rules: FieldRules): KitVerdict {
  const verdict = validateAgainstKit(event, rules.kit);
  if (!verdict.ok) return verdict;
  if (event.type === 'finding' && event.photoId && !rules.photoIds.has(event.photoId.toLowerCase())) {
    return {
      ok: false,
      field: '/photoId',
      error: 'no such photo in this mission: upload it (PUT /api/photos/:photoId) before the finding',
    };
  }
  return verdict;
}
