/**
 * One log line per answered request, at a level that matches how much it matters: Fastify's own request logging (two
 * lines per request, at info) buried the start-up links under phones' polling. Routine requests go to debug; client
 * errors to info; slow requests to warn and server errors to error, so a default (info) console stays readable.
 * Fastify's other request logs (errors in its default handler, broken streams) are left as they are.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** A request taking longer than this is logged at warn whatever its status. */
export const SLOW_REQUEST_LOG_MS = 1000;

export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const ms = Math.round(reply.elapsedTime);
    const level =
      error || status >= 500 ? 'error' : ms >= SLOW_REQUEST_LOG_MS ? 'warn' : status >= 400 ? 'info' : 'debug';
    // Without the query string: display and join links carry their tokens there.
    const line = {
      method: request.method,
      url: request.url.split('?')[0],
      status,
      ms,
      ...(error ? { err: error } : {}),
    };
    reply.log[level](line, 'request answered');
  }
}
