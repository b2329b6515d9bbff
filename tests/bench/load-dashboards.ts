/**
 * Dashboard load generator, run as its own process by run.ts (forked, with an IPC channel): holds `count` Socket.IO
 * clients on 127.0.0.1 spread over `urls`, and notes when each event of a `commit` frame arrives (wall-clock milliseconds, which
 * every process on the machine shares). The parent then sends when it sent each item; this process answers with the
 * send → receipt delays of every delivery.
 *   parent → { type: 'collect', sentAt: { [id]: ms } } → child → { type: 'delays', delays: number[], missing: number, frame }
 *   (`frame`: the first `commit` frame this process received, as it came, for a floor that sends the same bytes)
 *   parent → { type: 'close' } → child exits.
 * Input: JSON in BENCH_DASHBOARDS { urls, count, auth, trackPrefix? }.
 */
import { io as connectClient, type Socket } from 'socket.io-client';

interface DashboardLoad {
  urls: string[];
  count: number;
  auth: Record<string, unknown>;
  /** Only items whose id starts with this are timed ('' for all). */
  trackPrefix?: string;
}

const load = JSON.parse(process.env.BENCH_DASHBOARDS ?? '{}') as DashboardLoad;
const now = () => performance.timeOrigin + performance.now();
/** Item id → receipt times, one per socket that got it. */
const received = new Map<string, number[]>();
const sockets: Socket[] = [];
const trackPrefix = load.trackPrefix ?? '';
/** The first `commit` frame received, kept whole. */
let firstFrame: unknown = null;

const BATCH = 200;
for (let i = 0; i < load.count; i += BATCH) {
  await Promise.all(
    Array.from({ length: Math.min(BATCH, load.count - i) }, (_, k) => {
      const socket = connectClient(load.urls[(i + k) % load.urls.length]!, {
        transports: ['websocket'],
        auth: load.auth,
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      socket.on('commit', (frame: { events: { id?: unknown }[] }) => {
        const at = now();
        firstFrame ??= frame;
        const { events } = frame;
        for (const item of events) {
          if (typeof item.id !== 'string' || !item.id.startsWith(trackPrefix)) continue;
          const times = received.get(item.id);
          if (times) times.push(at);
          else received.set(item.id, [at]);
        }
      });
      return new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }),
  );
}
process.send!({ type: 'ready' });

process.on('message', (message: { type: 'collect'; sentAt: Record<string, number> } | { type: 'close' }) => {
  if (message.type === 'close') {
    for (const s of sockets) s.close();
    process.exit(0);
  }
  const delays: number[] = [];
  let missing = 0;
  for (const [id, sentAt] of Object.entries(message.sentAt)) {
    const times = received.get(id) ?? [];
    missing += sockets.length - times.length;
    for (const t of times) delays.push(t - sentAt);
  }
  received.clear();
  process.send!({ type: 'delays', delays, missing, frame: firstFrame });
});
