/** Small statistics and timing helpers for the benchmarks. */
import { spawn } from 'node:child_process';
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

/**
 * Runs a load generator (a file under tests/bench) as its own process, so its CPU is not the measured server's: it
 * gets `load` as JSON in BENCH_LOAD and prints its result as the last JSON line of its stdout.
 */
export function runLoadProcess<Result>(file: string, load: unknown): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'tests/bench', file)], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BENCH_LOAD: JSON.stringify(load) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line) return reject(new Error(`load generator ${file} exited ${code}`));
      resolve(JSON.parse(line) as Result);
    });
  });
}
