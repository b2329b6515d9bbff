import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply, errorReplies } from '../../../../shared/schemas/common';
import { Ballot, BallotReply, SampleDrawReply, SampleDrawRequest } from '../../../../shared/schemas/results';
import { PlanImportRejected } from '../../../../shared/schemas/operations';
import { Type } from 'typebox';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team'),
    schema: {
      tags: ['results'],
      summary: "The mission's ballot: contests, candidates, the stations each covers, turnout hours, photo rule",
      description: 'Teams get it without the quick-count `sample` (coordinators only).',
      response: { 200: BallotReply, ...errorReplies },
    },
    handler: async (request) => app.services.results.ballotFor(request.principal!),
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

  app.post('/import', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['results'],
      summary: "Replace the ballot's contests from CSV, one row per candidate (a ballot_set event); all rows or none",
      description:
        'Body: text/csv with columns contest_id, contest_name, kind (optional: constituency, party_list, referendum, ' +
        'other), candidate_id, candidate_name, and stations (codes separated by spaces, commas, ; or |, or all) and/or ' +
        'districts (separated by ; or |) on any row of a contest. Turnout hours, the photo rule and the sample stay. ' +
        'A bad cell is a 400 listing problems by row and column; the ballot rules of PUT /api/ballot apply.',
      response: {
        200: BallotReply,
        400: Type.Union([PlanImportRejected, ErrorReply]),
        401: errorReplies[401],
        403: errorReplies[403],
        413: errorReplies[413],
        415: errorReplies[415],
      },
    },
    handler: async (request) => {
      const body = request.body;
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
      return app.services.ballot.importContestsCsv(request.principal!, text);
    },
  });

  app.post('/sample', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['results'],
      summary:
        "Draw the quick count's sample from a seed, simple random or stratified by district (recorded in the log)",
      description:
        "Draws `size` stations from those the ballot's contests cover and stores them as the ballot's sample in a " +
        'ballot_set event whose `sample.origin` holds the method, size, seed and algorithm (sha256-order-v1: stations in ' +
        'order of SHA-256(seed + "\\n" + code), the first `size`, or the first n_h of each district with proportional ' +
        'allocation and at least one per district where the size allows). Without a seed Vigil picks one and shows it. ' +
        '400 names bad input (no contests, size above the stations covered, minReported above size); 409 once results ' +
        'protocols have arrived unless `force: true`.',
      body: SampleDrawRequest,
      response: { 200: SampleDrawReply, 409: ErrorReply, ...errorReplies },
    },
    handler: async (request) => app.services.ballot.drawBallotSample(request.principal!, request.body),
  });
};
export default routes;
