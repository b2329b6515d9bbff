/**
 * Bearer-token guard. Routes declare who may call them with `onRequest: app.allow('coordinator', ...)`;
 * the resolved Principal binds the request to one mission.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Role } from '../../../shared/schemas/auth';
import { httpError } from '../../errors';

declare module 'fastify' {
  interface FastifyInstance {
    allow(...roles: Role[]): onRequestHookHandler;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

export default fp(
  async (app) => {
    app.decorateRequest('principal', null);
    app.decorate('allow', (...roles: Role[]) => {
      return async (request: FastifyRequest, _reply: FastifyReply) => {
        const token = bearerToken(request);
        if (!token) throw httpError(401, 'missing bearer token: send Authorization: Bearer TOKEN');
        const principal = await app.services.auth.authenticate(token);
        if (!principal) throw httpError(401, 'the token is unknown, expired or revoked');
        if (!roles.includes(principal.role))
          throw httpError(403, `this call is not open to the ${principal.role} role`);
        request.principal = principal;
      };
    });
  },
  { name: 'auth', dependencies: ['services'] },
);
