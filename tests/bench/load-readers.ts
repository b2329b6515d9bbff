/**
 * Station-list reader load, run as its own process by stations-bench.ts (so its CPU is not the measured server's):
 * `tokens.length × perToken` clients each GET /api/stations at once, as a browser does (gzip and brotli accepted),
 * optionally with the ETag they already hold. Input: JSON in BENCH_LOAD. Output: one JSON line on stdout.
 */
import http from 'node:http';
import { summarize } from './measure';

export interface ReadersLoad {
  url: string;
  tokens: string[];
  perToken: number;
  etag?: string;
}

export interface ReadersResult {
  ok: number;
  notModified: number;
  failures: number;
  bytes: number;
  elapsedMs: number;
  p50: number;
  p99: number;
  max: number;
  etag: string | null;
}

const load = JSON.parse(process.env.BENCH_LOAD ?? '{}') as ReadersLoad;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

function read(token: string): Promise<{ status: number; bytes: number; ms: number; etag: string | null }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = http.get(
      `${load.url}/api/stations`,
      {
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'accept-encoding': 'br, gzip',
          ...(load.etag ? { 'if-none-match': load.etag } : {}),
        },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ms: performance.now() - started,
            etag: (res.headers.etag as string | undefined) ?? null,
          }),
        );
      },
    );
    request.on('error', () => resolve({ status: 0, bytes: 0, ms: performance.now() - started, etag: null }));
  });
}

const started = performance.now();
const results = await Promise.all(
  load.tokens.flatMap((token) => Array.from({ length: load.perToken }, () => read(token))),
);
const latency = summarize(results.map((r) => r.ms));
const result: ReadersResult = {
  ok: results.filter((r) => r.status === 200).length,
  notModified: results.filter((r) => r.status === 304).length,
  failures: results.filter((r) => r.status !== 200 && r.status !== 304).length,
  bytes: results.reduce((sum, r) => sum + r.bytes, 0),
  elapsedMs: performance.now() - started,
  p50: latency.p50,
  p99: latency.p99,
  max: latency.max,
  etag: results.find((r) => r.etag)?.etag ?? null,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
