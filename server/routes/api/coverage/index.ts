import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { CoverageReply } from '../../../../shared/schemas/coverage';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['coverage'],
      summary:
        'Stations visited, with a team now and never visited, overall and per district; observed stations per phase; check-ins and findings per hour',
      description: 'Computed from the read models and the event log at the moment of the request.',
      response: { 200: CoverageReply, ...errorReplies },
    },
    handler: async (request) => app.services.coverage.coverage(request.principal!.missionId),
  });
};
export default routes;
