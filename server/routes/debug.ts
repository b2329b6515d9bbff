/**
 * Only with VIGIL_DEBUG_METRICS=1 (the benchmarks): this process's event-loop delay, measured by Node's own histogram
 * (perf_hooks.monitorEventLoopDelay), since start or since the last reset. Never registered otherwise.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Type } from 'typebox';

const EventLoopDelay = Type.Object({
  samples: Type.Integer(),
  p50Ms: Type.Number(),
  p99Ms: Type.Number(),
  maxMs: Type.Number(),
});

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  app.addHook('onClose', async () => histogram.disable());
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;

  app.get('/debug/event-loop', {
    schema: { hide: true, querystring: Type.Object({ reset: Type.Optional(Type.Boolean()) }), response: { 200: EventLoopDelay } },
    handler: async (request) => {
      const figures = { samples: histogram.count, p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max) };
      if (request.query.reset) histogram.reset();
      return figures;
    },
  });
};
export default routes;
