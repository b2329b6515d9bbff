/** Finding photos: uploaded by the phone under an id it made, then named by a finding's `photoId`. */
import { Type, type Static } from 'typebox';
import { MAX_PHOTO_BYTES, PHOTO_CONTENT_TYPES } from '../constants';
import { Uuid, oneOf } from './common';

export type PhotoContentType = (typeof PHOTO_CONTENT_TYPES)[number];
export const PhotoContentType = oneOf(PHOTO_CONTENT_TYPES);

export const PhotoParams = Type.Object({ photoId: Uuid }, { additionalProperties: false });
export type PhotoParams = Static<typeof PhotoParams>;

/** PUT /api/photos/:photoId: `stored` the first time, `duplicate` when that id already holds these same bytes. */
export const PhotoUploadReply = Type.Object({
  photoId: Uuid,
  status: Type.Union([Type.Literal('stored'), Type.Literal('duplicate')]),
  contentType: PhotoContentType,
  byteSize: Type.Integer({ minimum: 1, maximum: MAX_PHOTO_BYTES }),
});
export type PhotoUploadReply = Static<typeof PhotoUploadReply>;

/** The bytes of a stored photo (GET /api/photos/:photoId), in their own content type. */
export const PhotoBytes = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'the image' });
