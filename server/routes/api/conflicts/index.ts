import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { ConflictsQuery, ConflictsReply } from '../../../../shared/schemas/conflicts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['operations'],
      summary:
        'Conflicting reports of different teams about one station and phase (open by default); resolve with a conflict_resolved event',
      querystring: ConflictsQuery,
      response: { 200: ConflictsReply, ...errorReplies },
    },
    handler: async (request) => app.services.conflicts.list(request.principal!.missionId, request.query.status),
  });
};
export default routes;
