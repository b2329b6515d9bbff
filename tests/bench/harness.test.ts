/**
 * CI proves the benchmark harness works end to end in its quick mode: every section runs against real processes and
 * prints its row. The figures of a quick run mean nothing, so nothing here looks at them.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/config';
import { hasBinary } from '../helpers/processes';
import { IN_CI, postgresAvailable } from '../helpers/services';

const runnable = postgresAvailable && hasBinary('redis-server');
if (!runnable && IN_CI) throw new Error('the bench harness test needs PostgreSQL and redis-server on CI');

describe.runIf(runnable)('npm run bench (quick mode)', () => {
  it('runs ingest, scale-out, catch-up, fan-out, stations and the national day, one row per figure', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/run.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_ONLY: 'ingest,scaleout,catchup,fanout,stations,national' },
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const figures = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| figure'))
      .map((l) => l.split(' | ')[0]!.slice(2));
    const national = 'national day (2,000 stations, 50 teams, 2 instances, Redis Cluster, 20 dashboards)';
    expect(figures).toEqual([
      'durable ingest, 1 event/request, 16 clients, token looked up per request (before)',
      'durable ingest, 1 event/request, 16 clients',
      'durable ingest, 50 events/request, 16 clients',
      'durable ingest, 1 event/request, 50 clients',
      'durable ingest, 1 event/request, 1 mission side by side (16 clients each)',
      'durable ingest, 1 event/request, 2 missions side by side (16 clients each)',
      'durable ingest, 1 event/request, 4 missions side by side (16 clients each)',
      'ingest latency at 500 events/s offered (50 events/request, open loop)',
      'event-loop delay of the ingest process at 500 events/s offered',
      'catch-up: 200 missed events to a reconnecting dashboard (median of 3)',
      'scale-out: 1 event/request, 16 clients, one mission, over Redis',
      'scale-out: 50 events/request, 16 clients, one mission, over Redis',
      'end-to-end POST on B → dashboards on A and B, 20 dashboards',
      'end-to-end POST on B → dashboards on A and B, 20 dashboards, against a bare broadcast of the same frame',
      'end-to-end POST on B → dashboards on A and B, 20 dashboards, against two bare instances over Redis',
      'server memory per connected dashboard (20 connected)',
      '10 clients read 2,000 stations at once: /health p99 while they read (cold cache)',
      '10 clients read 2,000 stations at once: server peak RSS',
      '10 clients read 2,000 stations at once: longest event-loop stall of the server',
      '10 clients read 2,000 stations at once: all answered (one build for all, compressed)',
      '10 clients read 2,000 stations at once again with the ETag they hold',
      `${national}: ingest, 1 event/request, day compressed into 15 s (83 events/s offered)`,
      `${national}: fan-out, POST started → received on a dashboard (1 item in 16 timed)`,
      `${national}: /health p99 on both instances during the day`,
      `${national}: peak RSS of A and B during the day`,
      `${national}: the dashboards open (each reads the station list at once, cold)`,
    ]);
    // The national day's phones had every report stored: the bench plays a day the server accepts.
    expect(run.stdout).toMatch(/1248 of 1248 stored, 0 refused, 0 failed/);
    // Every row carries a figure and its baseline column, none left empty.
    for (const line of run.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| figure'))) {
      expect(line.split(' | ').every((cell) => cell.trim() !== '')).toBe(true);
    }
  }, 660_000);
});
