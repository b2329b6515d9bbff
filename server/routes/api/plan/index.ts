import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies, ErrorReply } from '../../../../shared/schemas/common';
import { PlanImportQuery, PlanImportRejected, PlanImportReply } from '../../../../shared/schemas/operations';
import { Type } from 'typebox';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/import', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['operations'],
      summary:
        'Import a deployment plan from CSV (team, station, order, phases): one plan_changed event per team named; all rows or none',
      description:
        'Body: text/csv. Teams the file does not name keep their routes. With ?dryRun=true the plan is checked and returned, not stored.',
      querystring: PlanImportQuery,
      response: {
        200: PlanImportReply,
        400: Type.Union([PlanImportRejected, ErrorReply]),
        401: errorReplies[401],
        403: errorReplies[403],
        409: ErrorReply,
        413: errorReplies[413],
        415: errorReplies[415],
      },
    },
    handler: async (request) => {
      const body = request.body;
      const text =
        typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
      return app.services.plan.importCsv(request.principal!, text, request.query.dryRun ?? false);
    },
  });
};
export default routes;
