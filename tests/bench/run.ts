/**
 * `npm run bench`: Vigil's figures beside baselines measured in the same run on the same machine.
 *   - durable ingest (2xx after commit) on one instance vs `pgbench -c16` single-row inserts (the issue's reference),
 *     with and without the token cache; latency and event-loop delay at a fixed 10,000 events/s offered;
 *   - scale-out: the same load on one instance and spread over two (Redis);
 *   - catch-up: 10,000 missed events delivered to a reconnecting dashboard vs reading them straight from Postgres;
 *   - end-to-end fan-out: POST on instance B → `events` on dashboards connected to A and B through Redis,
 *     vs a bare Socket.IO broadcast to the same number of clients; server memory per connected dashboard;
 *   - the wall display's JS heap, DOM nodes and listeners through a 14-hour day in compressed time (display-soak.ts);
 *   - the coordinator map's first render, long tasks and script time under 100 updates/s with 20,000 and 200,000 stations (map-bench.ts);
 *   - /health p99 with 1,500 slow-headers (slowloris) clients held open vs none (slowloris.ts);
 *   - a phone's time to plan on a 20,000-station mission over an emulated 1.6 Mbit/s, 300 ms link (phone-bench.ts).
 * Load generators are separate processes (load-ingest.ts, load-dashboards.ts, pgbench); the servers are child
 * processes; everything talks to 127.0.0.1 only and stops by itself.
 * BENCH_QUICK=1 shrinks every run so CI can prove the harness works (its figures mean nothing).
 *   - replay of the day: a random past moment of a 100,000-event day from GET /api/replay (replay-bench.ts).
 *   - many readers of a 200,000-station list at once: /health p99, RSS and event-loop stalls (stations-bench.ts).
 *   - a national day: 200,000 stations, 5,000 teams, 2 instances over a Redis Cluster, 500 dashboards (national-day.ts).
 * BENCH_ONLY=ingest,scaleout,catchup,fanout,display,map,slowloris,import,phone,replay,stations,national (any of them, comma-separated) runs those parts.
 * BENCH_INGEST_CASES=nocache,1,50,many,missions,open (any of them, comma-separated; default all) narrows the ingest
 * section to those runs, to iterate on one (say `BENCH_ONLY=ingest BENCH_INGEST_CASES=1,many`); pgbench runs always.
 * --write appends the table to BENCHMARKS.md with machine, date and commit.
 */
import { execSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { io as connectClient } from 'socket.io-client';
import { PROJECT_ROOT } from '../../server/config';
import { HEAD_ANNOUNCE_INTERVAL_MS } from '../../shared/constants';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { BENCH_PASSWORD, seedMission } from './seed';
import { createTestDatabase } from '../helpers/services';
import { freePort, RedisProcess, VigilInstance } from '../helpers/processes';
import { displaySoakSection } from './display-soak';
import type { IngestLoad, IngestLoadResult } from './load-ingest';
import { mapSection } from './map-bench';
import { slowlorisSection } from './slowloris';
import { IMPORT_HEAP_CAP_MIB, importSection } from './import-bench';
import { phoneSection } from './phone-bench';
import { replaySection } from './replay-bench';
import { stationsSection } from './stations-bench';
import { nationalDaySection } from './national-day';
import { closedLoop, round, runLoadProcess, summarize } from './measure';
import { bareBroadcastBaseline, bareTwoInstanceBaseline, holdDashboards, sendSeries } from './dashboards';

const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = new Set(
  (
    process.env.BENCH_ONLY ??
    'ingest,scaleout,catchup,fanout,display,map,slowloris,import,phone,replay,stations,national'
  )
    .split(',')
    .map((s) => s.trim()),
);
const INGEST_CASES = new Set(
  (process.env.BENCH_INGEST_CASES ?? 'nocache,1,50,many,missions,open').split(',').map((s) => s.trim()),
);
const INGEST_SECONDS = QUICK ? 1 : 10;
const INGEST_WORKERS = 16;
/** Clients of the many-phones ingest figure, each with one event per request. */
const MANY_PHONES = QUICK ? 50 : 200;
/** Missions committing side by side in the missions figure; the bench mission plus missions of these seeds. */
const MISSION_COUNTS = [1, 2, 4];
const EXTRA_MISSION_SEEDS = [2026, 2027, 2028];
const OFFERED_RATE = QUICK ? 500 : 10_000;
const CATCH_UP_EVENTS = QUICK ? 200 : 10_000;
const DASHBOARD_COUNTS = QUICK ? [20] : [1000, 5000];
const FANOUT_EVENTS = QUICK ? 5 : 100;
const FANOUT_INTERVAL_MS = QUICK ? 50 : 200;
const PGBENCH = process.env.VIGIL_PGBENCH ?? '/usr/lib/postgresql/15/bin/pgbench';

interface Row {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (n: number) => `${round(n)} ms`;

async function post(base: string, pathName: string, token: string | null, body: unknown) {
  const res = await fetch(`${base}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

function positionEvent(teamId: string) {
  return {
    id: randomUUID(),
    type: 'position',
    teamId,
    occurredAt: new Date().toISOString(),
    position: { lat: 42.87, lng: 74.6 },
  };
}

/**
 * `pgbench -c16 -j2`: durable single-row inserts of a uuid-keyed row with a small jsonb body, what the disk and
 * Postgres allow at all. Without pgbench, the same load from Node (postgres.js, 16 connections).
 */
async function postgresBaseline(url: string): Promise<{ perSecond: number; what: string }> {
  const sql = postgres(url, { max: INGEST_WORKERS, onnotice: () => {} });
  await sql`create table if not exists bench_baseline (id uuid primary key, body jsonb not null)`;
  try {
    if (existsSync(PGBENCH)) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-pgbench-'));
      const script = path.join(dir, 'insert.sql');
      writeFileSync(script, `insert into bench_baseline values (gen_random_uuid(), '{"lat": 42.87, "lng": 74.6}');\n`);
      const u = new URL(url);
      const out = spawnSync(
        PGBENCH,
        [
          '-n',
          '-c16',
          '-j2',
          `-T${INGEST_SECONDS}`,
          '-f',
          script,
          '-h',
          u.hostname,
          '-p',
          u.port || '5432',
          '-U',
          decodeURIComponent(u.username || 'postgres'),
          u.pathname.slice(1),
        ],
        { encoding: 'utf8' },
      );
      rmSync(dir, { recursive: true, force: true });
      const tps = /tps = ([\d.]+)/.exec(out.stdout)?.[1];
      if (tps) return { perSecond: Number(tps), what: 'pgbench -c16 single-row inserts' };
      log(`pgbench failed (${out.stderr.trim()}); falling back to inserts from Node`);
    }
    const { done, elapsedMs } = await closedLoop(INGEST_WORKERS, INGEST_SECONDS * 1000, async () => {
      await sql`insert into bench_baseline values (${randomUUID()}, ${sql.json({ lat: 42.87, lng: 74.6 })})`;
      return 1;
    });
    return { perSecond: (done / elapsedMs) * 1000, what: 'raw inserts from Node, 16 connections' };
  } finally {
    await sql`drop table bench_baseline`;
    await sql.end();
  }
}

/** Runs load-ingest.ts as its own process and returns what it measured. */
async function runIngestLoad(load: IngestLoad): Promise<IngestLoadResult> {
  const result = await runLoadProcess<IngestLoadResult>('load-ingest.ts', load);
  if (result.failures > 0) log(`  ${result.failures} requests failed`);
  return result;
}

async function eventLoopDelay(
  instance: VigilInstance,
  reset: boolean,
): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }> {
  const res = await fetch(`${instance.url}/debug/event-loop${reset ? '?reset=true' : ''}`);
  return (await res.json()) as { p50Ms: number; p99Ms: number; maxMs: number };
}

async function joinAll(instance: VigilInstance, credentials: MissionCredentials) {
  return Promise.all(
    credentials.joinCodes.map(async (j) => {
      const res = await post(instance.url, '/api/auth/join', null, { code: j.code });
      return { token: res.body.token as string, teamId: res.body.teamId as string };
    }),
  );
}

function rssKiB(pid: number): number {
  return Number(execSync(`ps -o rss= -p ${pid}`).toString().trim());
}

async function main() {
  const started = new Date();
  log(`Vigil bench${QUICK ? ' (quick mode: figures are meaningless)' : ''}`);
  const { url, drop } = await createTestDatabase();
  const redis = new RedisProcess(await freePort());
  const instances: VigilInstance[] = [];
  try {
    const { credentials } = await seedMission(url);
    if (ONLY.has('ingest') || ONLY.has('catchup')) await ingestSection(url, credentials, instances);
    if (ONLY.has('scaleout') || ONLY.has('fanout')) await redis.start();
    if (ONLY.has('scaleout')) await scaleOutSection(url, credentials, redis, instances);
    if (ONLY.has('fanout')) await fanoutSection(url, credentials, redis, instances);
    if (ONLY.has('display')) rows.push(...(await displaySoakSection(url, credentials, BENCH_PASSWORD, instances, log)));
    if (ONLY.has('map')) rows.push(...(await mapSection(log)));
    if (ONLY.has('slowloris')) {
      rows.push(
        ...(await slowlorisSection(async () => {
          const instance = await startInstance(url, 'bench-slowloris', null);
          instances.push(instance);
          return instance;
        }, log)),
      );
    }
    if (ONLY.has('import')) {
      // The import server runs with its heap capped below the issue's 300 MiB (see import-bench.ts).
      const instance = await startInstance(url, 'import', null, {
        NODE_OPTIONS: `--max-old-space-size=${IMPORT_HEAP_CAP_MIB}`,
      });
      instances.push(instance);
      rows.push(...(await importSection(instance, credentials, BENCH_PASSWORD, log)));
    }
    if (ONLY.has('phone')) rows.push(...(await phoneSection(log)));
    if (ONLY.has('replay')) rows.push(...(await replaySection(log)));
    if (ONLY.has('stations')) {
      // A database of its own: the import section above adds its stations to the shared mission.
      const own = await createTestDatabase();
      try {
        const { credentials: stationsMission } = await seedMission(own.url, 'stations');
        const instance = await startInstance(own.url, 'stations', null);
        try {
          rows.push(...(await stationsSection(instance, stationsMission, BENCH_PASSWORD, QUICK, log)));
        } finally {
          // A clean exit, so a server profiled with BENCH_SERVER_NODE_ARGS writes its profile.
          await instance.stop('SIGTERM');
        }
      } finally {
        await own.drop();
      }
    }
    if (ONLY.has('national')) {
      rows.push(...(await nationalDaySection((url, name, env) => startInstance(url, name, null, env), QUICK, log)));
    }
  } finally {
    await Promise.all(instances.map((i) => i.stop('SIGKILL')));
    await redis.stop();
    await drop();
  }
  printAndWrite(started);
}

function startInstance(url: string, name: string, redisUrl: string | null, env: Record<string, string> = {}) {
  return (async () => {
    // The production head-announcement interval (the test helper's default is 300 ms, for quick tests): each
    // announcement is one more frame to every socket, which at 5,000 dashboards is not free.
    const instance = new VigilInstance({
      port: await freePort(),
      databaseUrl: url,
      redisUrl,
      name,
      // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": the servers' own Node flags, to profile them.
      nodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
      env: {
        LOG_LEVEL: 'error',
        VIGIL_DEBUG_METRICS: '1',
        HEAD_ANNOUNCE_INTERVAL_MS: String(HEAD_ANNOUNCE_INTERVAL_MS),
        ...env,
      },
    });
    await instance.start();
    return instance;
  })();
}

const perSecond = (n: number) => `${Math.round(n).toLocaleString('en-US')}`;

async function ingestSection(url: string, credentials: MissionCredentials, instances: VigilInstance[]) {
  log('baseline: pgbench -c16 single-row inserts');
  const baseline = await postgresBaseline(url);
  const baselineText = `${perSecond(baseline.perSecond)} rows/s (${baseline.what})`;

  if (ONLY.has('ingest') && INGEST_CASES.has('nocache')) {
    // The same instance without its token cache: what every request paid before it.
    const uncached = await startInstance(url, 'bench-ingest-nocache', null, { AUTH_CACHE_MS: '0' });
    instances.push(uncached);
    log('vigil ingest, 1 event/request, token cache off');
    const before = await runIngestLoad({
      urls: [uncached.url],
      phones: await joinAll(uncached, credentials),
      mode: 'closed',
      seconds: INGEST_SECONDS,
      batch: 1,
      workers: INGEST_WORKERS,
    });
    await uncached.stop();
    rows.push({
      figure: 'durable ingest, 1 event/request, 16 clients, token looked up per request (before)',
      vigil: `${perSecond(before.eventsPerSecond)} events/s (p50 ${ms(before.p50)}, p99 ${ms(before.p99)})`,
      baseline: baselineText,
      ratio: `${round(before.eventsPerSecond / baseline.perSecond, 2)}`,
      target: '≥ 15,000/s and ≥ 0.8× (issue 8)',
    });
  }

  const single = await startInstance(url, 'bench-ingest', null);
  instances.push(single);
  const phones = await joinAll(single, credentials);
  if (ONLY.has('ingest')) {
    for (const batch of [1, 50].filter((b) => INGEST_CASES.has(String(b)))) {
      log(`vigil ingest, ${batch} event(s)/request, closed loop`);
      await eventLoopDelay(single, true);
      const result = await runIngestLoad({
        urls: [single.url],
        phones,
        mode: 'closed',
        seconds: INGEST_SECONDS,
        batch,
        workers: INGEST_WORKERS,
      });
      const loop = await eventLoopDelay(single, false);
      rows.push({
        figure: `durable ingest, ${batch} event${batch > 1 ? 's' : ''}/request, 16 clients`,
        vigil: `${perSecond(result.eventsPerSecond)} events/s (p50 ${ms(result.p50)}, p99 ${ms(result.p99)}; event-loop delay p99 ${ms(loop.p99Ms)})`,
        baseline: baselineText,
        ratio: `${round(result.eventsPerSecond / baseline.perSecond, 2)}`,
        target: batch === 1 ? '≥ 0.3× (issue 16)' : '≥ 0.8× (issue 16)',
      });
    }
  }
  if (ONLY.has('ingest') && INGEST_CASES.has('many')) {
    // Phones are many: each waits for its own answer, so a batch holds at most one event per client.
    log(`vigil ingest, 1 event/request, ${MANY_PHONES} clients, closed loop`);
    const many = await runIngestLoad({
      urls: [single.url],
      phones,
      mode: 'closed',
      seconds: INGEST_SECONDS,
      batch: 1,
      workers: MANY_PHONES,
    });
    rows.push({
      figure: `durable ingest, 1 event/request, ${MANY_PHONES} clients`,
      vigil: `${perSecond(many.eventsPerSecond)} events/s (p50 ${ms(many.p50)}, p99 ${ms(many.p99)})`,
      baseline: baselineText,
      ratio: `${round(many.eventsPerSecond / baseline.perSecond, 2)}`,
      target: '≥ 0.3× (issue 16)',
    });
  }
  if (ONLY.has('ingest') && INGEST_CASES.has('missions')) {
    // Each mission has its own log head, so missions commit side by side: the total should grow with them.
    const missions = [
      credentials,
      ...(await Promise.all(EXTRA_MISSION_SEEDS.map((seed, i) => seedMission(url, `ingest-${i}`, seed)))).map(
        (m) => m.credentials,
      ),
    ];
    const missionPhones = await Promise.all(missions.map((m) => joinAll(single, m)));
    for (const count of MISSION_COUNTS) {
      log(`vigil ingest, 1 event/request, ${count} mission(s) side by side, 16 clients each`);
      const chosen = missionPhones.slice(0, count);
      // Interleaved, so the generator's round robin spreads the clients evenly over the missions.
      const spread = chosen[0]!.flatMap((_, i) => chosen.flatMap((list) => (list[i] ? [list[i]] : [])));
      const side = await runIngestLoad({
        urls: [single.url],
        phones: spread,
        mode: 'closed',
        seconds: INGEST_SECONDS,
        batch: 1,
        workers: INGEST_WORKERS * count,
      });
      rows.push({
        figure: `durable ingest, 1 event/request, ${count} mission${count > 1 ? 's' : ''} side by side (16 clients each)`,
        vigil: `${perSecond(side.eventsPerSecond)} events/s in all (p50 ${ms(side.p50)}, p99 ${ms(side.p99)})`,
        baseline: baselineText,
        ratio: `${round(side.eventsPerSecond / baseline.perSecond, 2)}`,
        target: 'grows with missions (issue 16)',
      });
    }
  }
  if (ONLY.has('ingest') && INGEST_CASES.has('open')) {
    log(`vigil ingest at ${OFFERED_RATE} events/s offered, 50 events/request, open loop`);
    await eventLoopDelay(single, true);
    const open = await runIngestLoad({
      urls: [single.url],
      phones,
      mode: 'open',
      seconds: INGEST_SECONDS,
      batch: 50,
      ratePerSecond: OFFERED_RATE,
      maxInFlight: 256,
    });
    const loop = await eventLoopDelay(single, false);
    rows.push({
      figure: `ingest latency at ${perSecond(OFFERED_RATE)} events/s offered (50 events/request, open loop)`,
      vigil: `${perSecond(open.eventsPerSecond)} events/s stored; p50 ${ms(open.p50)}, p99 ${ms(open.p99)}${open.late > 0 ? `; ${open.late} requests could not start on time` : ''}`,
      baseline: baselineText,
      ratio: `${round(open.eventsPerSecond / OFFERED_RATE, 2)} of offered`,
      target: 'p50/p99 reported (issue 8)',
    });
    rows.push({
      figure: `event-loop delay of the ingest process at ${perSecond(OFFERED_RATE)} events/s offered`,
      vigil: `p50 ${ms(loop.p50Ms)}, p99 ${ms(loop.p99Ms)}, max ${ms(loop.maxMs)}`,
      baseline: '—',
      ratio: '—',
      target: 'reported (issue 8)',
    });
  }

  if (ONLY.has('catchup')) {
    // Make sure the log holds enough to miss.
    for (let have = 0; have < CATCH_UP_EVENTS; have += 500) {
      await post(single.url, '/api/events', phones[0]!.token, {
        events: Array.from({ length: 500 }, () => positionEvent(phones[0]!.teamId)),
      });
    }
    await catchUpSection(url, credentials, single);
  }
  await single.stop();
}

/** A dashboard reconnecting CATCH_UP_EVENTS behind: from connect to the last missed event applied. */
async function catchUpSection(url: string, credentials: MissionCredentials, instance: VigilInstance) {
  const coordinator = (
    await post(instance.url, '/api/auth/login', null, {
      username: credentials.coordinator.username,
      password: BENCH_PASSWORD,
    })
  ).body.token;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [mission] = await sql<
    { last_seq: string }[]
  >`select last_seq from missions where id = ${credentials.missionId}`;
  const head = Number(mission!.last_seq);
  const after = head - CATCH_UP_EVENTS;
  const times: number[] = [];
  const raw: number[] = [];
  for (let run = 0; run < 3; run++) {
    log(`catch-up of ${CATCH_UP_EVENTS} missed events, run ${run + 1}`);
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      let got = 0;
      const socket = connectClient(instance.url, {
        transports: ['websocket'],
        auth: { token: coordinator, after },
        reconnection: false,
        forceNew: true,
      });
      socket.on('commit', ({ events }: { events: { seq: number }[] }) => {
        got += events.length;
        if (got >= CATCH_UP_EVENTS) {
          socket.close();
          resolve();
        }
      });
      socket.once('connect_error', reject);
    });
    times.push(performance.now() - t0);
    const r0 = performance.now();
    await sql`select * from events where mission_id = ${credentials.missionId} and seq > ${after} order by seq limit ${CATCH_UP_EVENTS}`;
    raw.push(performance.now() - r0);
  }
  await sql.end();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  rows.push({
    figure: `catch-up: ${perSecond(CATCH_UP_EVENTS)} missed events to a reconnecting dashboard (median of 3)`,
    vigil: `${ms(median(times))} (max ${ms(Math.max(...times))})`,
    baseline: `reading the same rows from Postgres: ${ms(median(raw))}`,
    ratio: `×${round(median(times) / median(raw), 1)}`,
    target: '≤ 1 s (issue 8)',
  });
}

async function scaleOutSection(
  url: string,
  credentials: MissionCredentials,
  redis: RedisProcess,
  instances: VigilInstance[],
) {
  const [a, b] = await Promise.all([
    startInstance(url, 'bench-scale-A', redis.url),
    startInstance(url, 'bench-scale-B', redis.url),
  ]);
  instances.push(a!, b!);
  const phones = await joinAll(a!, credentials);
  for (const batch of [1, 50]) {
    log(`scale-out, ${batch} event(s)/request: one instance`);
    const one = await runIngestLoad({
      urls: [a!.url],
      phones,
      mode: 'closed',
      seconds: INGEST_SECONDS,
      batch,
      workers: INGEST_WORKERS,
    });
    log(`scale-out, ${batch} event(s)/request: two instances`);
    const two = await runIngestLoad({
      urls: [a!.url, b!.url],
      phones,
      mode: 'closed',
      seconds: INGEST_SECONDS,
      batch,
      workers: INGEST_WORKERS,
    });
    rows.push({
      figure: `scale-out: ${batch} event${batch > 1 ? 's' : ''}/request, 16 clients, one mission, over Redis`,
      vigil: `2 instances: ${perSecond(two.eventsPerSecond)} events/s (p50 ${ms(two.p50)}, p99 ${ms(two.p99)})`,
      baseline: `1 instance: ${perSecond(one.eventsPerSecond)} events/s (p50 ${ms(one.p50)}, p99 ${ms(one.p99)})`,
      ratio: `×${round(two.eventsPerSecond / one.eventsPerSecond, 2)}`,
      target: 'reported (issue 8)',
    });
  }
  await Promise.all([a!.stop(), b!.stop()]);
}

async function fanoutSection(
  url: string,
  credentials: MissionCredentials,
  redis: RedisProcess,
  instances: VigilInstance[],
) {
  const [a, b] = await Promise.all([
    startInstance(url, 'bench-A', redis.url),
    startInstance(url, 'bench-B', redis.url),
  ]);
  instances.push(a!, b!);
  const coordinator = (
    await post(a!.url, '/api/auth/login', null, {
      username: credentials.coordinator.username,
      password: BENCH_PASSWORD,
    })
  ).body.token;
  const phone = (await joinAll(b!, credentials))[0]!;
  for (const count of DASHBOARD_COUNTS) {
    log(`fan-out: POST on B → ${count} dashboards spread over A and B (separate load processes)`);
    const rssBefore = rssKiB(a!.pid!);
    const dashboards = await holdDashboards([a!.url, b!.url], count, { token: coordinator }, log);
    await new Promise((r) => setTimeout(r, 1000));
    const perDashboardKiB = (rssKiB(a!.pid!) - rssBefore) / Math.ceil(count / 2);
    const sentAt = await sendSeries(
      async () => {
        const event = positionEvent(phone.teamId);
        const res = await post(b!.url, '/api/events', phone.token, { events: [event] });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
        return event.id;
      },
      FANOUT_EVENTS,
      FANOUT_INTERVAL_MS,
    );
    const delays = summarize(await dashboards.collect(sentAt));
    const frame = dashboards.sampleFrame();
    await dashboards.close();
    log(`baseline: bare Socket.IO broadcast to ${count} clients`);
    const bare = summarize(await bareBroadcastBaseline(count, FANOUT_EVENTS, FANOUT_INTERVAL_MS, log));
    rows.push({
      figure: `end-to-end POST on B → dashboards on A and B, ${count} dashboards`,
      vigil: `p50 ${ms(delays.p50)}, p99 ${ms(delays.p99)} (${delays.n} deliveries)`,
      baseline: `bare broadcast p50 ${ms(bare.p50)}, p99 ${ms(bare.p99)}`,
      ratio: `p99 ×${round(delays.p99 / bare.p99, 1)}`,
      target: count >= 5000 ? 'p99 ≤ 150 ms (issue 8), ≤ 1.3× bare (issue 16)' : '—',
    });
    if (frame) {
      // The same floor sending the frame Vigil sent: the clients' share of the cost is then the same in both.
      const bytes = Buffer.byteLength(JSON.stringify(frame));
      log(`baseline: bare Socket.IO broadcast of Vigil's own frame (${bytes} bytes) to ${count} clients`);
      const same = summarize(await bareBroadcastBaseline(count, FANOUT_EVENTS, FANOUT_INTERVAL_MS, log, frame));
      rows.push({
        figure: `end-to-end POST on B → dashboards on A and B, ${count} dashboards, against a bare broadcast of the same frame`,
        vigil: `p50 ${ms(delays.p50)}, p99 ${ms(delays.p99)}`,
        baseline: `bare broadcast of a ${bytes}-byte commit frame Vigil sent: p50 ${ms(same.p50)}, p99 ${ms(same.p99)}`,
        ratio: `p99 ×${round(delays.p99 / same.p99, 1)}`,
        target: count >= 5000 ? '≤ 1.3× bare (issue 16)' : '—',
      });
      log(`baseline: two bare Socket.IO processes over the same Redis, Vigil's frame, ${count} clients`);
      const two = summarize(
        await bareTwoInstanceBaseline(count, FANOUT_EVENTS, FANOUT_INTERVAL_MS, log, redis.url, frame),
      );
      rows.push({
        figure: `end-to-end POST on B → dashboards on A and B, ${count} dashboards, against two bare instances over Redis`,
        vigil: `p50 ${ms(delays.p50)}, p99 ${ms(delays.p99)}`,
        baseline: `the same frame emitted on one of two bare Socket.IO processes joined by the Redis adapter: p50 ${ms(two.p50)}, p99 ${ms(two.p99)}`,
        ratio: `p99 ×${round(delays.p99 / two.p99, 1)}`,
        target: count >= 5000 ? '≤ 1.3× bare (issue 16)' : '—',
      });
    }
    rows.push({
      figure: `server memory per connected dashboard (${count} connected)`,
      vigil: `${round(perDashboardKiB)} KiB (RSS growth of instance A)`,
      baseline: '—',
      ratio: '—',
      target: '≤ 25 KiB (issue 8)',
    });
  }
}

function printAndWrite(started: Date) {
  const header = '| figure | Vigil | baseline (same run) | ratio | target |\n|---|---|---|---|---|';
  const table = [
    header,
    ...rows.map((r) => `| ${r.figure} | ${r.vigil} | ${r.baseline} | ${r.ratio} | ${r.target} |`),
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.argv.includes('--write') && !QUICK) {
    const commit = execSync('git rev-parse --short HEAD', { cwd: PROJECT_ROOT }).toString().trim();
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    const file = path.join(PROJECT_ROOT, 'BENCHMARKS.md');
    if (!existsSync(file))
      writeFileSync(
        file,
        '# Benchmarks\n\nProduced by `npm run bench -- --write`. Compare ratios, not absolute times.\n',
      );
    appendFileSync(file, `\n## ${started.toISOString().slice(0, 10)} — commit ${commit}\n${machine}\n\n${table}\n`);
  }
}

await main();
// Client sockets and timers of the load generator would keep the process alive; the run is over.
process.exit(0);
