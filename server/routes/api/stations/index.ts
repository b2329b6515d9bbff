import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import negotiate from '@fastify/accept-negotiator';
import { Type } from 'typebox';
import { ErrorReply, errorReplies } from '../../../../shared/schemas/common';
import {
  ImportPreviewReply,
  ImportRejectedReply,
  ImportReply,
  Station,
  StationImportQuery,
  StationPositionBody,
  StationSearchQuery,
  StationSearchReply,
  StationSummaryQuery,
  StationSummaryReply,
  StationsQuery,
  StationsReply,
} from '../../../../shared/schemas/stations';
import { MAX_STATION_IMPORT_BYTES } from '../../../../shared/constants';
import { StationDetailReply, StationParams, StationTileBytes, StationTileParams } from '../../../../shared/schemas/map';
import { httpError } from '../../../errors';
import { bodyChunks } from '../../body-chunks';
import type { JsonWriter } from '../../../plugins/app/encoded-replies';

const STATION_FILE_TYPES = ['text/csv', 'text/plain', 'application/geo+json'];

/** The StationsReply JSON, `{"head":…,"stations":[…]}`, written a page of stations (JSON text) at a time. */
async function writeStationsJson(
  write: JsonWriter,
  read: (onHead: (head: number) => Promise<void>, onPage: (stationsJson: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  let separator = '';
  await read(
    (head) => write(`{"head":${JSON.stringify(head)},"stations":[`),
    (stationsJson) => {
      const text = separator + stationsJson;
      separator = ',';
      return write(text);
    },
  );
  await write(']}');
}

const routes: FastifyPluginAsyncTypebox = async (app) => {
  // Station files stream into the import: a national list runs to 25 MB, read record by record rather than held whole
  // (as text and again as parsed records). Only this plugin's routes see the stream.
  app.removeContentTypeParser(STATION_FILE_TYPES);
  app.addContentTypeParser(STATION_FILE_TYPES, (_request, payload, done) => done(null, payload));

  app.get('', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    preHandler: app.largeRead,
    schema: {
      tags: ['stations'],
      summary: "The mission's polling stations with their live status",
      querystring: StationsQuery,
      response: { 200: StationsReply, ...errorReplies },
    },
    handler: async (request, reply) => {
      const missionId = request.principal!.missionId;
      const stations = app.services.stations;
      if (request.query.changedAfter !== undefined) return stations.list(missionId, request.query.changedAfter);
      // The whole list is the same for every reader of the mission: built once per version, compressed, tagged.
      return app.encodedReplies.send(request, reply, `stations.${missionId}`, {
        version: () => stations.listVersion(missionId),
        build: (write) =>
          writeStationsJson(write, (onHead, onPage) => stations.readListInPages(missionId, onHead, onPage)),
      });
    },
  });

  app.get('/summary', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['stations'],
      summary:
        'How many stations the mission has and, for a map drawn from tiles, how many are in each state: the page ' +
        'shows these while the whole list follows',
      querystring: StationSummaryQuery,
      response: { 200: StationSummaryReply, ...errorReplies },
    },
    handler: async (request) => app.services.stationTiles.summary(request.principal!.missionId),
  });

  app.get('/tiles/:z/:x/:y', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    schema: {
      tags: ['stations'],
      summary:
        'Vector tile (Mapbox Vector Tile, layer "stations") of the stations: clusters with their count and worst state, ' +
        'or single stations with id, number, state and badge',
      params: StationTileParams,
      produces: ['application/vnd.mapbox-vector-tile'],
      response: { 200: StationTileBytes, 304: Type.Null(), ...errorReplies },
    },
    handler: async (request, reply) => {
      const { z, x, y } = request.params;
      const side = 2 ** z;
      if (x >= side) throw httpError(400, `x must be below ${side} at zoom ${z}`);
      if (y >= side) throw httpError(400, `y must be below ${side} at zoom ${z}`);
      const tile = await app.services.stationTiles.tile(request.principal!.missionId, z, x, y);
      reply
        .header('etag', tile.etag)
        .header('cache-control', 'private, no-cache')
        .header('vary', 'accept-encoding')
        .header('content-type', 'application/vnd.mapbox-vector-tile');
      if (request.headers['if-none-match'] === tile.etag) return reply.status(304).send(null);
      const gzipped = negotiate(request.headers['accept-encoding'] ?? '', ['gzip', 'identity']) === 'gzip';
      return gzipped ? reply.header('content-encoding', 'gzip').send(tile.gzip) : reply.send(tile.raw);
    },
  });

  app.get('/:stationId/detail', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['stations'],
      summary: "One station's story for the station panel: visits, checklists with answers, findings, recent events",
      params: StationParams,
      response: { 200: StationDetailReply, ...errorReplies },
    },
    handler: async (request) =>
      app.services.stationDetail.detail(request.principal!.missionId, request.params.stationId),
  });

  app.get('/search', {
    onRequest: app.allow('coordinator', 'team'),
    schema: {
      tags: ['stations'],
      summary:
        'Find stations by code, name or address (case, spaces and dashes ignored); nearest first with near=LAT,LNG',
      querystring: StationSearchQuery,
      response: { 200: StationSearchReply, ...errorReplies },
    },
    handler: async (request) =>
      app.services.stations.search(
        request.principal!.missionId,
        request.query.q,
        request.query.limit ?? 20,
        request.query.near,
      ),
  });

  app.get('/plan', {
    onRequest: app.allow('team'),
    schema: {
      tags: ['stations'],
      summary:
        "The calling team's planned stations with their live status: what a phone keeps offline instead of the whole list",
      response: { 200: StationsReply, ...errorReplies },
    },
    handler: async (request) => {
      const principal = request.principal!;
      const { teams } = await app.services.teams.list(principal);
      const ids = teams.find((team) => team.id === principal.teamId)?.assignedStationIds ?? [];
      return app.services.stations.ofPlan(principal.missionId, ids);
    },
  });

  app.put('/:stationId/position', {
    onRequest: app.allow('coordinator'),
    schema: {
      tags: ['stations'],
      summary: 'Place a station on the map (or move it): every coordinator and display hears of it',
      params: StationParams,
      body: StationPositionBody,
      response: { 200: Station, ...errorReplies },
    },
    handler: async (request) =>
      app.services.stations.place(
        request.principal!.missionId,
        request.params.stationId,
        request.body.lat,
        request.body.lng,
      ),
  });

  const importBody = (request: {
    headers: Record<string, string | string[] | undefined>;
    body: unknown;
    query: { format?: 'csv' | 'geojson' };
  }) => {
    const contentType = String(request.headers['content-type'] ?? '');
    const format =
      request.query.format ?? (contentType.includes('csv') ? 'csv' : contentType.includes('json') ? 'geojson' : null);
    if (!format) throw httpError(415, 'send text/csv or application/geo+json, or say ?format=csv|geojson');
    return { format, source: bodyChunks(request.body, MAX_STATION_IMPORT_BYTES) };
  };

  app.post('/import', {
    onRequest: app.allow('coordinator'),
    bodyLimit: MAX_STATION_IMPORT_BYTES,
    schema: {
      tags: ['stations'],
      summary: 'Import or update stations, matched by (district, number), from CSV or GeoJSON; all rows or none',
      description:
        'Send the file as the body with Content-Type text/csv or application/geo+json (or ?format=csv|geojson). ' +
        'CSV columns: number,district (required), code,name,address,region,electoral_district,lat,lng,registered_voters; ' +
        'other headers can be mapped with ?mapping={"number":"Nr",...}. A blank optional cell keeps the stored value ' +
        'unless ?clear=field,... names it. Errors block the import; warnings (implausible positions) and notices do not. ' +
        'A `sample` column (or mapping "sample") of yes/no, 1/0, true/false, x/blank marks the quick count\'s sample: the ' +
        "marked stations become the ballot's sample (409, nothing imported, when that changes it after results protocols " +
        'have arrived).',
      querystring: StationImportQuery,
      response: {
        200: Type.Union([ImportReply, ImportPreviewReply]),
        400: ImportRejectedReply,
        401: errorReplies[401],
        403: errorReplies[403],
        409: ErrorReply,
        413: errorReplies[413],
        415: errorReplies[415],
      },
    },
    handler: async (request) => {
      const { format, source } = importBody(request);
      const options = { format, mapping: request.query.mapping, clear: request.query.clear };
      if (request.query.dryRun) return app.services.stations.previewFile(request.principal!.missionId, source, options);
      return app.services.stationImport.importFile(request.principal!, source, options);
    },
  });

  app.post('/import/problems', {
    onRequest: app.allow('coordinator'),
    bodyLimit: MAX_STATION_IMPORT_BYTES,
    schema: {
      tags: ['stations'],
      summary:
        'Every problem of a station file (errors, warnings, notices) as CSV: the same body and parameters as /import',
      querystring: StationImportQuery,
      response: { 200: Type.String({ description: 'text/csv: row,column,severity,kind,problem' }), ...errorReplies },
    },
    handler: async (request, reply) => {
      const { format, source } = importBody(request);
      const csv = await app.services.stations.problemsCsv(request.principal!.missionId, source, {
        format,
        mapping: request.query.mapping,
        clear: request.query.clear,
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="station-import-problems.csv"')
        .send(csv);
    },
  });
};
export default routes;
