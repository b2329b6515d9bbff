import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { JoinBody, JoinReply, LoginBody, LoginReply, SessionReply } from '../../../../shared/schemas/auth';
import { errorReplies } from '../../../../shared/schemas/common';
import { httpError } from '../../../errors';
import { bearerToken } from '../../../plugins/app/auth';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/login', {
    schema: {
      tags: ['auth'],
      security: [],
      summary:
        'Coordinator login (429 with Retry-After while this username has had too many failures from this address)',
      body: LoginBody,
      response: { 200: LoginReply, ...errorReplies },
    },
    handler: async (request) => {
      const session = await app.services.auth.login(request.body.username, request.body.password, request.ip);
      if (!session) throw httpError(401, 'wrong username or password');
      return session;
    },
  });

  app.post('/join', {
    schema: {
      tags: ['auth'],
      security: [],
      summary:
        'A team phone joins with its join code (429 with Retry-After after too many failed joins from this address)',
      body: JoinBody,
      response: { 200: JoinReply, ...errorReplies },
    },
    handler: async (request) => {
      const joined = await app.services.auth.join(
        request.body.code,
        request.headers['user-agent']?.slice(0, 80),
        request.ip,
      );
      if (!joined) throw httpError(401, 'unknown or revoked join code');
      return joined;
    },
  });

  app.post('/logout', {
    onRequest: app.allow('coordinator', 'team'),
    schema: { tags: ['auth'], summary: 'Revoke the calling token', response: { 204: Type.Null(), ...errorReplies } },
    handler: async (request, reply) => {
      await app.services.auth.logout(request.principal!, bearerToken(request)!);
      return reply.status(204).send(null);
    },
  });
};
export default routes;

/** GET /api/session: who the token is. Registered at /api so display links can call it too. */
export const sessionRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/session', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    schema: {
      tags: ['auth'],
      summary: 'Who the bearer token is, and its mission',
      response: { 200: SessionReply, ...errorReplies },
    },
    handler: async (request) => app.services.auth.session(request.principal!),
  });
};
