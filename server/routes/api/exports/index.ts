import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { ExportParams, MissionReport } from '../../../../shared/schemas/exports';

/** The file's text, streamed (documented as a string; the handler sends a stream, which Fastify does not serialise). */
const ExportBody = Type.Unsafe<Readable>({
  type: 'string',
  description: 'CSV (text/csv) or GeoJSON (application/geo+json)',
});

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const coordinatorsOnly = app.allow('coordinator');

  app.get('/summary', {
    onRequest: coordinatorsOnly,
    schema: {
      tags: ['exports'],
      summary:
        'Figures of the printable mission summary: time span, coverage, assessments, findings by category and severity, chain head',
      response: { 200: MissionReport, ...errorReplies },
    },
    handler: async (request) => app.services.exports.report(request.principal!.missionId),
  });

  app.get('/:file', {
    onRequest: coordinatorsOnly,
    preHandler: app.largeRead,
    schema: {
      tags: ['exports'],
      summary:
        'Stream an export: events, visits, checklists (a column per question), findings, stations, districts, turnout, protocols, quick count (CSV); findings, stations (GeoJSON)',
      description:
        'The first CSV line is a `#` comment with the chain head and DRILL/live; GeoJSON carries it in `vigil`; both in X-Vigil-Chain-Head.',
      params: ExportParams,
      response: { 200: ExportBody, ...errorReplies },
    },
    handler: async (request, reply) => {
      const file = await app.services.exports.open(request.principal!.missionId, request.params.file);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.drill ? 'DRILL-' : ''}${file.filename}"`)
        .header('x-vigil-chain-head', `${file.head.seq}:${file.head.hash}`)
        .header('x-vigil-drill', String(file.drill))
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  });
};
export default routes;
