import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { ResultChecksReply } from '../../../../shared/schemas/official-results';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['results'],
      summary:
        "Station results worth a look (high turnout, high invalid share, arithmetic, far from the district's) and each contest's election fingerprint",
      description:
        "Over observers' newest protocols and over the official results. Thresholds are the ballot's `checks` " +
        '(defaults: turnout above 0.9, invalid share above 0.05, 0.2 from the district). Lists the first 500 checks ' +
        'of each source; result-checks.csv has all.',
      response: { 200: ResultChecksReply, ...errorReplies },
    },
    handler: async (request) => app.services.resultChecks.checks(request.principal!.missionId),
  });
};
export default routes;
