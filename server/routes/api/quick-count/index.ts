import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { QuickCountReply } from '../../../../shared/schemas/results';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'display'),
    schema: {
      tags: ['results'],
      summary:
        "The quick count: per contest, turnout and each candidate's share from the sample stations' protocols, with 95 % margins",
      description:
        'A ratio estimator over stations as clusters, stratified by district when the sample says so; estimates are ' +
        'null until `sample.minReported` sample stations of the ballot have reported. Wall displays get it only when ' +
        'the display policy says `showsQuickCount`; otherwise an empty reply (`sampled: false`, no contests).',
      response: { 200: QuickCountReply, ...errorReplies },
    },
    handler: async (request) => app.services.results.quickCountFor(request.principal!),
  });
};
export default routes;
