/** SQL for finding photos. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { photos } from '../../../db/schema/index';

type Reader = Db | Tx;
export type PhotoRow = typeof photos.$inferSelect;
export type NewPhoto = Omit<typeof photos.$inferInsert, 'createdAt'>;

/** The metadata of the mission's photo with this id. */
export async function findPhotoMeta(db: Reader, missionId: string, id: string) {
  const [row] = await db
    .select({
      id: photos.id,
      missionId: photos.missionId,
      teamId: photos.teamId,
      sha256: photos.sha256,
      contentType: photos.contentType,
      byteSize: photos.byteSize,
    })
    .from(photos)
    .where(and(eq(photos.missionId, missionId), eq(photos.id, id)));
  return row;
}

/** Inserts unless the mission has a photo with this id; true when this call stored it. */
export async function insertPhoto(db: Reader, photo: NewPhoto): Promise<boolean> {
  const inserted = await db
    .insert(photos)
    .values(photo)
    .onConflictDoNothing({ target: [photos.missionId, photos.id] })
    .returning({ id: photos.id });
  return inserted.length > 0;
}

export async function readPhoto(
  db: Reader,
  missionId: string,
  id: string,
): Promise<Pick<PhotoRow, 'contentType' | 'data' | 'sha256'> | undefined> {
  const [row] = await db
    .select({ contentType: photos.contentType, data: photos.data, sha256: photos.sha256 })
    .from(photos)
    .where(and(eq(photos.missionId, missionId), eq(photos.id, id)));
  return row;
}

/** Which of the ids are photos of the mission (a finding's photoId must name one: the phone uploads it first). */
export async function existingPhotoIds(db: Reader, missionId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: photos.id })
    .from(photos)
    .where(and(eq(photos.missionId, missionId), inArray(photos.id, ids)));
  return new Set(rows.map((r) => r.id));
}
