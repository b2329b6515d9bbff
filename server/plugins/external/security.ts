/**
 * Security headers and the counters the login and join guards count failures with (modules/auth/attempt-guard.ts).
 * With REDIS_URL (or REDIS_CLUSTER_NODES) they count in Redis, so their limits hold across all instances (shared-rate-limit-store.ts).
 */
import fp from 'fastify-plugin';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { closeRedisConnection, createRedisConnection, redisTarget, type RedisTarget } from './redis-connection';
import { windowCounters, type WindowCounters } from './shared-rate-limit-store';
import { createInlineScriptSources } from '../../client-build';

/** Stands in the worked-out CSP for the hashes of index.html's inline scripts, put in per reply (they may change). */
const INLINE_SCRIPTS_MARK = "'vigil-inline-scripts'";

declare module 'fastify' {
  interface FastifyInstance {
    failureCounters: WindowCounters;
  }
}

function sharedCounters(app: FastifyInstance, target: RedisTarget): WindowCounters {
  // A command while Redis is away fails at once (and is counted locally) instead of waiting in a queue.
  const client = createRedisConnection(target, { failFastWhenDown: true });
  client.on('error', (err: Error) => app.log.warn({ err: err.message, client: 'rate-limit' }, 'redis error'));
  // Not awaited: the limiter counts locally until Redis answers, and a start must not wait for Redis.
  client.connect().catch((err: Error) => app.log.warn({ err: err.message }, 'rate limiter: redis not reachable yet'));
  app.addHook('onClose', async () => closeRedisConnection(client));
  return windowCounters({
    client,
    namespace: 'vigil:rate-limit:',
    onFallback: (err) => app.log.warn({ err }, 'rate limiter: redis failed; counted on this instance'),
  });
}

/**
 * The headers helmet sets with `options`, worked out once by asking a throwaway instance: they are the same on every
 * reply. @fastify/helmet builds a new helmet middleware for every request, parsing the CSP directives again each
 * time: a tenth of the CPU of a one-event ingest request.
 */
async function helmetHeaders(options: FastifyHelmetOptions): Promise<[string, string][]> {
  const answer = async (probe: FastifyInstance) => {
    probe.get('/', async () => '');
    const res = await probe.inject('/');
    await probe.close();
    return res.headers;
  };
  const bare = await answer(Fastify());
  const withHelmet = Fastify();
  await withHelmet.register(helmet, options);
  const helmeted = await answer(withHelmet);
  return Object.entries(helmeted).flatMap(([name, value]) =>
    name in bare || value === undefined ? [] : [[name, String(value)] as [string, string]],
  );
}

export default fp(
  async (app) => {
    const https = new URL(app.config.publicUrl).protocol === 'https:';
    const inlineScripts = createInlineScriptSources(app.config.clientDir);
    const headers = await helmetHeaders({
      // Only behind TLS (PUBLIC_URL https:): over plain HTTP these would send browsers to an https: address that
      // nothing answers, and the app would load blank (finding 3 of the hardening review).
      strictTransportSecurity: https ? { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false } : false,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // MapLibre builds its tile workers from blob: URLs and draws images from data:/blob:.
          workerSrc: ["'self'", 'blob:'],
          childSrc: ["'self'", 'blob:'],
          imgSrc: ["'self'", 'data:', 'blob:'],
          // Optional online basemaps (MAP_STYLE_URL) are fetched by the browser.
          connectSrc: ["'self'", 'ws:', 'wss:', 'https:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          // Inline, only index.html's own scripts, by their hashes (the early reads: client/src/early-reads.js).
          scriptSrc: ["'self'", INLINE_SCRIPTS_MARK],
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
    });
    // The headers with the inline scripts' hashes put in, worked out again only when those change (a rebuilt client).
    let hashed: { sources: string[]; headers: [string, string][] } | null = null;
    app.addHook('onRequest', (_request, reply, done) => {
      const sources = inlineScripts();
      if (hashed?.sources !== sources) {
        const put = (value: string) => value.replace(` ${INLINE_SCRIPTS_MARK}`, sources.map((s) => ` ${s}`).join(''));
        hashed = { sources, headers: headers.map(([name, value]) => [name, put(value)]) };
      }
      for (const [name, value] of hashed.headers) reply.raw.setHeader(name, value);
      done();
    });
    const target = redisTarget(app.config);
    app.decorate(
      'failureCounters',
      target
        ? sharedCounters(app, target)
        : windowCounters({ client: null, namespace: 'vigil:rate-limit:', onFallback: () => undefined }),
    );
  },
  { name: 'security' },
);
