/**
 * Bench section `national` (issue 16, item 5): a national election day on the scale-out topology. A mission of
 * 200,000 stations and 5,000 teams (routes of six stations) on Postgres; two Vigil instances over a 3-master Redis
 * Cluster (`REDIS_CLUSTER_NODES`); 500 coordinator dashboards that first read the station list, then stay connected.
 * The teams' day (load-national-day.ts: arrivals, checklists, findings, departures, positions; one event per request)
 * is compressed into NATIONAL_DAY_SECONDS (600 s by default: a 16-hour day at ×96, the pace of `npm run simulate`).
 * Each figure beside a floor from the same run:
 *   - ingest latency (due → answered) beside `pgbench` single-row inserts at the same rate (`-R`, 16 clients);
 *   - fan-out (POST started → received on a dashboard, for 1 item in 16) beside a bare Socket.IO broadcast to as
 *     many clients;
 *   - /health p99 on both instances beside the same probes before the day; peak RSS beside idle RSS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../../db/client';
import { buildLargeMission } from '../../db/seed/large-mission';
import { setUpMission } from '../../server/modules/missions/mission-setup';
import { createTestDatabase } from '../helpers/services';
import { RedisClusterProcess, type VigilInstance } from '../helpers/processes';
import { bareBroadcastBaseline, holdDashboards } from './dashboards';
import type { ReadersLoad, ReadersResult } from './load-readers';
import type { NationalDayLoad, NationalDayResult } from './load-national-day';
import { percentile, round, runLoadProcess, summarize } from './measure';

interface Row {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}

type StartInstance = (url: string, name: string, env: Record<string, string>) => Promise<VigilInstance>;

const PGBENCH = process.env.VIGIL_PGBENCH ?? '/usr/lib/postgresql/15/bin/pgbench';
const ROUTE_STATIONS = 6;
const HEALTH_PROBE_MS = 50;
const PASSWORD = 'national-day-password';

function sizes(quick: boolean) {
  return quick
    ? { stations: 2_000, teams: 50, dashboards: 20, daySeconds: 15 }
    : {
        stations: Number(process.env.NATIONAL_STATIONS ?? 200_000),
        teams: Number(process.env.NATIONAL_TEAMS ?? 5_000),
        dashboards: Number(process.env.NATIONAL_DASHBOARDS ?? 500),
        daySeconds: Number(process.env.NATIONAL_DAY_SECONDS ?? 600),
      };
}

/** The mission, written straight into Postgres as the set-up CLI does: stations, teams with routes, join codes. */
async function seedNationalMission(url: string, stationCount: number, teamCount: number) {
  const large = buildLargeMission(stationCount);
  if (teamCount * ROUTE_STATIONS > stationCount) throw new Error('national day: too few stations for the routes');
  const teams = Array.from({ length: teamCount }, (_, i) => ({
    callSign: `N-${String(i + 1).padStart(4, '0')}`,
    members: ['Observer A', 'Observer B'],
    phone: null,
    languages: ['en'],
    // Neighbouring codes: each route is six stations drawn around the same real one.
    assignedStationNumbers: large.stations
      .slice(i * ROUTE_STATIONS, (i + 1) * ROUTE_STATIONS)
      .map((station) => station.code ?? station.number),
  }));
  const database = await openDatabase({ driver: 'postgres', url, poolSize: 2 });
  try {
    await database.migrate();
    const credentials = (await setUpMission(database.db, {
      mission: large.mission,
      stations: large.stations,
      teams,
      coordinator: { username: 'national-day', displayName: 'National day', password: PASSWORD },
      displayLabel: 'National wall',
    }))!;
    // Statistics for the planner, as an import of this size refreshes them.
    await database.db.execute(sql`analyze`);
    const assignments = rowsOf<{ team_id: string; route: string[] }>(
      await database.db.execute(
        sql`select team_id, array_agg(station_id order by route_order) as route from team_assignments group by team_id`,
      ),
    );
    const routes = new Map(assignments.map((row) => [row.team_id, row.route]));
    return {
      credentials,
      teams: credentials.joinCodes.map((j) => ({ code: j.code, route: routes.get(j.teamId) ?? [] })),
    };
  } finally {
    await database.close();
  }
}

/** Probes /health on every instance in turn and samples their RSS until stopped. */
function watch(instances: VigilInstance[]) {
  const health: number[] = [];
  const peakRssMiB = instances.map(() => 0);
  let running = true;
  const rss = (pid: number | undefined) =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const probing = (async () => {
    for (let k = 0; running; k++) {
      const instance = instances[k % instances.length]!;
      const started = performance.now();
      await fetch(`${instance.url}/health`).then((r) => r.arrayBuffer());
      health.push(performance.now() - started);
      instances.forEach((i, n) => (peakRssMiB[n] = Math.max(peakRssMiB[n]!, rss(i.pid))));
      await new Promise((r) => setTimeout(r, HEALTH_PROBE_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await probing;
      return { health: summarize(health), peakRssMiB: peakRssMiB.map((m) => round(m, 0)) };
    },
  };
}

/**
 * `pgbench` inserting one row per transaction at `rate` a second from 16 clients: how long a durable single-row write
 * takes on this machine at the day's rate, with everything else the day runs also running (the same run).
 */
function pgbenchAtRate(url: string, rate: number, seconds: number): { p50: number; p99: number } | null {
  if (!existsSync(PGBENCH)) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-pgbench-rate-'));
  try {
    const u = new URL(url);
    const connection = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
    const database = u.pathname.slice(1);
    const psql = (command: string) =>
      spawnSync('psql', [...connection, '-d', database, '-qc', command], { encoding: 'utf8' });
    psql('create table if not exists bench_rate (id uuid primary key, body jsonb not null)');
    const script = path.join(dir, 'insert.sql');
    writeFileSync(script, `insert into bench_rate values (gen_random_uuid(), '{"lat": 42.87, "lng": 74.6}');\n`);
    const out = spawnSync(
      PGBENCH,
      [
        '-n',
        '-c16',
        '-j2',
        `-T${seconds}`,
        `-R${Math.max(1, Math.round(rate))}`,
        '-l',
        '-f',
        script,
        ...connection,
        database,
      ],
      { encoding: 'utf8', cwd: dir },
    );
    psql('drop table bench_rate');
    if (out.status !== 0) return null;
    // pgbench_log.*: "client transaction latency_us script epoch us" per transaction.
    const latencies = readdirSync(dir)
      .filter((f) => f.startsWith('pgbench_log'))
      .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
      .map((line) => Number(line.split(' ')[2]) / 1000)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    return latencies.length === 0 ? null : { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function login(instance: VigilInstance): Promise<string> {
  const res = await fetch(`${instance.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'national-day', password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`national day: login answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export async function nationalDaySection(
  startInstance: StartInstance,
  quick: boolean,
  log: (line: string) => void,
): Promise<Row[]> {
  const size = sizes(quick);
  const own = await createTestDatabase();
  const cluster = await RedisClusterProcess.onFreePorts(3);
  const instances: VigilInstance[] = [];
  try {
    log(`national day: seeding ${size.stations} stations and ${size.teams} teams`);
    const seeded = await seedNationalMission(own.url, size.stations, size.teams);
    await cluster.start();
    instances.push(
      ...(await Promise.all([
        startInstance(own.url, 'national-A', cluster.instanceEnv),
        startInstance(own.url, 'national-B', cluster.instanceEnv),
      ])),
    );
    const urls = instances.map((i) => i.url);

    const idle = watch(instances);
    await new Promise((r) => setTimeout(r, quick ? 1000 : 5000));
    const idleFigures = await idle.stop();

    // The dashboards open: each reads the station list (two reads per token in flight at most), then listens.
    log(`national day: ${size.dashboards} dashboards read the list and connect`);
    const tokens: string[] = [];
    for (let i = 0; i < Math.ceil(size.dashboards / 2); i++) tokens.push(await login(instances[i % 2]!));
    const half = Math.ceil(tokens.length / 2);
    const opened = await Promise.all(
      instances.map((instance, n) =>
        runLoadProcess<ReadersResult>('load-readers.ts', {
          url: instance.url,
          tokens: n === 0 ? tokens.slice(0, half) : tokens.slice(half),
          perToken: 2,
        } satisfies ReadersLoad),
      ),
    );
    const dashboards = await holdDashboards(urls, size.dashboards, { token: tokens[0] }, log, '0');

    for (const instance of instances) await fetch(`${instance.url}/debug/event-loop?reset=true`);
    const during = watch(instances);
    log(`national day: the day, compressed into ${size.daySeconds} s`);
    const day = await runLoadProcess<NationalDayResult>('load-national-day.ts', {
      urls,
      teams: seeded.teams,
      daySeconds: size.daySeconds,
      trackPrefix: '0',
    } satisfies NationalDayLoad);
    await new Promise((r) => setTimeout(r, 2000));
    const dayFigures = await during.stop();
    const loops = await Promise.all(
      instances.map(
        async (i) => (await (await fetch(`${i.url}/debug/event-loop`)).json()) as { maxMs: number; p99Ms: number },
      ),
    );
    const fanout = summarize(await dashboards.collect(day.sentAt));
    await dashboards.close();
    log(`national day: ${JSON.stringify({ ...day, sentAt: Object.keys(day.sentAt).length })}`);
    if (day.refusals.length > 0) log(`national day: refusals: ${day.refusals.join(' | ')}`);

    log('national day: floors (pgbench at the same rate, bare broadcast)');
    const pgbench = pgbenchAtRate(own.url, day.offeredPerSecond, quick ? 3 : 20);
    const bare = summarize(await bareBroadcastBaseline(size.dashboards, quick ? 5 : 100, 200, log));

    const what = `national day (${size.stations.toLocaleString('en')} stations, ${size.teams.toLocaleString('en')} teams, 2 instances, Redis Cluster, ${size.dashboards} dashboards)`;
    const ms = (n: number) => `${round(n)} ms`;
    return [
      {
        figure: `${what}: ingest, 1 event/request, day compressed into ${size.daySeconds} s (${round(day.offeredPerSecond, 0)} events/s offered)`,
        vigil: `p50 ${ms(day.p50)}, p99 ${ms(day.p99)}, max ${ms(day.max)}; ${day.stored} of ${day.events} stored, ${day.refused} refused, ${day.failures} failed, ${day.late} late`,
        baseline: pgbench
          ? `pgbench -c16 at the same rate: p50 ${ms(pgbench.p50)}, p99 ${ms(pgbench.p99)}`
          : 'pgbench unavailable',
        ratio: pgbench ? `p99 ×${round(day.p99 / Math.max(pgbench.p99, 0.1))}` : '—',
        target: 'reported (issue 16)',
      },
      {
        figure: `${what}: fan-out, POST started → received on a dashboard (1 item in 16 timed)`,
        vigil: `p50 ${ms(fanout.p50)}, p99 ${ms(fanout.p99)} (${fanout.n} deliveries)`,
        baseline: `bare broadcast to ${size.dashboards}: p50 ${ms(bare.p50)}, p99 ${ms(bare.p99)}`,
        ratio: `p99 ×${round(fanout.p99 / Math.max(bare.p99, 0.1))}`,
        target: 'reported (issue 16)',
      },
      {
        figure: `${what}: /health p99 on both instances during the day`,
        vigil: `${ms(dayFigures.health.p99)} (max ${ms(dayFigures.health.max)}, ${dayFigures.health.n} probes); longest event-loop stall A ${ms(loops[0]!.maxMs)}, B ${ms(loops[1]!.maxMs)}`,
        baseline: `${ms(idleFigures.health.p99)} before the day`,
        ratio: `×${round(dayFigures.health.p99 / Math.max(idleFigures.health.p99, 0.1))}`,
        target: `< 100 ms: ${dayFigures.health.p99 < 100 ? 'met' : 'NOT met'}`,
      },
      {
        figure: `${what}: peak RSS of A and B during the day`,
        vigil: `${dayFigures.peakRssMiB.join(' and ')} MiB`,
        baseline: `${idleFigures.peakRssMiB.join(' and ')} MiB before the day`,
        ratio: `×${round(Math.max(...dayFigures.peakRssMiB) / Math.max(...idleFigures.peakRssMiB, 1))}`,
        target: `< 1024 MiB: ${Math.max(...dayFigures.peakRssMiB) < 1024 ? 'met' : 'NOT met'}`,
      },
      {
        figure: `${what}: the dashboards open (each reads the station list at once, cold)`,
        vigil: `all answered in ${ms(Math.max(...opened.map((o) => o.elapsedMs)))} (${opened.reduce((n, o) => n + o.ok, 0)} × 200, ${opened.reduce((n, o) => n + o.failures, 0)} failed)`,
        baseline: '—',
        ratio: '—',
        target: 'reported',
      },
    ];
  } finally {
    await Promise.all(instances.map((i) => i.stop('SIGTERM')));
    await cluster.stop();
    await own.drop();
  }
}
