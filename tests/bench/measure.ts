/** Small statistics and timing helpers for the benchmarks. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/config';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(samples: number[]): { n: number; p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** Runs `workers` loops of `task` until `durationMs` has passed; returns completions and per-task latencies (ms). */
export async function closedLoop(
  workers: number,
  durationMs: number,
  task: () => Promise<number>,
): Promise<{ done: number; latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  let done = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        // Await first, then add: `done += await task()` would read `done` before the await and lose other workers' counts.
        const completed = await task();
        done += completed;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { done, latencies, elapsedMs: performance.now() - start };
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** Above this, a load travels in a file: one environment variable holds at most 128 KiB (a national day's routes). */
const MAX_LOAD_IN_ENV = 64 * 1024;

/** What runLoadProcess gave the load generator that calls it. */
export function readLoad<Load>(): Load {
  const file = process.env.BENCH_LOAD_FILE;
  return JSON.parse(file ? readFileSync(file, 'utf8') : (process.env.BENCH_LOAD ?? '{}')) as Load;
}

/**
 * Runs a load generator (a file under tests/bench) as its own process, so its CPU is not the measured server's: it
 * gets `load` as JSON in BENCH_LOAD (or, when large, in the file BENCH_LOAD_FILE names: see readLoad) and prints its
 * result as the last JSON line of its stdout.
 */
export function runLoadProcess<Result>(file: string, load: unknown): Promise<Result> {
  const json = JSON.stringify(load);
  const dir = json.length > MAX_LOAD_IN_ENV ? mkdtempSync(path.join(os.tmpdir(), 'vigil-load-')) : null;
  if (dir) writeFileSync(path.join(dir, 'load.json'), json);
  return new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'tests/bench', file)], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...(dir ? { BENCH_LOAD_FILE: path.join(dir, 'load.json') } : { BENCH_LOAD: json }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line) return reject(new Error(`load generator ${file} exited ${code}`));
      resolve(JSON.parse(line) as Result);
    });
  }).finally(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}
