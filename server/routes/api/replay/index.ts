import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { ReplayQuery, ReplayReply } from '../../../../shared/schemas/replay';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Coordinators only: a past moment holds team positions and findings a wall's policy may hide, and a wall follows live.
  app.get('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['replay'],
      summary: 'The stations, teams and findings as they stood at a past moment, rebuilt from the event log',
      description:
        'The moment is the log up to the last event received by `at`. Computed by the same rules as the live state; ' +
        'ready within a second at 100,000 events (snapshots every 2,000 events).',
      querystring: ReplayQuery,
      response: { 200: ReplayReply, ...errorReplies },
    },
    handler: async (request) => app.services.replay.at(request.principal!.missionId, request.query.at),
  });
};
export default routes;
