import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MAX_PHOTO_BYTES, PHOTO_CONTENT_TYPES } from '../../../../shared/constants';
import { ErrorReply, errorReplies } from '../../../../shared/schemas/common';
import { PhotoBytes, PhotoParams, PhotoUploadReply } from '../../../../shared/schemas/photos';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Photo bodies arrive as raw bytes; this parser is scoped to these routes.
  app.addContentTypeParser(
    [...PHOTO_CONTENT_TYPES],
    { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.put('/:photoId', {
    onRequest: app.allow('coordinator', 'team'),
    bodyLimit: MAX_PHOTO_BYTES,
    schema: {
      tags: ['photos'],
      summary: 'Upload a finding photo under an id the phone made (idempotent)',
      description:
        `Send the image as the body with its Content-Type (${PHOTO_CONTENT_TYPES.join(', ')}), at most ${MAX_PHOTO_BYTES} bytes. ` +
        'Answers 201 "stored" the first time and 200 "duplicate" when the id already holds the same bytes, so a retry ' +
        "after a lost answer stores nothing twice; 409 when the id holds other bytes. Then name the id in a finding's photoId.",
      consumes: [...PHOTO_CONTENT_TYPES],
      params: PhotoParams,
      response: { 200: PhotoUploadReply, 201: PhotoUploadReply, ...errorReplies, 409: ErrorReply },
    },
    handler: async (request, reply) => {
      const body = request.body as unknown;
      const bytes = body instanceof Uint8Array ? body : new Uint8Array(0);
      const result = await app.services.photos.upload(
        request.principal!,
        request.params.photoId,
        request.headers['content-type'] ?? '',
        bytes,
      );
      return reply.status(result.status === 'stored' ? 201 : 200).send(result);
    },
  });

  app.get('/:photoId', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['photos'],
      summary: 'A finding photo of the mission (coordinators)',
      params: PhotoParams,
      produces: [...PHOTO_CONTENT_TYPES],
      response: { 200: PhotoBytes, ...errorReplies },
    },
    handler: async (request, reply) => {
      const photo = await app.services.photos.read(request.principal!.missionId, request.params.photoId);
      // A photo never changes under its id; only the coordinator's own browser may keep it.
      return reply
        .header('content-type', photo.contentType)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('etag', `"${photo.sha256}"`)
        .send(Buffer.from(photo.data.buffer, photo.data.byteOffset, photo.data.byteLength));
    },
  });
};
export default routes;
