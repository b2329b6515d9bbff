import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { Ballot, BallotReply } from '../../../../shared/schemas/results';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team'),
    schema: {
      tags: ['results'],
      summary: "The mission's ballot: contests, candidates, the stations each covers, turnout hours, photo rule",
      response: { 200: BallotReply, ...errorReplies },
    },
    handler: async (request) => app.services.results.ballot(request.principal!.missionId),
  });

  app.put('', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['results'],
      summary: "Replace the mission's ballot (recorded in the log as a ballot_set event)",
      description:
        'Stations are named by code, or "all". A contest that has results protocols keeps its id and every candidate it ' +
        'had: it may gain candidates, never lose them (400 naming the candidate).',
      body: Ballot,
      response: { 200: BallotReply, ...errorReplies },
    },
    handler: async (request) => app.services.results.setBallot(request.principal!, request.body),
  });
};
export default routes;
