import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { TeamsReply } from '../../../../shared/schemas/teams';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    schema: {
      tags: ['teams'],
      summary: 'Teams with status: all for coordinators, without personal data for displays, its own for a team',
      response: { 200: TeamsReply, ...errorReplies },
    },
    handler: async (request) => app.services.teams.list(request.principal!),
  });
};
export default routes;
