/**
 * Security headers and the rate limiter (used per route on login and join). With REDIS_URL the limiter counts in
 * Redis, so its limits hold across all instances (shared-rate-limit-store.ts).
 */
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { createClient, type RedisClientType } from 'redis';
import { sharedRateLimitStore } from './shared-rate-limit-store';

/** Reconnect to Redis forever, backing off to at most this long; until then each instance counts by itself. */
const REDIS_MAX_RECONNECT_DELAY_MS = 2000;

function sharedStore(app: FastifyInstance, url: string) {
  const client = createClient({
    url,
    // A command while Redis is away fails at once (and is counted locally) instead of waiting in a queue.
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, REDIS_MAX_RECONNECT_DELAY_MS) },
  }) as RedisClientType;
  client.on('error', (err: Error) => app.log.warn({ err: err.message, client: 'rate-limit' }, 'redis error'));
  // Not awaited: the limiter counts locally until Redis answers, and a start must not wait for Redis.
  client.connect().catch((err: Error) => app.log.warn({ err: err.message }, 'rate limiter: redis not reachable yet'));
  app.addHook('onClose', async () => {
    // With Redis away a polite close would wait for it to come back: drop the connection instead.
    if (client.isReady) await client.close().catch(() => client.destroy());
    else if (client.isOpen) client.destroy();
  });
  return sharedRateLimitStore({
    client,
    namespace: 'vigil:rate-limit:',
    onFallback: (err) => app.log.warn({ err }, 'rate limiter: redis failed; counted on this instance'),
  });
}

export default fp(
  async (app) => {
    await app.register(helmet, {
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
          scriptSrc: ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    });
    await app.register(rateLimit, {
      global: false,
      ...(app.config.redisUrl ? { store: sharedStore(app, app.config.redisUrl) } : {}),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many attempts: try again in ${context.after}`,
      }),
    });
  },
  { name: 'security' },
);
