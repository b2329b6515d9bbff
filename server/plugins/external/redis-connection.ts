/**
 * One way to reach Redis for every part that uses it (the Socket.IO adapter, the shared rate-limit counters): a single
 * server with REDIS_URL, or a Redis Cluster with REDIS_CLUSTER_NODES. Callers get a connection that answers the same
 * commands either way; node-redis routes each key (and each sharded channel) to the node that owns its slot.
 */
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { REDIS_RECONNECT_BACKOFF, backoffMs } from '../../../shared/backoff';
import type { Config } from '../../config';

export type RedisTarget = { kind: 'single'; url: string } | { kind: 'cluster'; nodes: string[] };
export type RedisConnection = RedisClientType | RedisClusterType;

/** Where Redis is, or null when the instance runs alone (in-process fan-out, per-instance counters). */
export function redisTarget(config: Pick<Config, 'redisUrl' | 'redisClusterNodes'>): RedisTarget | null {
  if (config.redisClusterNodes) return { kind: 'cluster', nodes: config.redisClusterNodes };
  if (config.redisUrl) return { kind: 'single', url: config.redisUrl };
  return null;
}

export function describeRedisTarget(target: RedisTarget | null): string {
  if (target === null) return 'no redis';
  return target.kind === 'cluster' ? `redis cluster (${target.nodes.length} seed nodes)` : 'redis';
}

export interface ConnectionOptions {
  /** Fail a command at once while Redis is away instead of queueing it (the rate-limit counters fall back locally). */
  failFastWhenDown?: boolean;
}

/**
 * A connection that reconnects forever on the shared backoff: Redis coming back heals fan-out by itself. Not yet
 * connected; the caller adds its error listener (without one node-redis would crash the process) and connects.
 */
export function createRedisConnection(target: RedisTarget, options: ConnectionOptions = {}): RedisConnection {
  const socket = { reconnectStrategy: (retries: number) => backoffMs(retries, REDIS_RECONNECT_BACKOFF) };
  const disableOfflineQueue = options.failFastWhenDown ?? false;
  if (target.kind === 'single') {
    return createClient({ url: target.url, disableOfflineQueue, socket }) as RedisClientType;
  }
  return createCluster({
    rootNodes: target.nodes.map((url) => ({ url })),
    defaults: { disableOfflineQueue, socket },
  }) as unknown as RedisClusterType;
}

/**
 * Whether Redis answers now. A cluster connection stays "ready" while its nodes are away (it is waiting to rediscover
 * them), so for a cluster every master's own connection must be up.
 */
export function redisReady(connection: RedisConnection): boolean {
  if (!connection.isReady) return false;
  if (!('masters' in connection)) return true;
  const masters = connection.masters;
  return masters.length > 0 && masters.every((master) => master.client?.isReady === true);
}

/**
 * Closes politely when Redis answers, and drops the connection when it doesn't: a polite close would wait for it (a
 * cluster's whole connection looks ready while its nodes are gone, hence redisReady).
 */
export async function closeRedisConnection(connection: RedisConnection): Promise<void> {
  if (redisReady(connection)) await connection.close().catch(() => connection.destroy());
  else if (connection.isOpen) connection.destroy();
}
