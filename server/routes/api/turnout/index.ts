import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { TurnoutReply } from '../../../../shared/schemas/results';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['results'],
      summary:
        'Turnout by hour for the city and per district, over the observed stations (with their count), against registered voters',
      response: { 200: TurnoutReply, ...errorReplies },
    },
    handler: async (request) => app.services.results.turnout(request.principal!.missionId),
  });
};
export default routes;
