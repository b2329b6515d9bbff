/**
 * One log line per answered request, at a level that matches how much it matters: Fastify's own request logging (two
 * lines per request, at info) buried the start-up links under phones' polling. Routine requests go to debug; client
 * errors to info; slow requests to warn and server errors to error, so a default (info) console stays readable.
 */
import fp from 'fastify-plugin';

/** A request taking longer than this is logged at warn whatever its status. */
export const SLOW_REQUEST_LOG_MS = 1000;

export default fp(
  async (app) => {
    app.addHook('onResponse', async (request, reply) => {
      const status = reply.statusCode;
      const ms = Math.round(reply.elapsedTime);
      const level = status >= 500 ? 'error' : ms >= SLOW_REQUEST_LOG_MS ? 'warn' : status >= 400 ? 'info' : 'debug';
      request.log[level]({ method: request.method, url: request.url.split('?')[0], status, ms }, 'request answered');
    });
  },
  { name: 'request-log' },
);
