import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { ProtocolsQuery, ProtocolsReply } from '../../../../shared/schemas/results';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['results'],
      summary: "Each team's latest results protocol per station and contest, with the checks it fails",
      querystring: ProtocolsQuery,
      response: { 200: ProtocolsReply, ...errorReplies },
    },
    handler: async (request) => app.services.results.protocols(request.principal!.missionId, request.query),
  });
};
export default routes;
