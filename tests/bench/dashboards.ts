/**
 * Dashboards for the fan-out figures, shared by the `fanout` and `national` sections: Socket.IO clients held by
 * load-dashboards.ts processes (so their CPU is not the measured server's), and the floor they are compared with, a
 * bare Socket.IO broadcast to the same number of clients in the same run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import path from 'node:path';
import { Server } from 'socket.io';
import { PROJECT_ROOT } from '../../server/config';
import { freePort } from '../helpers/processes';

/** Processes the dashboards are spread over: one per core of the machine the figures are written for. */
const DASHBOARD_PROCESSES = 2;

/** A `commit` frame as the dashboards receive it: the timed item is the first event's id. */
export interface CommitFrame {
  events: { id: string }[];
  [field: string]: unknown;
}

export const wallClock = () => performance.timeOrigin + performance.now();

export interface HeldDashboards {
  /** Send → receipt delays of every delivery of the items sent (id → wall-clock ms). */
  collect(sentAt: Record<string, number>): Promise<number[]>;
  /** A `commit` frame the dashboards received (after `collect`), for a floor that sends the same bytes. */
  sampleFrame(): CommitFrame | null;
  close(): Promise<void>;
}

/**
 * `count` dashboards spread over `urls`. `trackPrefix`: only items whose id starts with it are timed (a national day
 * sends too many for every receipt of every item to be kept).
 */
export async function holdDashboards(
  urls: string[],
  count: number,
  auth: Record<string, unknown>,
  log: (line: string) => void,
  trackPrefix = '',
): Promise<HeldDashboards> {
  const children = Array.from({ length: DASHBOARD_PROCESSES }, (_, i) => {
    const share = Math.floor(count / DASHBOARD_PROCESSES) + (i < count % DASHBOARD_PROCESSES ? 1 : 0);
    return fork(path.join(PROJECT_ROOT, 'tests/bench/load-dashboards.ts'), [], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_DASHBOARDS: JSON.stringify({ urls, count: share, auth, trackPrefix }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  });
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          c.once('message', () => resolve());
          c.once('exit', (code) => reject(new Error(`dashboard load generator exited ${code}`)));
        }),
    ),
  );
  let sample: CommitFrame | null = null;
  return {
    async collect(sentAt) {
      const answers = await Promise.all(
        children.map(
          (c) =>
            new Promise<{ delays: number[]; missing: number; frame: CommitFrame | null }>((resolve) => {
              c.once('message', (m) => resolve(m as { delays: number[]; missing: number; frame: CommitFrame | null }));
              c.send({ type: 'collect', sentAt });
            }),
        ),
      );
      const missing = answers.reduce((n, a) => n + a.missing, 0);
      if (missing > 0) log(`  ${missing} deliveries missing`);
      sample = answers.find((a) => a.frame !== null)?.frame ?? sample;
      return answers.flatMap((a) => a.delays);
    },
    sampleFrame: () => sample,
    async close() {
      await Promise.all(children.map(closeChild));
    },
  };
}

/** Asks a forked load process to close, and waits for it to exit. */
function closeChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.send({ type: 'close' });
  });
}

/** Sends `count` items `intervalMs` apart and returns when each was sent (wall-clock ms), by id. */
export async function sendSeries(
  send: () => Promise<string>,
  count: number,
  intervalMs: number,
): Promise<Record<string, number>> {
  const sentAt: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const t0 = wallClock();
    sentAt[await send()] = t0;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  // Let the last deliveries land.
  await new Promise((r) => setTimeout(r, 2000));
  return sentAt;
}

/** The smallest frame the dashboards read alike: one event with only its id, no rows. */
const MINIMAL_FRAME: CommitFrame = { events: [{ id: '' }], status: { stations: [], teams: [] } };

/**
 * A bare Socket.IO server broadcasting to the same number of clients: the floor for fan-out latency. `frame`: what to
 * send (each send gets a fresh id in its first event); by default the minimal frame. Sent a frame Vigil sent, the
 * floor costs the clients what Vigil's frames cost them (parsing a whole event and its rows), so what is left between
 * the two is Vigil's own path: the request, the commit, the Redis hop and the instances' emits.
 */
export async function bareBroadcastBaseline(
  count: number,
  events: number,
  intervalMs: number,
  log: (line: string) => void,
  frame: CommitFrame = MINIMAL_FRAME,
): Promise<number[]> {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'] });
  server.on('connection', (s) => void s.join('room'));
  const port = await freePort();
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', r));
  const dashboards = await holdDashboards([`http://127.0.0.1:${port}`], count, {}, log);
  const sentAt = await sendSeries(
    async () => {
      const id = randomUUID();
      // One frame per send, shaped as Vigil's, so the load generator reads both alike.
      const [first, ...rest] = frame.events;
      server.to('room').emit('commit' as never, { ...frame, events: [{ ...first, id }, ...rest] } as never);
      return id;
    },
    events,
    intervalMs,
  );
  const delays = await dashboards.collect(sentAt);
  await dashboards.close();
  server.close();
  return delays;
}

/**
 * The floor of Vigil's own topology: two bare Socket.IO processes joined by the Redis adapter, the clients spread over
 * both as Vigil's dashboards are, each frame emitted on one and carried to the other by Redis (bare-instance.ts). It
 * shares the scale-out's costs (two processes on the machine's cores, the Redis hop) and has none of Vigil's own: no
 * request, no commit, no rooms per role.
 */
export async function bareTwoInstanceBaseline(
  count: number,
  events: number,
  intervalMs: number,
  log: (line: string) => void,
  redisUrl: string,
  frame: CommitFrame = MINIMAL_FRAME,
): Promise<number[]> {
  const ports = [await freePort(), await freePort()];
  const instances = ports.map((port) =>
    fork(path.join(PROJECT_ROOT, 'tests/bench/bare-instance.ts'), [], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_BARE_INSTANCE: JSON.stringify({ port, redisUrl }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  try {
    await Promise.all(
      instances.map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            c.once('message', () => resolve());
            c.once('exit', (code) => reject(new Error(`bare instance exited ${code}`)));
          }),
      ),
    );
    const dashboards = await holdDashboards(
      ports.map((port) => `http://127.0.0.1:${port}`),
      count,
      {},
      log,
    );
    const sentAt = await sendSeries(
      async () => {
        const id = randomUUID();
        const [first, ...rest] = frame.events;
        instances[1]!.send({ type: 'emit', frame: { ...frame, events: [{ ...first, id }, ...rest] } });
        return id;
      },
      events,
      intervalMs,
    );
    const delays = await dashboards.collect(sentAt);
    await dashboards.close();
    return delays;
  } finally {
    await Promise.all(instances.map(closeChild));
  }
}
