/** One place that turns every failure into the API's error shape: 4xx say what and where, 5xx never leak internals. */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorReply, FieldProblem } from '../shared/schemas/common';
import { describeSchemaError, type SchemaError } from './schema-validation';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code?: string,
    readonly details?: FieldProblem[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function httpError(statusCode: number, message: string, code?: string, details?: FieldProblem[]): HttpError {
  return new HttpError(statusCode, message, code, details);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Errors that mean "the database cannot be reached right now": the client should retry, nothing was stored. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
export const RETRY_AFTER_SECONDS = 5;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  }
  return false;
}

function reply(statusCode: number, message: string, code?: string, details?: FieldProblem[]): ErrorReply {
  return {
    statusCode,
    error: STATUS_TEXT[statusCode] ?? 'Error',
    message,
    ...(code ? { code } : {}),
    ...(details ? { details } : {}),
  };
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, replyTo) => {
    if (error instanceof HttpError) {
      const retryAfter = error.extra?.retryAfterSeconds;
      if (typeof retryAfter === 'number') replyTo.header('retry-after', String(retryAfter));
      return replyTo
        .status(error.statusCode)
        .send({ ...reply(error.statusCode, error.message, error.code, error.details), ...error.extra });
    }
    if ('validation' in error && error.validation) {
      const where = error.validationContext ?? 'request';
      const details = (error.validation as unknown as SchemaError[]).map(describeSchemaError).map((p) => ({
        field: `${where}${p.path}`,
        problem: p.problem,
      }));
      const first = details[0];
      return replyTo
        .status(400)
        .send(reply(400, first ? `${first.field}: ${first.problem}` : 'invalid request', 'VALIDATION', details));
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return replyTo
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send(reply(503, 'the database is unavailable: nothing was stored, retry shortly', 'DB_UNAVAILABLE'));
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return replyTo.status(status).send(reply(status, error.message, error.code));
    }
    request.log.error({ err: error }, 'request failed');
    return replyTo.status(500).send(reply(500, 'internal error: nothing was stored; the failure is logged'));
  });

  app.setNotFoundHandler((request, replyTo) => {
    replyTo.status(404).send(reply(404, `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
