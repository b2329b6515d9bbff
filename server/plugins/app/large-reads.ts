/**
 * A cap on concurrent large reads per token (issue 14, finding 11). The full station list and the exports are
 * rebuilt per request and grow with the mission; one token asking for them many times at once (a wall display in a
 * reload loop, a script) could stall the event loop and bloat the heap for everyone. Each token may have
 * LARGE_READS_PER_TOKEN of them in flight on an instance; one more is answered 429 with Retry-After at once, before
 * any work is done. Routes opt in with `preHandler: app.largeRead` after their `onRequest: app.allow(...)`.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { HttpError } from '../../errors';

declare module 'fastify' {
  interface FastifyInstance {
    largeRead: preHandlerHookHandler;
  }
}

/** Seconds a refused reader is asked to wait: a large read in flight usually ends within that. */
const LARGE_READ_RETRY_AFTER_SECONDS = 1;

export default fp(
  async (app) => {
    const limit = app.config.largeReadsPerToken;
    const inFlight = new Map<string, number>();

    function release(tokenId: string): void {
      const left = (inFlight.get(tokenId) ?? 1) - 1;
      if (left <= 0) inFlight.delete(tokenId);
      else inFlight.set(tokenId, left);
    }

    app.decorate('largeRead', async (request: FastifyRequest, reply: FastifyReply) => {
      const tokenId = request.principal?.tokenId;
      if (!tokenId) return;
      const running = inFlight.get(tokenId) ?? 0;
      if (running >= limit) {
        throw new HttpError(
          429,
          `at most ${limit} large reads at a time per token: wait for one to finish`,
          'LARGE_READS_BUSY',
          undefined,
          {
            retryAfterSeconds: LARGE_READ_RETRY_AFTER_SECONDS,
          },
        );
      }
      inFlight.set(tokenId, running + 1);
      // 'close' comes once the response is done or the client went away, streamed exports included.
      let released = false;
      reply.raw.once('close', () => {
        if (released) return;
        released = true;
        release(tokenId);
      });
    });
  },
  { name: 'large-reads', dependencies: ['auth'] },
);
