import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorReply, errorReplies } from '../../../../shared/schemas/common';
import { MAX_OFFICIAL_RESULTS_BYTES } from '../../../../shared/constants';
import {
  OfficialComparisonReply,
  OfficialImportQuery,
  OfficialImportRejectedReply,
  OfficialImportReply,
} from '../../../../shared/schemas/official-results';
import { httpError } from '../../../errors';
import { bodyChunks } from '../../body-chunks';

const CSV_TYPES = ['text/csv', 'text/plain'];

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // A national file is read record by record as it arrives, never held whole. Only this plugin's routes see the stream.
  app.removeContentTypeParser(CSV_TYPES);
  app.addContentTypeParser(CSV_TYPES, (_request, payload, done) => done(null, payload));

  app.post('/import', {
    onRequest: app.allow('coordinator'),
    bodyLimit: MAX_OFFICIAL_RESULTS_BYTES,
    schema: {
      tags: ['results'],
      summary: "Import the commission's per-station results (CSV); all rows or none, replacing the contests it names",
      description:
        'One row per station, contest and candidate: station code, contest (id or name; or ?contestId= for a file ' +
        'of one contest), candidate (id or name), votes, and optionally the protocol totals (registered, ' +
        'ballots_received, issued, found_in_boxes, valid, invalid, spoilt, unused) repeated on each row of a station. ' +
        'Other headers can be mapped with ?mapping={"stationCode":"UIK",...}. Any problem rejects the file (400 naming ' +
        'row and column). The import is recorded in the log as official_results_imported (contests, rows, SHA-256).',
      querystring: OfficialImportQuery,
      response: {
        200: OfficialImportReply,
        400: OfficialImportRejectedReply,
        401: errorReplies[401],
        403: errorReplies[403],
        409: ErrorReply,
        413: errorReplies[413],
        415: errorReplies[415],
      },
    },
    handler: async (request) => {
      const contentType = String(request.headers['content-type'] ?? '');
      if (!CSV_TYPES.some((type) => contentType.includes(type))) throw httpError(415, 'send the file as text/csv');
      return app.services.officialResults.importFile(
        request.principal!,
        bodyChunks(request.body, MAX_OFFICIAL_RESULTS_BYTES),
        request.query,
      );
    },
  });

  app.get('/comparison', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['results'],
      summary: "Observed protocols against the official results: each station's differences, totals per candidate",
      querystring: Type.Object({}, { additionalProperties: false }),
      response: { 200: OfficialComparisonReply, ...errorReplies },
    },
    handler: async (request) => app.services.officialResults.comparison(request.principal!.missionId),
  });
};
export default routes;
