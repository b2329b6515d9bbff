/**
 * Ingest load generator, run as its own process by run.ts (so its CPU is not the measured server's): POSTs position
 * events to Vigil instances on 127.0.0.1, spread over the phones' tokens and the given instances, for a bounded time.
 *   - closed loop: `workers` clients each send, wait for the answer, send again (throughput);
 *   - open loop: requests start on a fixed schedule for `ratePerSecond` events/s whatever the answers do, and each
 *     latency counts from when its request was due (no coordinated omission); at most `maxInFlight` outstanding.
 * Input: JSON in BENCH_LOAD. Output: one JSON line on stdout.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { summarize } from './measure';

export interface IngestLoad {
  urls: string[];
  phones: { token: string; teamId: string }[];
  mode: 'closed' | 'open';
  seconds: number;
  batch: number;
  workers?: number;
  ratePerSecond?: number;
  maxInFlight?: number;
}

export interface IngestLoadResult {
  stored: number;
  requests: number;
  failures: number;
  elapsedMs: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Open loop: requests that could not start on time because maxInFlight were outstanding. */
  late: number;
}

const load = JSON.parse(process.env.BENCH_LOAD ?? '{}') as IngestLoad;
// Keep-alive connections, as phones behind a load balancer would reuse theirs.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let next = 0;

function post(url: string, token: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/events`, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function send(): Promise<number> {
  const i = next++;
  const phone = load.phones[i % load.phones.length]!;
  const url = load.urls[i % load.urls.length]!;
  const occurredAt = new Date().toISOString();
  const events = Array.from({ length: load.batch }, () => ({
    id: randomUUID(),
    type: 'position',
    teamId: phone.teamId,
    occurredAt,
    position: { lat: 42.87, lng: 74.6 },
  }));
  const res = await post(url, phone.token, JSON.stringify({ events }));
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
  return (JSON.parse(res.body) as { results: { status: string }[] }).results.filter((r) => r.status === 'stored')
    .length;
}

async function closedLoop(): Promise<IngestLoadResult> {
  const latencies: number[] = [];
  let stored = 0;
  let failures = 0;
  const start = performance.now();
  const deadline = start + load.seconds * 1000;
  await Promise.all(
    Array.from({ length: load.workers ?? 16 }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          const n = await send();
          stored += n;
        } catch {
          failures++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  return {
    stored,
    requests: latencies.length,
    failures,
    elapsedMs,
    eventsPerSecond: (stored / elapsedMs) * 1000,
    late: 0,
    ...summarize(latencies),
  };
}

async function openLoop(): Promise<IngestLoadResult> {
  const latencies: number[] = [];
  let stored = 0;
  let failures = 0;
  let late = 0;
  let inFlight = 0;
  const intervalMs = (load.batch / load.ratePerSecond!) * 1000;
  const total = Math.floor((load.seconds * 1000) / intervalMs);
  const start = performance.now();
  const outstanding: Promise<void>[] = [];
  for (let k = 0; k < total; k++) {
    const due = start + k * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= (load.maxInFlight ?? 256)) {
      late++;
      continue;
    }
    inFlight++;
    outstanding.push(
      send()
        .then(
          (n) => {
            stored += n;
            latencies.push(performance.now() - due);
          },
          () => void failures++,
        )
        .finally(() => void inFlight--),
    );
  }
  await Promise.all(outstanding);
  const elapsedMs = performance.now() - start;
  return {
    stored,
    requests: latencies.length,
    failures,
    elapsedMs,
    eventsPerSecond: (stored / elapsedMs) * 1000,
    late,
    ...summarize(latencies),
  };
}

const result = load.mode === 'open' ? await openLoop() : await closedLoop();
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
process.exit(0);
