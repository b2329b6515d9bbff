/** Security headers and the rate limiter (used per route on login and join). */
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';

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
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many attempts: try again in ${context.after}`,
      }),
    });
  },
  { name: 'security' },
);
