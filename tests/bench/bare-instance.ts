/**
 * A bare Socket.IO server over the Redis adapter, run as its own process by dashboards.ts (forked, with an IPC channel):
 * the floor for Vigil's two-instance fan-out. Every client joins one room; told `{ type: 'emit', frame }` it emits
 * the frame to the room, which the adapter also publishes to the other bare instance's clients, as Vigil's
 * instances do with a commit. It does nothing else: no HTTP API, no database.
 *   parent → { type: 'emit', frame } → the room on every bare instance gets `commit` with the frame.
 *   parent → { type: 'close' } → child exits.
 * Input: JSON in BENCH_BARE_INSTANCE { port, redisUrl }. Says { type: 'ready' } once listening.
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const { port, redisUrl } = JSON.parse(process.env.BENCH_BARE_INSTANCE ?? '{}') as { port: number; redisUrl: string };

const pub = createClient({ url: redisUrl });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);
const http = createServer();
const server = new Server(http, { transports: ['websocket'], serveClient: false });
server.adapter(createAdapter(pub, sub));
server.on('connection', (socket) => void socket.join('room'));
await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
process.send!({ type: 'ready' });

process.on('message', (message: { type: 'emit'; frame: unknown } | { type: 'close' }) => {
  if (message.type === 'emit') {
    server.to('room').emit('commit' as never, message.frame as never);
    return;
  }
  server.close();
  void Promise.all([pub.quit(), sub.quit()]).finally(() => process.exit(0));
});
