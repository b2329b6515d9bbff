/**
 * Only with VIGIL_DEBUG_METRICS=1 (the benchmarks): this process's event-loop delay, measured by Node's own histogram
 * (perf_hooks.monitorEventLoopDelay), and its heap with the peak since the last reset. Never registered otherwise.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { Type } from 'typebox';

const EventLoopDelay = Type.Object({
  samples: Type.Integer(),
  p50Ms: Type.Number(),
  p99Ms: Type.Number(),
  maxMs: Type.Number(),
});

const Memory = Type.Object({ heapUsedMiB: Type.Number(), peakHeapUsedMiB: Type.Number(), rssMiB: Type.Number() });
/** How often the heap is sampled for its peak: a large import's peak lasts much longer than this. */
const HEAP_SAMPLE_INTERVAL_MS = 25;

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const mib = (bytes: number) => Math.round(bytes / 1048576);
  // The heap alone: process.memoryUsage() also reads the RSS from /proc, 1 % of a national day's server CPU at 40/s.
  const heapUsed = () => v8.getHeapStatistics().used_heap_size;
  let peakHeap = heapUsed();
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, heapUsed());
  }, HEAP_SAMPLE_INTERVAL_MS);
  sampler.unref();
  app.addHook('onClose', async () => clearInterval(sampler));

  app.get('/debug/memory', {
    schema: {
      hide: true,
      querystring: Type.Object({ reset: Type.Optional(Type.Boolean()) }),
      response: { 200: Memory },
    },
    handler: async (request) => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      const figures = { heapUsedMiB: mib(now.heapUsed), peakHeapUsedMiB: mib(peakHeap), rssMiB: mib(now.rss) };
      if (request.query.reset) peakHeap = now.heapUsed;
      return figures;
    },
  });

  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  app.addHook('onClose', async () => histogram.disable());
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;

  app.get('/debug/event-loop', {
    schema: {
      hide: true,
      querystring: Type.Object({ reset: Type.Optional(Type.Boolean()) }),
      response: { 200: EventLoopDelay },
    },
    handler: async (request) => {
      const figures = {
        samples: histogram.count,
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
      };
      if (request.query.reset) histogram.reset();
      return figures;
    },
  });
};
export default routes;
