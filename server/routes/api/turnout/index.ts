import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { TurnoutReply } from '../../../../shared/schemas/results';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'display'),
    schema: {
      tags: ['results'],
      summary:
        'Turnout by hour for the city and per district, over the observed stations (with their count), against registered voters',
      description: 'Wall displays get the same sums by hour, with `flagged` always empty.',
      response: { 200: TurnoutReply, ...errorReplies },
    },
    handler: async (request) => app.services.results.turnoutFor(request.principal!),
  });
};
export default routes;
