import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { Summary } from '../../../../shared/schemas/summary';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    schema: {
      tags: ['summary'],
      summary:
        'Headline figures: coverage now and today, active teams, findings by severity, bad assessments per phase',
      description: 'Computed from the read models at the moment of the request. Counts only: safe for every role.',
      response: { 200: Summary, ...errorReplies },
    },
    handler: async (request) => app.services.summary.summary(request.principal!.missionId),
  });
};
export default routes;
