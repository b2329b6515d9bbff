import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { ImportPreviewReply, ImportRejectedReply, ImportReply, StationsQuery, StationsReply } from '../../../../shared/schemas/stations';
import { StationDetailReply, StationParams } from '../../../../shared/schemas/map';
import { httpError } from '../../../errors';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    schema: {
      tags: ['stations'],
      summary: 'The mission\'s polling stations with their live status',
      querystring: StationsQuery,
      response: { 200: StationsReply, ...errorReplies },
    },
    handler: async (request) => app.services.stations.list(request.principal!.missionId, request.query.changedAfter),
  });

  app.get('/:stationId/detail', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['stations'],
      summary: 'One station\'s story for the station panel: visits, checklists with answers, findings, recent events',
      params: StationParams,
      response: { 200: StationDetailReply, ...errorReplies },
    },
    handler: async (request) => app.services.stationDetail.detail(request.principal!.missionId, request.params.stationId),
  });

  app.post('/import', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['stations'],
      summary: 'Import or update stations (by number) from CSV or GeoJSON; all rows or none',
      description:
        'Send the file as the body with Content-Type text/csv or application/geo+json (or ?format=csv|geojson). ' +
        'CSV columns: number,name,address,district,electoral_district,lat,lng,registered_voters.',
      querystring: Type.Object(
        {
          format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('geojson')])),
          dryRun: Type.Optional(Type.Boolean({ description: 'preview: the good rows with what each would change, and every problem; nothing is written' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Union([ImportReply, ImportPreviewReply]), 400: ImportRejectedReply, 401: errorReplies[401], 403: errorReplies[403], 413: errorReplies[413], 415: errorReplies[415] },
    },
    handler: async (request) => {
      const contentType = request.headers['content-type'] ?? '';
      const format = request.query.format ?? (contentType.includes('csv') ? 'csv' : contentType.includes('json') ? 'geojson' : null);
      if (!format) throw httpError(415, 'send text/csv or application/geo+json, or say ?format=csv|geojson');
      const body = request.body;
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
      if (request.query.dryRun) return app.services.stations.previewFile(request.principal!.missionId, text, format);
      return app.services.stations.importFile(request.principal!.missionId, text, format);
    },
  });
};
export default routes;
