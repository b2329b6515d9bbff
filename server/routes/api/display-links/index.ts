import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorReplies, ErrorReply } from '../../../../shared/schemas/common';
import {
  CreateDisplayLinkBody,
  CreatedDisplayLink,
  DisplayLink,
  DisplayLinkParams,
  DisplayLinksReply,
  DisplayPolicy,
  DisplayPolicyUpdate,
  UpdateDisplayLinkBody,
} from '../../../../shared/schemas/displays';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const coordinatorsOnly = app.allow('coordinator');

  app.get('', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['displays'],
      summary: "The mission's wall display links (live and revoked) and what displays may show",
      response: { 200: DisplayLinksReply, ...errorReplies },
    },
    handler: async (request) => app.services.displayLinks.list(request.principal!.missionId),
  });

  app.post('', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['displays'],
      summary: 'Make a display link; its token is in this answer only',
      body: CreateDisplayLinkBody,
      response: { 201: CreatedDisplayLink, ...errorReplies },
    },
    handler: async (request, reply) => {
      const created = await app.services.displayLinks.create(request.principal!.missionId, request.body);
      return reply.status(201).send(created);
    },
  });

  app.patch('/:id', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['displays'],
      summary: 'Rename a display link or change its rotation; its open displays follow at once',
      params: DisplayLinkParams,
      body: UpdateDisplayLinkBody,
      response: { 200: DisplayLink, 409: ErrorReply, ...errorReplies },
    },
    handler: async (request) =>
      app.services.displayLinks.update(request.principal!.missionId, request.params.id, request.body),
  });

  app.delete('/:id', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['displays'],
      summary: 'Revoke a display link: its displays lock within seconds, on every instance',
      params: DisplayLinkParams,
      response: { 204: Type.Null(), ...errorReplies },
    },
    handler: async (request, reply) => {
      await app.services.displayLinks.revoke(request.principal!.missionId, request.params.id);
      return reply.status(204).send(null);
    },
  });

  app.put('/policy', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['displays'],
      summary:
        "Decide whether wall displays show findings' free text, team positions and the quick count (all off by default)",
      description: 'A `showsQuickCount` left out keeps its stored value.',
      body: DisplayPolicyUpdate,
      response: { 200: DisplayPolicy, ...errorReplies },
    },
    handler: async (request) => app.services.displayLinks.setPolicy(request.principal!.missionId, request.body),
  });
};
export default routes;
