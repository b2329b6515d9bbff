/** A request body read as it arrives, for routes that take large uploads as streams. */
import { httpError } from '../errors';

/**
 * The body's chunks as they arrive, refused with 413 past `limit` bytes: a streamed body has no parser to enforce the
 * route's bodyLimit, and a chunked upload declares no length for the onRequest check.
 */
export async function* bodyChunks(body: unknown, limit: number): AsyncGenerator<Buffer | string> {
  if (typeof body === 'string' || Buffer.isBuffer(body)) yield body;
  else if (body !== null && typeof body === 'object' && Symbol.asyncIterator in body) {
    let bytes = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limit)
        throw httpError(413, `the body is over ${limit} bytes; this endpoint takes at most ${limit}`, 'BODY_TOO_LARGE');
      yield chunk;
    }
  } else yield JSON.stringify(body ?? ''); // application/json, parsed by Fastify's own parser
}
