/**
 * Finding photos. The phone names each photo with a UUID when it is taken and uploads it (retrying as often as it needs)
 * before the finding that names it; the same id with the same bytes answers "duplicate" and stores nothing.
 * The bytes must be what the content type says (magic numbers), so nothing but images is ever served back.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../../db/client';
import { MAX_PHOTO_BYTES, PHOTO_CONTENT_TYPES } from '../../../shared/constants';
import type { PhotoContentType, PhotoUploadReply } from '../../../shared/schemas/photos';
import type { Principal } from '../auth/principal';
import { HttpError } from '../../errors';
import { findPhotoMeta, insertPhoto, readPhoto } from './photos.repository';

/** The first bytes of each accepted image format. */
function sniff(bytes: Uint8Array): PhotoContentType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  // RIFF....WEBP
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return null;
}

export function isPhotoContentType(value: string): value is PhotoContentType {
  return (PHOTO_CONTENT_TYPES as readonly string[]).includes(value);
}

export function createPhotosService(db: Db) {
  async function upload(principal: Principal, photoId: string, contentType: string, bytes: Uint8Array): Promise<PhotoUploadReply> {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (!isPhotoContentType(type)) throw new HttpError(415, `photos must be ${PHOTO_CONTENT_TYPES.join(', ')}`);
    if (bytes.length === 0) throw new HttpError(400, 'the photo is empty', 'PHOTO_EMPTY', [{ field: 'body', problem: 'no bytes' }]);
    if (bytes.length > MAX_PHOTO_BYTES) throw new HttpError(413, `a photo may have at most ${MAX_PHOTO_BYTES} bytes`);
    if (sniff(bytes) !== type) {
      throw new HttpError(415, `the bytes are not a ${type} image`, 'PHOTO_TYPE_MISMATCH', [{ field: 'body', problem: `not ${type}` }]);
    }
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
    const existing = await findPhotoMeta(db, id);
    // Same id, other mission or other bytes: the phone made a colliding id or reused one. Say no without telling more.
    if (!existing || existing.missionId !== principal.missionId || existing.sha256 !== sha256) {
      throw new HttpError(409, 'this photo id is already taken by another photo: make a new id', 'PHOTO_ID_TAKEN');
    }
    return { photoId: id, status: 'duplicate', contentType: existing.contentType as PhotoContentType, byteSize: existing.byteSize };
  }

  async function read(missionId: string, photoId: string) {
    const row = await readPhoto(db, missionId, photoId.toLowerCase());
    if (!row) throw new HttpError(404, 'no such photo in this mission');
    return row;
  }

  return { upload, read };
}

export type PhotosService = ReturnType<typeof createPhotosService>;
