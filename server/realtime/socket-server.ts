/**
 * Socket.IO on the app's HTTP server: WebSocket transport only (no sticky sessions needed behind a load balancer),
 * the Redis adapter when REDIS_URL is set (every instance's sockets get every mission event), the in-process adapter
 * otherwise. Sockets authenticate with the same bearer tokens as HTTP, in the handshake.
 */
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient, type RedisClientType } from 'redis';
import { MISSION_ROOM_PREFIX } from '../../shared/realtime';
import { createBroadcaster, type Broadcaster, type VigilServer } from './broadcaster';
import { handleConnection } from './connection';

export interface Realtime {
  io: VigilServer;
  broadcaster: Broadcaster;
  /** 'off' without REDIS_URL; otherwise whether both Redis connections are up. */
  redisState(): 'off' | 'ready' | 'down';
}

/** Reconnect to Redis forever, backing off to at most this long: Redis coming back must heal fan-out by itself. */
const REDIS_MAX_RECONNECT_DELAY_MS = 2000;

export default fp(
  async (app) => {
    const io: VigilServer = new Server(app.server, {
      transports: ['websocket'],
      serveClient: false,
      // Large catch-up frames; phones do not use sockets.
      maxHttpBufferSize: 1e6,
    });

    let redisClients: RedisClientType[] = [];
    if (app.config.redisUrl) {
      const pub = createClient({
        url: app.config.redisUrl,
        socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, REDIS_MAX_RECONNECT_DELAY_MS) },
      }) as RedisClientType;
      const sub = pub.duplicate();
      for (const [name, client] of [['pub', pub], ['sub', sub]] as const) {
        // Without an error listener node-redis would crash the process; a Redis outage only delays news.
        client.on('error', (err: Error) => app.log.warn({ err: err.message, client: name }, 'redis error'));
      }
      redisClients = [pub, sub];
      await Promise.all(redisClients.map((c) => c.connect()));
      io.adapter(createAdapter(pub, sub));
      app.log.info('socket.io fan-out through Redis');
    }

    const broadcaster = createBroadcaster(io, (err) => app.log.warn({ err }, 'fan-out failed; clients will catch up'));
    const realtime: Realtime = {
      io,
      broadcaster,
      redisState: () => (redisClients.length === 0 ? 'off' : redisClients.every((c) => c.isReady) ? 'ready' : 'down'),
    };
    app.decorate('realtime', realtime);

    app.after(() => {
      io.use(async (socket, next) => {
        try {
          const token = (socket.handshake.auth as { token?: unknown }).token;
          const principal = typeof token === 'string' ? await app.services.auth.authenticate(token) : null;
          if (!principal) return next(new Error('unauthorized: unknown, expired or revoked token'));
          if (principal.role === 'team') return next(new Error('forbidden: team tokens have no live feed'));
          socket.data.principal = principal;
          next();
        } catch (err) {
          app.log.warn({ err }, 'socket authentication failed');
          next(new Error('unavailable: try again'));
        }
      });
      io.on('connection', (socket) => handleConnection(app, socket));
    });

    // Every instance tells its own sockets each mission's head; it reads Postgres, so it works with Redis down.
    const announcer = setInterval(() => {
      void announceHeads().catch((err) => app.log.warn({ err }, 'head announcement failed'));
    }, app.config.headAnnounceIntervalMs);
    announcer.unref();

    async function announceHeads() {
      const missionIds = new Set<string>();
      for (const room of io.of('/').adapter.rooms.keys()) {
        if (room.startsWith(MISSION_ROOM_PREFIX)) missionIds.add(room.slice(MISSION_ROOM_PREFIX.length).split(':')[0] ?? '');
      }
      for (const missionId of missionIds) {
        broadcaster.announceHead(missionId, await app.services.events.head(missionId));
      }
    }

    app.addHook('preClose', async () => {
      clearInterval(announcer);
      // Close the transports rather than disconnecting the sockets: clients see "transport close" and reconnect
      // (to another instance behind the load balancer, or to this one restarted); an explicit server disconnect
      // would tell them not to.
      io.engine.close();
    });
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.all(redisClients.map((c) => (c.isOpen ? c.quit().catch(() => c.destroy()) : undefined)));
    });
  },
  { name: 'realtime', dependencies: ['database'] },
);
