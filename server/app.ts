/**
 * The app as a plugin-built Fastify instance: configuration, database, realtime fan-out, services, routes, client.
 * server/main.ts alone listens and handles signals; tests call buildApp directly.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import type { Database } from '../db/client';
import { MAX_BODY_BYTES } from '../shared/constants';
import { FIELD_APP_PAGE, FIELD_APP_PATHS } from '../shared/field-app';
import type { Config } from './config';
import { createBuildIdReader } from './client-build';
import { httpError, registerErrorHandlers } from './errors';
import database from './plugins/external/database';
import security from './plugins/external/security';
import swagger from './plugins/external/swagger';
import { RequestLog } from './plugins/external/request-log';
import auth from './plugins/app/auth';
import largeReads from './plugins/app/large-reads';
import encodedReplies from './plugins/app/encoded-replies';
import compression from './plugins/external/compression';
import displayPolicies from './plugins/app/display-policies';
import services from './plugins/app/services';
import realtime from './realtime/socket-server';
import authRoutes, { sessionRoute } from './routes/api/auth/index';
import displayLinkRoutes from './routes/api/display-links/index';
import eventRoutes from './routes/api/events/index';
import findingRoutes from './routes/api/findings/index';
import formRoutes from './routes/api/forms/index';
import mapRoutes from './routes/api/map/index';
import photoRoutes from './routes/api/photos/index';
import missionRoutes from './routes/api/mission/index';
import conflictRoutes from './routes/api/conflicts/index';
import messageRoutes from './routes/api/messages/index';
import replayRoutes from './routes/api/replay/index';
import ballotRoutes from './routes/api/ballot/index';
import turnoutRoutes from './routes/api/turnout/index';
import protocolRoutes from './routes/api/protocols/index';
import quickCountRoutes from './routes/api/quick-count/index';
import officialResultRoutes from './routes/api/official-results/index';
import resultCheckRoutes from './routes/api/result-checks/index';
import planRoutes from './routes/api/plan/index';
import exportRoutes from './routes/api/exports/index';
import stationRoutes from './routes/api/stations/index';
import summaryRoutes from './routes/api/summary/index';
import coverageRoutes from './routes/api/coverage/index';
import teamRoutes from './routes/api/teams/index';
import versionRoutes from './routes/api/version/index';
import healthRoutes from './routes/health';
import debugRoutes from './routes/debug';
import { routeValidatorCompiler } from './schema-validation';
import './types';

export interface BuildOptions {
  /** A database opened by the caller (tests); the app migrates it but leaves closing it to the caller. */
  database?: Database;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel },
    // Each request is logged once, at a level by status and duration (plugins/external/request-log.ts).
    logController: new RequestLog(),
    bodyLimit: MAX_BODY_BYTES,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Node checks the head and request timeouts only every connectionsCheckingInterval (30 s by default): check often
    // enough that a slow-headers client is cut off close to headersTimeout.
    http: {
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    // Opening the database runs its migrations, which on a large mission or a busy machine take longer than Fastify's
    // default 10 s; a start that really hangs is still reported, after two minutes.
    pluginTimeout: 120_000,
    // Behind the load balancer the client address comes from X-Forwarded-For (rate limits are per address), but only
    // when the load balancer is one we trust (TRUST_PROXY).
    trustProxy: config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Routes are checked by the same TypeBox compiler as events and mission files (schema-validation.ts), not Ajv.
  app.setValidatorCompiler(routeValidatorCompiler);

  app.decorate('config', config);
  app.decorate('clientBuild', createBuildIdReader(config.clientDir));
  registerErrorHandlers(app);
  refuseDeclaredOversizeBodies(app);
  // Station imports arrive as raw CSV or GeoJSON text.
  app.addContentTypeParser(
    ['text/csv', 'text/plain', 'application/geo+json'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  await app.register(database, options.database ? { database: options.database } : {});
  await app.register(security);
  await app.register(compression);
  await app.register(swagger);
  await app.register(displayPolicies);
  await app.register(realtime);
  await app.register(services);
  await app.register(auth);
  await app.register(largeReads);
  await app.register(encodedReplies);

  await app.register(healthRoutes);
  if (config.debugMetrics) await app.register(debugRoutes);
  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth' });
      await api.register(sessionRoute);
      await api.register(stationRoutes, { prefix: '/stations' });
      await api.register(teamRoutes, { prefix: '/teams' });
      await api.register(eventRoutes, { prefix: '/events' });
      await api.register(findingRoutes, { prefix: '/findings' });
      await api.register(summaryRoutes, { prefix: '/summary' });
      await api.register(coverageRoutes, { prefix: '/coverage' });
      await api.register(displayLinkRoutes, { prefix: '/display-links' });
      await api.register(versionRoutes, { prefix: '/version' });
      await api.register(formRoutes, { prefix: '/forms' });
      await api.register(photoRoutes, { prefix: '/photos' });
      await api.register(missionRoutes, { prefix: '/mission' });
      await api.register(conflictRoutes, { prefix: '/conflicts' });
      await api.register(messageRoutes, { prefix: '/messages' });
      await api.register(replayRoutes, { prefix: '/replay' });
      await api.register(ballotRoutes, { prefix: '/ballot' });
      await api.register(turnoutRoutes, { prefix: '/turnout' });
      await api.register(protocolRoutes, { prefix: '/protocols' });
      await api.register(quickCountRoutes, { prefix: '/quick-count' });
      await api.register(officialResultRoutes, { prefix: '/official-results' });
      await api.register(resultCheckRoutes, { prefix: '/result-checks' });
      await api.register(planRoutes, { prefix: '/plan' });
      await api.register(exportRoutes, { prefix: '/exports' });
      await api.register(mapRoutes, { prefix: '/map' });
    },
    { prefix: '/api' },
  );

  await registerClient(app, config);
  return app;
}

/**
 * A body whose declared Content-Length exceeds the route's bodyLimit is answered 413 at once, before authentication and
 * before a byte of it is read. Fastify would say 413 too, but later and with `Connection: close`: the server then shut
 * the socket while the phone was still sending, the phone got a reset instead of the answer, and retried for ever.
 * Here the connection stays open and Node discards the rest of the body (bounded by requestTimeout), so the 413 arrives.
 */
function refuseDeclaredOversizeBodies(app: FastifyInstance) {
  app.addHook('onRequest', async (request) => {
    const declared = request.headers['content-length'];
    if (declared === undefined) return;
    const limit = request.routeOptions.bodyLimit;
    if (limit !== undefined && Number(declared) > limit) {
      throw httpError(413, `the body is ${declared} bytes; this endpoint takes at most ${limit}`, 'BODY_TOO_LARGE');
    }
  });
}

/** Serves the built Svelte client; any non-API path gets index.html so client-side routes (/display) load. */
async function registerClient(app: FastifyInstance, config: Config) {
  const dir = config.clientDir;
  if (!dir || !existsSync(path.join(dir, 'index.html'))) {
    app.log.warn({ dir }, 'client not built: only the API is served (npm run build)');
    return;
  }
  // The build writes compressed copies of its scripts and stylesheets (client/vite-precompress.ts), sent as they are:
  // compressing the bundle per request held the first render.
  await app.register(fastifyStatic, { root: dir, wildcard: false, index: ['index.html'], preCompressed: true });
  // The observer's phone app has its own page (client/field.html): join links and the installed app open it.
  for (const url of FIELD_APP_PATHS) {
    app.get(url, { schema: { hide: true } }, (_request, reply) => reply.sendFile(FIELD_APP_PAGE.slice(1)));
  }
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/socket.io')) {
      return reply
        .status(404)
        .send({ statusCode: 404, error: 'Not Found', message: `no route GET ${request.url.split('?')[0]}` });
    }
    return reply.sendFile('index.html');
  });
}
