/**
 * Bench section `stations` (issue 16, item 1): many readers of a national station list at once. A mission of 200,000
 * stations is imported into a real Vigil process over Postgres; then 200 clients (100 tokens, two reads each: what a
 * token may have in flight) GET /api/stations at the same moment from a separate process, with a cold cache, while
 * this process probes /health every 20 ms and samples the server's RSS. Then the same 200 ask again with the ETag
 * they got. Baseline: /health with the server idle, in the same run.
 */
import { readFileSync } from 'node:fs';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { NATIONAL_MAPPING, nationalList } from '../helpers/national-list';
import type { VigilInstance } from '../helpers/processes';
import type { ReadersLoad, ReadersResult } from './load-readers';
import { round, runLoadProcess, summarize } from './measure';

interface Row {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}

const BISHKEK_BOUNDS: [[number, number], [number, number]] = [
  [74.5, 42.77],
  [74.68, 42.94],
];
const HEALTH_PROBE_MS = 20;

const runReaders = (load: ReadersLoad) => runLoadProcess<ReadersResult>('load-readers.ts', load);

/** Probes /health every 20 ms and samples the server's RSS until stopped. */
function watch(instance: VigilInstance) {
  const health: number[] = [];
  let peakRssMiB = 0;
  let running = true;
  const rss = () => {
    const status = readFileSync(`/proc/${instance.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  };
  const probing = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${instance.url}/health`).then((r) => r.arrayBuffer());
      health.push(performance.now() - started);
      peakRssMiB = Math.max(peakRssMiB, rss());
      await new Promise((r) => setTimeout(r, HEALTH_PROBE_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await probing;
      return { health: summarize(health), peakRssMiB: round(peakRssMiB, 0) };
    },
  };
}

export async function stationsSection(
  instance: VigilInstance,
  credentials: MissionCredentials,
  password: string,
  quick: boolean,
  log: (line: string) => void,
): Promise<Row[]> {
  const stationCount = quick ? 2_000 : 200_000;
  const tokenCount = quick ? 5 : 100;
  const login = async () => {
    const res = await fetch(`${instance.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: credentials.coordinator.username, password }),
    });
    return ((await res.json()) as { token: string }).token;
  };
  const coordinator = await login();
  const csv = nationalList({
    stations: stationCount,
    districts: quick ? 20 : 400,
    bounds: BISHKEK_BOUNDS,
    seed: 3,
  }).csv;
  const imported = await fetch(
    `${instance.url}/api/stations/import?mapping=${encodeURIComponent(JSON.stringify(NATIONAL_MAPPING))}`,
    { method: 'POST', headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' }, body: csv },
  );
  if (imported.status !== 200) throw new Error(`stations bench: import failed with ${imported.status}`);
  const tokens: string[] = [];
  for (let i = 0; i < tokenCount; i++) tokens.push(await login());
  const readers = tokenCount * 2;

  const idle = watch(instance);
  await new Promise((r) => setTimeout(r, quick ? 500 : 5000));
  const idleFigures = await idle.stop();

  await fetch(`${instance.url}/debug/event-loop?reset=true`);
  const cold = watch(instance);
  const first = await runReaders({ url: instance.url, tokens, perToken: 2 });
  const coldFigures = await cold.stop();
  const loop = (await (await fetch(`${instance.url}/debug/event-loop`)).json()) as { maxMs: number; p99Ms: number };
  log(
    `stations: ${readers} cold readers of ${stationCount} stations: ${JSON.stringify(first)}; health ${JSON.stringify(coldFigures)}; loop ${JSON.stringify(loop)}`,
  );

  const again = await runReaders({ url: instance.url, tokens, perToken: 2, etag: first.etag ?? undefined });
  log(`stations: ${readers} readers with the ETag: ${JSON.stringify(again)}`);

  const what = `${readers} clients read ${stationCount.toLocaleString('en')} stations at once`;
  const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
  return [
    {
      figure: `${what}: /health p99 while they read (cold cache)`,
      vigil: `${round(coldFigures.health.p99)} ms (max ${round(coldFigures.health.max)} ms, ${coldFigures.health.n} probes)`,
      baseline: `${round(idleFigures.health.p99)} ms idle`,
      ratio: `${round(coldFigures.health.p99 / Math.max(idleFigures.health.p99, 0.1))}×`,
      target: `< 100 ms: ${coldFigures.health.p99 < 100 ? 'met' : 'NOT met'}`,
    },
    {
      figure: `${what}: server peak RSS`,
      vigil: `${coldFigures.peakRssMiB} MiB`,
      baseline: `${idleFigures.peakRssMiB} MiB idle, list imported`,
      ratio: `${round(coldFigures.peakRssMiB / Math.max(idleFigures.peakRssMiB, 1))}×`,
      target: `< 1024 MiB: ${coldFigures.peakRssMiB < 1024 ? 'met' : 'NOT met'}`,
    },
    {
      figure: `${what}: longest event-loop stall of the server`,
      vigil: `${loop.maxMs} ms (p99 ${loop.p99Ms} ms)`,
      baseline: '—',
      ratio: '—',
      target: `≤ 50 ms: ${loop.maxMs <= 50 ? 'met' : 'NOT met'}`,
    },
    {
      figure: `${what}: all answered (one build for all, compressed)`,
      vigil: `${round(first.elapsedMs, 0)} ms, p99 ${round(first.p99, 0)} ms (${first.ok} × 200, ${first.failures} failed; ${mib(first.bytes / Math.max(first.ok, 1))} MiB each on the wire)`,
      baseline: '—',
      ratio: '—',
      target: '—',
    },
    {
      figure: `${what} again with the ETag they hold`,
      vigil: `${round(again.elapsedMs, 0)} ms, p99 ${round(again.p99, 0)} ms (${again.notModified} × 304)`,
      baseline: `${round(first.elapsedMs, 0)} ms cold`,
      ratio: `${round(again.elapsedMs / Math.max(first.elapsedMs, 1), 3)}×`,
      target: '—',
    },
  ];
}
