/**
 * Socket.IO on the app's HTTP server: WebSocket transport only (no sticky sessions needed behind a load balancer),
 * the Redis adapter when REDIS_URL is set (every instance's sockets get every mission event), the sharded adapter
 * over a Redis Cluster when REDIS_CLUSTER_NODES is, the in-process adapter otherwise. Sockets authenticate with the same bearer tokens as HTTP, in the handshake.
 */
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import {
  closeRedisConnection,
  createRedisConnection,
  describeRedisTarget,
  redisReady,
  redisTarget,
  type RedisConnection,
} from '../plugins/external/redis-connection';
import { DISPLAY_LINK_ROOM_PREFIX, MISSION_ROOM_PREFIX, TOKEN_ROOM_PREFIX } from '../../shared/realtime';
import { createBroadcaster, type Broadcaster } from './broadcaster';
import { handleConnection } from './connection';
import { shardedAdapter } from './sharded-adapter';
import type { RealtimePort, VigilServer } from './socket-types';

export interface Realtime {
  io: VigilServer;
  broadcaster: Broadcaster;
  /** 'off' without REDIS_URL; otherwise whether both Redis connections are up. */
  redisState(): 'off' | 'ready' | 'down';
  /** Hands over what sockets ask of the services; called once by the services plugin, before the app listens. */
  attach(port: RealtimePort): void;
}

export default fp(
  async (app) => {
    const io: VigilServer = new Server(app.server, {
      transports: ['websocket'],
      serveClient: false,
      // Large catch-up frames; phones' sockets carry only small notices about their own team.
      maxHttpBufferSize: 1e6,
    });

    let redisClients: RedisConnection[] = [];
    const target = redisTarget(app.config);
    if (target) {
      const pub = createRedisConnection(target);
      const sub = pub.duplicate() as RedisConnection;
      for (const [name, client] of [
        ['pub', pub],
        ['sub', sub],
      ] as const) {
        // Without an error listener node-redis would crash the process; a Redis outage only delays news.
        client.on('error', (err: Error) => app.log.warn({ err: err.message, client: name }, 'redis error'));
      }
      redisClients = [pub, sub];
      await Promise.all(redisClients.map((c) => c.connect()));
      io.adapter(target.kind === 'cluster' ? shardedAdapter(pub, sub) : createAdapter(pub, sub));
      // The adapter fires its publishes without waiting for the answer; a publish in flight when Redis goes away used
      // to reject unhandled and take the whole process down (found by tests/faults/redis-outage.test.ts; upstream
      // socketio/socket.io-redis-adapter#513). patches/@socket.io+redis-adapter+8.3.0.patch hands that rejection to
      // the adapter's "error" listeners. A lost publish is only lost news: the head announcements make every
      // dashboard catch up from Postgres.
      io.of('/').adapter.on('error', (err: Error) =>
        app.log.warn({ err: err.message }, 'redis publish lost; clients will catch up'),
      );
      app.log.info(`socket.io fan-out through ${describeRedisTarget(target)}`);
    }

    let attached: RealtimePort | null = null;
    /** The services' port; sockets and sweeps run only once the app listens, by when it is attached. */
    function services(): RealtimePort {
      if (!attached) throw new Error('realtime used before the services attached their port');
      return attached;
    }

    const broadcaster = createBroadcaster(io, {
      policies: app.displayPolicies,
      clientBuild: app.clientBuild,
      severalInstances: redisClients.length > 0,
      onError: (err) => app.log.warn({ err }, 'fan-out failed; clients will catch up'),
    });
    // Another instance changed a mission's display policy: read it again before sending to displays.
    io.on('display_policy_changed', (missionId) => app.displayPolicies.forget(missionId));
    // Another instance revoked a display link: tell its sockets here and drop them.
    io.on('display_revoked', (linkId) => broadcaster.displayRevokedHere(linkId));
    // Another instance revoked a token: stop trusting our cached copy of it and drop its sockets here, then say so.
    io.on('token_revoked', (tokenId, done) => {
      services().forget(tokenId);
      broadcaster.tokenRevokedHere(tokenId);
      if (typeof done === 'function') done();
    });
    const realtime: Realtime = {
      io,
      broadcaster,
      redisState: () => (redisClients.length === 0 ? 'off' : redisClients.every(redisReady) ? 'ready' : 'down'),
      attach: (port) => {
        attached = port;
      },
    };
    app.decorate('realtime', realtime);

    io.use(async (socket, next) => {
      try {
        const token = (socket.handshake.auth as { token?: unknown }).token;
        const principal = typeof token === 'string' ? await services().authenticate(token) : null;
        if (!principal) return next(new Error('unauthorized: unknown, expired or revoked token'));
        socket.data.principal = principal;
        next();
      } catch (err) {
        app.log.warn({ err }, 'socket authentication failed');
        next(new Error('unavailable: try again'));
      }
    });
    io.on('connection', (socket) => handleConnection({ port: services(), broadcaster, log: app.log }, socket));

    // Every instance tells its own sockets each mission's head, and drops its sockets of display links, coordinator
    // sessions and device tokens revoked (or expired) meanwhile. Both read Postgres, so they work with Redis down (when a revocation's news may not have arrived).
    const announcer = setInterval(() => {
      void announceHeads().catch((err) => app.log.warn({ err }, 'head announcement failed'));
      void sweepRevokedTokens().catch((err) => app.log.warn({ err }, 'revoked token sweep failed'));
    }, app.config.headAnnounceIntervalMs);
    announcer.unref();

    async function announceHeads() {
      const missionIds = new Set<string>();
      for (const room of io.of('/').adapter.rooms.keys()) {
        if (room.startsWith(MISSION_ROOM_PREFIX))
          missionIds.add(room.slice(MISSION_ROOM_PREFIX.length).split(':')[0] ?? '');
      }
      for (const missionId of missionIds) {
        broadcaster.announceHead(missionId, await services().head(missionId));
      }
    }

    async function sweepRevokedTokens() {
      const linkIds: string[] = [];
      for (const room of io.of('/').adapter.rooms.keys()) {
        if (room.startsWith(DISPLAY_LINK_ROOM_PREFIX)) linkIds.push(room.slice(DISPLAY_LINK_ROOM_PREFIX.length));
      }
      for (const linkId of await services().deadTokens(linkIds)) broadcaster.displayRevokedHere(linkId);
      const tokenIds: string[] = [];
      for (const room of io.of('/').adapter.rooms.keys()) {
        if (room.startsWith(TOKEN_ROOM_PREFIX)) tokenIds.push(room.slice(TOKEN_ROOM_PREFIX.length));
      }
      for (const tokenId of await services().deadTokens(tokenIds)) broadcaster.tokenRevokedHere(tokenId);
    }

    app.addHook('preClose', async () => {
      clearInterval(announcer);
      // What waits to be sent goes now, while this instance's sockets are still there to get it.
      broadcaster.close();
      // Close the transports rather than disconnecting the sockets: clients see "transport close" and reconnect
      // (to another instance behind the load balancer, or to this one restarted); an explicit server disconnect
      // would tell them not to.
      io.engine.close();
    });
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.all(redisClients.map(closeRedisConnection));
    });
  },
  { name: 'realtime', dependencies: ['database', 'display-policies'] },
);
