import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { RecentFindingsQuery, RecentFindingsReply, TriageFindingsReply } from '../../../../shared/schemas/findings';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['findings'],
      summary:
        'Every finding of the mission for triage: text, station, district, team, status, acknowledgement, last note',
      description: 'Newest first. Live changes follow as `finding` and `finding_status` events.',
      response: { 200: TriageFindingsReply, ...errorReplies },
    },
    handler: async (request) => app.services.findings.all(request.principal!.missionId),
  });

  app.get('/recent', {
    onRequest: app.allow('coordinator', 'display'),
    schema: {
      tags: ['findings'],
      summary:
        'The newest findings, one summary line each (category, severity, station, district, time, triage status)',
      description: 'The free text is included for coordinators, and for displays only when the mission allows it.',
      querystring: RecentFindingsQuery,
      response: { 200: RecentFindingsReply, ...errorReplies },
    },
    handler: async (request) => app.services.findings.recent(request.principal!, request.query.limit),
  });
};
export default routes;
