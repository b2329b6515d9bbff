/**
 * `npm run bench`: Vigil's figures beside baselines measured in the same run on the same machine.
 *   - durable ingest (2xx after commit) on one instance, Postgres and embedded PGlite, vs raw Postgres inserts
 *     from 16 connections (the pgbench -c16 analogue);
 *   - end-to-end fan-out: POST on instance B → `events` on dashboards connected to A and B through Redis,
 *     vs a bare Socket.IO broadcast to the same number of clients;
 *   - server memory per connected dashboard;
 *   - the wall display's JS heap, DOM nodes and listeners through a 14-hour day in compressed time (display-soak.ts);
 *   - the coordinator map's first render and long tasks under 100 updates/s with 10,000 and 100,000 stations (map-bench.ts).
 * Load comes from this process; the servers are child processes; everything talks to 127.0.0.1 only and stops by itself.
 * BENCH_QUICK=1 shrinks every run so CI can prove the harness works (its figures mean nothing).
 * --write appends the table to BENCHMARKS.md with machine, date and commit.
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { openDatabase } from '../../db/client';
import { buildDemoMission } from '../../db/seed/demo-mission';
import { PROJECT_ROOT } from '../../server/config';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';
import { createTestDatabase } from '../helpers/services';
import { freePort, RedisProcess, VigilInstance } from '../helpers/processes';
import { displaySoakSection } from './display-soak';
import { mapSection } from './map-bench';
import { closedLoop, round, summarize } from './measure';

const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=ingest, fanout, display or map runs one part. */
const ONLY = process.env.BENCH_ONLY ?? 'all';
const INGEST_SECONDS = QUICK ? 1 : 10;
const INGEST_WORKERS = 16;
const DASHBOARD_COUNTS = QUICK ? [20] : [1000, 5000];
const FANOUT_EVENTS = QUICK ? 5 : 100;
const FANOUT_INTERVAL_MS = QUICK ? 50 : 200;

interface Row {
  figure: string;
  vigil: string;
  baseline: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);

async function seedMission(url: string): Promise<{ credentials: MissionCredentials }> {
  const demo = buildDemoMission();
  const database = await openDatabase({ driver: 'postgres', url, poolSize: 2 });
  await database.migrate();
  const credentials = (await setUpMission(database.db, {
    mission: demo.mission,
    stations: demo.stations,
    teams: demo.teams,
    coordinator: { username: `bench-${randomUUID().slice(0, 8)}`, displayName: 'Bench', password: 'bench-password' },
    displayLabel: 'Bench wall',
  }))!;
  await database.close();
  return { credentials };
}

async function post(base: string, pathName: string, token: string | null, body: unknown) {
  const res = await fetch(`${base}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

function positionEvent(teamId: string) {
  return { id: randomUUID(), type: 'position', teamId, occurredAt: new Date().toISOString(), position: { lat: 42.87, lng: 74.6 } };
}

/** Raw durable single-row inserts from 16 connections: what the disk and Postgres allow at all. */
async function postgresBaseline(url: string): Promise<number> {
  const sql = postgres(url, { max: INGEST_WORKERS, onnotice: () => {} });
  await sql`create table if not exists bench_baseline (id uuid primary key, body jsonb not null)`;
  const { done, elapsedMs } = await closedLoop(INGEST_WORKERS, INGEST_SECONDS * 1000, async () => {
    await sql`insert into bench_baseline values (${randomUUID()}, ${sql.json({ lat: 42.87, lng: 74.6 })})`;
    return 1;
  });
  await sql`drop table bench_baseline`;
  await sql.end();
  return (done / elapsedMs) * 1000;
}

async function vigilIngest(instance: VigilInstance, tokens: { token: string; teamId: string }[], batch: number) {
  let next = 0;
  const result = await closedLoop(INGEST_WORKERS, INGEST_SECONDS * 1000, async () => {
    const phone = tokens[next++ % tokens.length]!;
    const events = Array.from({ length: batch }, () => positionEvent(phone.teamId));
    const res = await post(instance.url, '/api/events', phone.token, { events });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.results.filter((r: { status: string }) => r.status === 'stored').length;
  });
  return { perSecond: (result.done / result.elapsedMs) * 1000, latency: summarize(result.latencies) };
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

async function connectMany(urls: string[], count: number, auth: Record<string, unknown>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const BATCH = 200;
  for (let i = 0; i < count; i += BATCH) {
    const wave = Array.from({ length: Math.min(BATCH, count - i) }, (_, k) => {
      const socket = connectClient(urls[(i + k) % urls.length]!, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    });
    await Promise.all(wave);
  }
  return sockets;
}

/** Send → receipt delay of `events` frames over `sockets`; `send(i)` sends item i, `keyOf` finds i in a received item. */
async function measureDelivery(
  sockets: Socket[],
  keyOf: (item: Record<string, unknown>) => number | undefined,
  send: (i: number) => Promise<void>,
): Promise<number[]> {
  const sentAt = new Map<number, number>();
  const delays: number[] = [];
  for (const socket of sockets) {
    socket.on('events', (items: Record<string, unknown>[]) => {
      const now = performance.now();
      for (const item of items) {
        const t0 = sentAt.get(keyOf(item) ?? -1);
        if (t0 !== undefined) delays.push(now - t0);
      }
    });
  }
  for (let i = 0; i < FANOUT_EVENTS; i++) {
    sentAt.set(i, performance.now());
    await send(i);
    await new Promise((r) => setTimeout(r, FANOUT_INTERVAL_MS));
  }
  const expected = FANOUT_EVENTS * sockets.length;
  const deadline = Date.now() + 10_000;
  while (delays.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const socket of sockets) socket.off('events');
  if (delays.length < expected) log(`  ${expected - delays.length} deliveries missing after 10 s`);
  return delays;
}

/** A bare Socket.IO server broadcasting to the same number of clients: the floor for fan-out latency. */
async function bareBroadcastBaseline(count: number): Promise<number[]> {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'] });
  server.on('connection', (s) => void s.join('room'));
  const port = await freePort();
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', r));
  const sockets = await connectMany([`http://127.0.0.1:${port}`], count, {});
  const delays = await measureDelivery(sockets, (item) => item.i as number, async (i) => {
    server.to('room').emit('events', [{ i }]);
  });
  for (const s of sockets) s.close();
  server.close();
  return delays;
}

async function main() {
  const started = new Date();
  log(`Vigil bench${QUICK ? ' (quick mode: figures are meaningless)' : ''}`);
  const { url, drop } = await createTestDatabase();
  const redis = new RedisProcess(await freePort());
  const instances: VigilInstance[] = [];
  try {
    const { credentials } = await seedMission(url);
    if (ONLY === 'all' || ONLY === 'ingest') await ingestSection(url, credentials, instances);
    if (ONLY === 'all' || ONLY === 'fanout') await fanoutSection(url, credentials, redis, instances);
    if (ONLY === 'all' || ONLY === 'display') rows.push(...(await displaySoakSection(url, credentials, 'bench-password', instances, log)));
    if (ONLY === 'all' || ONLY === 'map') rows.push(...(await mapSection(log)));
  } finally {
    await Promise.all(instances.map((i) => i.stop('SIGKILL')));
    await redis.stop();
    await drop();
  }
  printAndWrite(started);
}

async function ingestSection(url: string, credentials: MissionCredentials, instances: VigilInstance[]) {
  {
    log('baseline: raw Postgres inserts from 16 connections');
    const baseline = await postgresBaseline(url);
    const single = new VigilInstance({ port: await freePort(), databaseUrl: url, redisUrl: null, name: 'bench-ingest', env: { LOG_LEVEL: 'error' } });
    instances.push(single);
    await single.start();
    const phones = await joinAll(single, credentials);
    for (const batch of [1, 50]) {
      log(`vigil ingest, batch ${batch}`);
      const result = await vigilIngest(single, phones, batch);
      rows.push({
        figure: `durable ingest, Postgres, ${batch} event(s)/request, 16 clients`,
        vigil: `${Math.round(result.perSecond)} events/s (p50 ${round(result.latency.p50)} ms, p99 ${round(result.latency.p99)} ms)`,
        baseline: `${Math.round(baseline)} rows/s raw inserts`,
        ratio: round(result.perSecond / baseline, 2).toString(),
        target: '≥ 15,000/s (issue 8)',
      });
    }
    await single.stop();
  }
}

async function fanoutSection(url: string, credentials: MissionCredentials, redis: RedisProcess, instances: VigilInstance[]) {
  {
    await redis.start();
    const a = new VigilInstance({ port: await freePort(), databaseUrl: url, redisUrl: redis.url, name: 'bench-A', env: { LOG_LEVEL: 'error' } });
    const b = new VigilInstance({ port: await freePort(), databaseUrl: url, redisUrl: redis.url, name: 'bench-B', env: { LOG_LEVEL: 'error' } });
    instances.push(a, b);
    await Promise.all([a.start(), b.start()]);
    const coordinator = (await post(a.url, '/api/auth/login', null, { username: credentials.coordinator.username, password: 'bench-password' })).body.token;
    const phone = (await joinAll(b, credentials))[0]!;
    for (const count of DASHBOARD_COUNTS) {
      log(`fan-out: POST on B → ${count} dashboards spread over A and B`);
      const rssBefore = rssKiB(a.pid!);
      const sockets = await connectMany([a.url, b.url], count, { token: coordinator });
      await new Promise((r) => setTimeout(r, 1000));
      const perDashboardKiB = (rssKiB(a.pid!) - rssBefore) / Math.ceil(count / 2);
      const sendIndex = new Map<string, number>();
      const delays = summarize(
        await measureDelivery(sockets, (item) => sendIndex.get(item.id as string), async (i) => {
          const event = positionEvent(phone.teamId);
          sendIndex.set(event.id, i);
          const res = await post(b.url, '/api/events', phone.token, { events: [event] });
          if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
        }),
      );
      for (const s of sockets) s.close();
      log(`baseline: bare Socket.IO broadcast to ${count} clients`);
      const bare = summarize(await bareBroadcastBaseline(count));
      rows.push({
        figure: `end-to-end POST on B → dashboards on A and B, ${count} dashboards`,
        vigil: `p50 ${round(delays.p50)} ms, p99 ${round(delays.p99)} ms (${delays.n} deliveries)`,
        baseline: `bare broadcast p50 ${round(bare.p50)} ms, p99 ${round(bare.p99)} ms`,
        ratio: `p99 ×${round(delays.p99 / bare.p99, 1)}`,
        target: count >= 5000 ? 'p99 ≤ 150 ms (issue 8)' : '—',
      });
      rows.push({
        figure: `server memory per connected dashboard (${count} connected)`,
        vigil: `${round(perDashboardKiB)} KiB (RSS growth of instance A)`,
        baseline: '—',
        ratio: '—',
        target: '≤ 25 KiB (issue 8)',
      });
    }
  }
}

function printAndWrite(started: Date) {
  const header = '| figure | Vigil | baseline (same run) | ratio | target |\n|---|---|---|---|---|';
  const table = [header, ...rows.map((r) => `| ${r.figure} | ${r.vigil} | ${r.baseline} | ${r.ratio} | ${r.target} |`)].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.argv.includes('--write') && !QUICK) {
    const commit = execSync('git rev-parse --short HEAD', { cwd: PROJECT_ROOT }).toString().trim();
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    const file = path.join(PROJECT_ROOT, 'BENCHMARKS.md');
    if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n\nProduced by `npm run bench -- --write`. Compare ratios, not absolute times.\n');
    appendFileSync(file, `\n## ${started.toISOString().slice(0, 10)} — commit ${commit}\n${machine}\n\n${table}\n`);
  }
}

await main();
// Client sockets and timers of the load generator would keep the process alive; the run is over.
process.exit(0);
