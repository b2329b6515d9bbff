/**
 * Socket.IO over a Redis Cluster: the sharded adapter (Redis 7 sharded pub/sub, SPUBLISH/SSUBSCRIBE), so each
 * message is handled by the one node that owns its channel's slot instead of being copied to every node.
 *
 * "dynamic" subscription mode gives every room its own channel, subscribed while this instance has a socket in it:
 * an instance with no socket of a mission hears nothing of that mission (the broadcaster sends each mission's news to
 * one room at a time, so almost all of it travels on those per-room channels).
 */
import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { RedisConnection } from '../plugins/external/redis-connection';

type AdapterFactory = ReturnType<typeof createShardedAdapter>;

/**
 * The adapter fires its (un)subscriptions and server-side emits without handling their failure: with the cluster
 * away, or a connection closed during shutdown, that would be an unhandled rejection and take the process down (the
 * same upstream flaw as socketio/socket.io-redis-adapter#513, patched for the single-server adapter). Here they are
 * handed to the adapter's "error" listeners instead: a lost subscription heals when the room is next created, and
 * lost news is caught up from Postgres by the head announcements.
 */
export function shardedAdapter(pub: RedisConnection, sub: RedisConnection): AdapterFactory {
  let report: (err: unknown) => void = () => undefined;
  const subscriber = {
    sSubscribe: (...args: Parameters<RedisConnection['sSubscribe']>) =>
      (sub.sSubscribe as (...a: typeof args) => Promise<void>)(...args).catch((err) => report(err)),
    sUnsubscribe: (...args: Parameters<RedisConnection['sUnsubscribe']>) =>
      (sub.sUnsubscribe as (...a: typeof args) => Promise<void>)(...args).catch((err) => report(err)),
  };
  const factory = createShardedAdapter(pub, subscriber, { subscriptionMode: 'dynamic' });
  // socket.io calls the factory with `new`: a function (not an arrow) that returns the adapter it made.
  return function (nsp) {
    const adapter = factory(nsp);
    report = (err) => (adapter.listenerCount('error') > 0 ? adapter.emit('error', err) : undefined);
    const serverSideEmit = adapter.serverSideEmit.bind(adapter);
    adapter.serverSideEmit = (packet) => serverSideEmit(packet).catch((err: unknown) => report(err));
    return adapter;
  };
}
