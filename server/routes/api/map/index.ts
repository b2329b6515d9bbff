import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { Type } from 'typebox';
import { errorReplies } from '../../../../shared/schemas/common';
import { MapConfigReply } from '../../../../shared/schemas/map';
import { httpError } from '../../../errors';
import { GLYPH_FONT, PMTILES_PREFIX } from '../../../modules/map/map.service';

/** The Noto Sans glyph ranges shipped by tileserver-gl-styles, so labels render with no internet. */
const GLYPHS_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve('tileserver-gl-styles/package.json')),
  'fonts',
  GLYPH_FONT,
);

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    onRequest: app.allow('coordinator', 'team', 'display'),
    schema: {
      tags: ['map'],
      summary: 'Basemap settings (offline by default) and approximate district areas drawn around the stations',
      response: { 200: MapConfigReply, ...errorReplies },
    },
    // Every dashboard, wall and phone asks this once as it opens, and hulling a national list's districts takes
    // seconds: the reply is built once per version of the stations' fields, compressed, and served with an ETag.
    handler: async (request, reply) => {
      const missionId = request.principal!.missionId;
      const { map, stations } = app.services;
      return app.encodedReplies.send(request, reply, `map.${missionId}`, {
        version: async () => `${await stations.fieldsVersion(missionId)}.${map.configVersion}`,
        build: async (write) => write(JSON.stringify(await map.mapConfig(missionId))),
      });
    },
  });

  // Glyphs are public font data (MapLibre fetches them without our token). Every font stack gets the one font we ship.
  app.get('/glyphs/:fontstack/:range', {
    schema: {
      tags: ['map'],
      summary: 'Glyph PBF range for map labels (Noto Sans Regular for any font stack)',
      params: Type.Object({
        fontstack: Type.String({ maxLength: 200 }),
        range: Type.String({ pattern: '^[0-9]+-[0-9]+\\.pbf$' }),
      }),
    },
    handler: async (request, reply) => {
      const [start, end] = request.params.range.replace('.pbf', '').split('-').map(Number) as [number, number];
      if (start % 256 !== 0 || end !== start + 255 || end > 65535)
        throw httpError(404, `no glyph range ${request.params.range}`);
      const pbf = await readFile(path.join(GLYPHS_DIR, `${start}-${end}.pbf`));
      return reply
        .header('content-type', 'application/x-protobuf')
        .header('cache-control', 'public, max-age=86400')
        .send(pbf);
    },
  });

  // The optional PMTiles basemap: the browser reads it by HTTP range requests, which @fastify/static answers.
  const pmtiles = app.config.mapPmtiles;
  if (pmtiles !== null) {
    const file = path.basename(pmtiles);
    await app.register(fastifyStatic, {
      root: path.dirname(pmtiles),
      prefix: PMTILES_PREFIX.replace('/api/map', ''),
      decorateReply: false,
      acceptRanges: true,
      allowedPath: (pathName) => decodeURIComponent(pathName) === `/${file}`,
    });
  }
};
export default routes;
