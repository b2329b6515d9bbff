/** Where Redis is: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES), never both. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { describeRedisTarget, redisTarget } from '../../server/plugins/external/redis-connection';

describe('Redis configuration', () => {
  it('runs alone without either variable', () => {
    const config = loadConfig({});
    expect(redisTarget(config)).toBeNull();
    expect(describeRedisTarget(redisTarget(config))).toBe('no redis');
  });

  it('reads REDIS_URL as one server', () => {
    expect(redisTarget(loadConfig({ REDIS_URL: 'redis://cache:6379' }))).toEqual({
      kind: 'single',
      url: 'redis://cache:6379',
    });
  });

  it('reads REDIS_CLUSTER_NODES as seed nodes, bare host:port or URLs, spaces and empty items ignored', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: ' redis-1:7000, redis://redis-2:7001,,rediss://redis-3:7002 ' });
    expect(config.redisClusterNodes).toEqual(['redis://redis-1:7000', 'redis://redis-2:7001', 'rediss://redis-3:7002']);
    expect(redisTarget(config)).toEqual({ kind: 'cluster', nodes: config.redisClusterNodes });
    expect(describeRedisTarget(redisTarget(config))).toBe('redis cluster (3 seed nodes)');
    expect(loadConfig({ REDIS_CLUSTER_NODES: ' , ' }).redisClusterNodes).toBeNull();
  });

  it('refuses both at start, and a node that is not a Redis address', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:7000' })).toThrow(
      /REDIS_URL .* or REDIS_CLUSTER_NODES .* not both/,
    );
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'http://b:7000' })).toThrow(/redisClusterNodes\/0/);
  });
});
