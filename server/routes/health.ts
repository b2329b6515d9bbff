import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Ready = Type.Object({
  ready: Type.Boolean(),
  instance: Type.String(),
  database: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  driver: Type.String(),
  redis: Type.Union([Type.Literal('off'), Type.Literal('ready'), Type.Literal('down')]),
});

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    schema: {
      tags: ['health'],
      security: [],
      summary: 'Liveness: the process answers',
      response: { 200: Type.Object({ ok: Type.Boolean() }) },
    },
    handler: async () => ({ ok: true }),
  });

  // Migrations run before the app listens, so "database up" implies they are applied.
  app.get('/ready', {
    schema: {
      tags: ['health'],
      security: [],
      summary: 'Readiness: database reachable, migrations applied, Redis state',
      response: { 200: Ready, 503: Ready },
    },
    handler: async (_request, reply) => {
      const database = (await app.database.ping()) ? 'up' : 'down';
      const redis = app.realtime.redisState();
      const ready = database === 'up' && redis !== 'down';
      return reply
        .status(ready ? 200 : 503)
        .send({ ready, instance: app.config.instanceName, database, driver: app.database.driver, redis });
    },
  });
};
export default routes;
