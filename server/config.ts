/**
 * Configuration is read from the environment once, at boot, validated, and passed down.
 * Defaults make `npm start` work with nothing set: embedded PGlite under ./data, in-process fan-out, port 3000.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { oneOf } from '../shared/schemas/common';
import { HEAD_ANNOUNCE_INTERVAL_MS, STATION_TILES_REFRESH_MS } from '../shared/constants';
import { schemaProblems } from './schema-validation';

const ConfigSchema = Type.Object({
  host: Type.String(),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /**
   * Absolute URL users reach this server at, used in the printed links. When it is https:, browsers are told to stay
   * on HTTPS (HSTS, CSP upgrade-insecure-requests); over plain http: they are not, or a phone on the situation room's
   * Wi-Fi would be sent to an https: address nothing answers.
   */
  publicUrl: Type.String({ pattern: '^https?://' }),
  databaseUrl: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  databasePoolSize: Type.Integer({ minimum: 1, maximum: 200 }),
  /** PGlite keeps its files here when no DATABASE_URL is set; null keeps them in memory (tests). */
  dataDir: Type.Union([Type.String(), Type.Null()]),
  redisUrl: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  /**
   * A Redis Cluster's seed nodes (REDIS_CLUSTER_NODES, comma-separated `host:port` or `redis://` URLs): Socket.IO then
   * fans out over sharded pub/sub, each instance subscribing only to the rooms it has sockets in. Exclusive with
   * redisUrl.
   */
  redisClusterNodes: Type.Union([Type.Array(Type.String({ pattern: '^rediss?://' }), { minItems: 1 }), Type.Null()]),
  /** Seed the Bishkek demo mission when the database has no mission. */
  seedDemo: Type.Boolean(),
  demoCoordinatorPassword: Type.Union([Type.String({ minLength: 8 }), Type.Null()]),
  /** Folder with the built client; null disables static serving. */
  clientDir: Type.Union([Type.String(), Type.Null()]),
  logLevel: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  /** Failed logins allowed per (username, client address) in each AUTH_FAILURE_WINDOW_MS; then that username waits. */
  loginFailuresPerUserAddress: Type.Integer({ minimum: 1 }),
  /** Failed logins allowed per client address (any usernames) in each window: looser, against trying many names. */
  loginFailuresPerAddress: Type.Integer({ minimum: 1 }),
  /** Failed joins allowed per client address in each window (successful joins are never counted). */
  joinFailuresPerAddress: Type.Integer({ minimum: 1 }),
  authFailureWindowMs: Type.Integer({ minimum: 1000 }),
  /**
   * Which peers may tell the client's address in X-Forwarded-For (Fastify's trustProxy): proxy addresses or ranges,
   * comma-separated (also 'loopback', 'linklocal', 'uniquelocal'); false (the default) trusts no one. Trusting a
   * range a client may sit in (a venue's Wi-Fi is a private range) would let it pick its own address, and so its own
   * rate-limit key.
   */
  trustProxy: Type.Union([Type.Literal(false), Type.String({ minLength: 1 })]),
  /**
   * HTTP timeouts. A client must send its request head within headersTimeoutMs (a slow-headers client, "slowloris",
   * is cut off then, not after Node's 60 s) and the whole request within requestTimeoutMs (a 3 MB photo over a slow
   * link; the phone itself gives up after 90 s). An idle connection is closed after connectionTimeoutMs (longer than
   * Socket.IO's 25 s ping, so live sockets stay), an idle keep-alive one between requests after keepAliveTimeoutMs.
   */
  headersTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
  requestTimeoutMs: Type.Integer({ minimum: 100, maximum: 3_600_000 }),
  connectionTimeoutMs: Type.Integer({ minimum: 100, maximum: 3_600_000 }),
  keepAliveTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
  /** How often each instance tells its sockets the mission head (lets clients notice missed news). */
  headAnnounceIntervalMs: Type.Integer({ minimum: 100 }),
  /** Instance name shown in logs and /ready, handy behind a load balancer. */
  instanceName: Type.String(),
  /**
   * How long a bearer token, once looked up, is trusted without asking Postgres again (0: every request asks).
   * A revocation drops it at once on the revoking instance and, through Redis, on the others.
   */
  authCacheMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  /**
   * The station tiles of a large mission's map follow the station states at most this often (ms): the map patches
   * each station live by its id, the tiles only recount clusters and their worst states.
   */
  stationTilesRefreshMs: Type.Integer({ minimum: 0, maximum: 600_000 }),
  /** Large reads (the full station list, exports) one token may have in flight on an instance; one more gets 429. */
  largeReadsPerToken: Type.Integer({ minimum: 1, maximum: 1000 }),
  /** Serve GET /debug/event-loop (event-loop delay of this process) for the benchmarks; off in production. */
  debugMetrics: Type.Boolean(),
  /** Events between two stored snapshots of the replay of the day: a past moment replays at most this many. */
  replaySnapshotEvery: Type.Integer({ minimum: 10, maximum: 1_000_000 }),
  /** Optional online MapLibre style URL (e.g. OpenFreeMap); null keeps the offline map. */
  mapStyleUrl: Type.Union([Type.String({ pattern: '^https?://' }), Type.Null()]),
  /** Optional local PMTiles basemap (absolute path), served to browsers with range requests; null for none. */
  mapPmtiles: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
});
export type Config = Static<typeof ConfigSchema>;
const checkConfig = Compile(ConfigSchema);

const ROOT = path.resolve(import.meta.dirname, '..');

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

/** REDIS_CLUSTER_NODES: `host:port` or URLs, comma-separated; bare addresses become redis:// URLs. */
function clusterNodes(value: string | undefined): string[] | null {
  const nodes = (value ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node !== '');
  if (nodes.length === 0) return null;
  return nodes.map((node) => (/^[a-z]+:\/\//i.test(node) ? node : `redis://${node}`));
}

/** TRUST_PROXY unset, empty, 'false' or 'none': the peer's own address is the client's. */
function trustedProxies(value: string | undefined): false | string {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' || ['false', 'none', 'no', 'off', '0'].includes(trimmed.toLowerCase()) ? false : trimmed;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = integer(env.PORT, 3000, 'PORT');
  const host = env.HOST ?? '0.0.0.0';
  const config: Config = {
    host,
    port,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL || null,
    databasePoolSize: integer(env.DATABASE_POOL_SIZE, 20, 'DATABASE_POOL_SIZE'),
    dataDir: path.resolve(env.DATA_DIR ?? path.join(ROOT, 'data')),
    redisUrl: env.REDIS_URL || null,
    redisClusterNodes: clusterNodes(env.REDIS_CLUSTER_NODES),
    seedDemo: flag(env.VIGIL_SEED_DEMO, true),
    demoCoordinatorPassword: env.VIGIL_COORDINATOR_PASSWORD || null,
    clientDir: flag(env.SERVE_CLIENT, true) ? path.join(ROOT, 'client', 'dist') : null,
    logLevel: (env.LOG_LEVEL ?? 'info') as Config['logLevel'],
    loginFailuresPerUserAddress: integer(env.LOGIN_FAILURES_PER_USER_ADDRESS, 10, 'LOGIN_FAILURES_PER_USER_ADDRESS'),
    loginFailuresPerAddress: integer(env.LOGIN_FAILURES_PER_ADDRESS, 100, 'LOGIN_FAILURES_PER_ADDRESS'),
    joinFailuresPerAddress: integer(env.JOIN_FAILURES_PER_ADDRESS, 100, 'JOIN_FAILURES_PER_ADDRESS'),
    authFailureWindowMs: integer(env.AUTH_FAILURE_WINDOW_MS, 15 * 60_000, 'AUTH_FAILURE_WINDOW_MS'),
    trustProxy: trustedProxies(env.TRUST_PROXY),
    headersTimeoutMs: integer(env.HTTP_HEADERS_TIMEOUT_MS, 10_000, 'HTTP_HEADERS_TIMEOUT_MS'),
    requestTimeoutMs: integer(env.HTTP_REQUEST_TIMEOUT_MS, 120_000, 'HTTP_REQUEST_TIMEOUT_MS'),
    connectionTimeoutMs: integer(env.HTTP_CONNECTION_TIMEOUT_MS, 60_000, 'HTTP_CONNECTION_TIMEOUT_MS'),
    keepAliveTimeoutMs: integer(env.HTTP_KEEP_ALIVE_TIMEOUT_MS, 30_000, 'HTTP_KEEP_ALIVE_TIMEOUT_MS'),
    headAnnounceIntervalMs: integer(
      env.HEAD_ANNOUNCE_INTERVAL_MS,
      HEAD_ANNOUNCE_INTERVAL_MS,
      'HEAD_ANNOUNCE_INTERVAL_MS',
    ),
    instanceName: env.INSTANCE_NAME ?? `vigil-${process.pid}`,
    authCacheMs: integer(env.AUTH_CACHE_MS, 5000, 'AUTH_CACHE_MS'),
    stationTilesRefreshMs: integer(env.STATION_TILES_REFRESH_MS, STATION_TILES_REFRESH_MS, 'STATION_TILES_REFRESH_MS'),
    largeReadsPerToken: integer(env.LARGE_READS_PER_TOKEN, 2, 'LARGE_READS_PER_TOKEN'),
    debugMetrics: flag(env.VIGIL_DEBUG_METRICS, false),
    replaySnapshotEvery: integer(env.REPLAY_SNAPSHOT_EVERY, 2000, 'REPLAY_SNAPSHOT_EVERY'),
    mapStyleUrl: env.MAP_STYLE_URL || null,
    mapPmtiles: env.MAP_PMTILES ? path.resolve(env.MAP_PMTILES) : null,
    ...overrides,
  };
  const problems = schemaProblems(checkConfig, config);
  if (problems.length > 0) {
    throw new Error(`Invalid configuration: ${problems.map((p) => `${p.path || '/'} ${p.problem}`).join('; ')}`);
  }
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new Error('Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if (config.redisUrl !== null && config.redisClusterNodes !== null) {
    throw new Error(
      'Invalid configuration: set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both',
    );
  }
  if (config.mapPmtiles !== null && !existsSync(config.mapPmtiles)) {
    throw new Error(`Invalid configuration: MAP_PMTILES names ${config.mapPmtiles}, which does not exist`);
  }
  return config;
}

export const PROJECT_ROOT = ROOT;

/** The package version, read once at start. */
export const APP_VERSION: string = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
