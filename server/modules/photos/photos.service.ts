/**
 * Finding photos. The phone names each photo with a UUID when it is taken and uploads it (retrying as often as it needs)
 * before the finding that names it; the same id with the same bytes answers "duplicate" and stores nothing.
 * The bytes must be what the content type says, so nothing but images is ever served back: `file-type` reads the magic
 * numbers and `image-size` must find the image's width and height in its header (a cut-off or fake image has none).
 * Photos are not re-encoded: that needs a native image library (sharp/libvips) and tens of milliseconds of CPU per photo
 * on the ingest path, while phones already re-encode every picture through a canvas before sending it.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import type { Db, Tx } from '../../../db/client';
import { MAX_PHOTO_BYTES, MAX_PHOTO_EDGE_PX, PHOTO_CONTENT_TYPES } from '../../../shared/constants';
import type { PhotoContentType, PhotoUploadReply } from '../../../shared/schemas/photos';
import type { Principal } from '../auth/principal';
import { HttpError } from '../../errors';
import { existingPhotoIds, findPhotoMeta, insertPhoto, readPhoto } from './photos.repository';

/** image-size's name for each accepted type. */
const SIZE_TYPE: Record<PhotoContentType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** Refuses bytes that are not a readable image of the declared type, naming what is wrong. */
async function checkImage(bytes: Uint8Array, type: PhotoContentType): Promise<void> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.mime !== type) {
    const seen = detected ? `they are ${detected.mime}` : 'no known file type';
    throw new HttpError(415, `the bytes are not a ${type} image (${seen})`, 'PHOTO_TYPE_MISMATCH', [
      { field: 'body', problem: `not ${type}` },
    ]);
  }
  let size: { width: number; height: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch {
    size = { width: 0, height: 0 };
  }
  if (size.type !== SIZE_TYPE[type] || !(size.width > 0 && size.height > 0)) {
    throw new HttpError(
      400,
      `the ${type} image is cut off or damaged: it has no width and height`,
      'PHOTO_UNREADABLE',
      [{ field: 'body', problem: 'not a readable image' }],
    );
  }
  if (size.width > MAX_PHOTO_EDGE_PX || size.height > MAX_PHOTO_EDGE_PX) {
    throw new HttpError(
      400,
      `the image is ${size.width}×${size.height} pixels; at most ${MAX_PHOTO_EDGE_PX} on each side`,
      'PHOTO_TOO_LARGE',
      [{ field: 'body', problem: 'too many pixels' }],
    );
  }
}

export function isPhotoContentType(value: string): value is PhotoContentType {
  return (PHOTO_CONTENT_TYPES as readonly string[]).includes(value);
}

/** Which of these photo ids are stored in the mission (findings may name only those), read within the caller's transaction. */
export function readExistingPhotoIds(reader: Db | Tx, missionId: string, ids: string[]): Promise<Set<string>> {
  return existingPhotoIds(reader, missionId, ids);
}

export function createPhotosService(db: Db) {
  async function upload(
    principal: Principal,
    photoId: string,
    contentType: string,
    bytes: Uint8Array,
  ): Promise<PhotoUploadReply> {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (!isPhotoContentType(type)) throw new HttpError(415, `photos must be ${PHOTO_CONTENT_TYPES.join(', ')}`);
    if (bytes.length === 0)
      throw new HttpError(400, 'the photo is empty', 'PHOTO_EMPTY', [{ field: 'body', problem: 'no bytes' }]);
    if (bytes.length > MAX_PHOTO_BYTES) throw new HttpError(413, `a photo may have at most ${MAX_PHOTO_BYTES} bytes`);
    await checkImage(bytes, type);
    const id = photoId.toLowerCase();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = await insertPhoto(db, {
      id,
      missionId: principal.missionId,
      teamId: principal.teamId,
      uploadedBy: principal.name,
      contentType: type,
      byteSize: bytes.length,
      sha256,
      data: bytes,
    });
    if (stored) return { photoId: id, status: 'stored', contentType: type, byteSize: bytes.length };
    // Ids are the mission's own (photos are keyed by mission and id), so another mission's photo is never found here.
    const existing = await findPhotoMeta(db, principal.missionId, id);
    // Same id, other bytes: the phone made a colliding id or reused one.
    if (!existing || existing.sha256 !== sha256) {
      throw new HttpError(409, 'this photo id is already taken by another photo: make a new id', 'PHOTO_ID_TAKEN');
    }
    return {
      photoId: id,
      status: 'duplicate',
      contentType: existing.contentType as PhotoContentType,
      byteSize: existing.byteSize,
    };
  }

  async function read(missionId: string, photoId: string) {
    const row = await readPhoto(db, missionId, photoId.toLowerCase());
    if (!row) throw new HttpError(404, 'no such photo in this mission');
    return row;
  }

  return { upload, read };
}

export type PhotosService = ReturnType<typeof createPhotosService>;
