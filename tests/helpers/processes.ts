/**
 * Real processes for topology tests: Vigil instances started as `npm start` starts them (server/main.ts), and a
 * private redis-server on its own port that a test may stop and restart without disturbing anything else.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/config';
import { waitFor } from './live-client';

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** A Redis the tests start and stop: the environment tells a Vigil instance where it is (REDIS_URL or REDIS_CLUSTER_NODES). */
export interface LocalRedis {
  readonly label: string;
  readonly instanceEnv: Record<string, string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it for good and deletes what it kept on disk. */
  remove(): Promise<void>;
}

export class RedisProcess implements LocalRedis {
  readonly label = 'one Redis';
  #child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get instanceEnv(): Record<string, string> {
    return { REDIS_URL: this.url };
  }

  async start(): Promise<void> {
    this.#child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitForPort(this.port, 60_000);
  }

  async stop(): Promise<void> {
    if (!this.#child) return;
    this.#child.kill('SIGKILL');
    await exited(this.#child);
    this.#child = null;
  }

  remove(): Promise<void> {
    return this.stop();
  }
}

/**
 * A private Redis Cluster of three masters and no replicas on local ports, made as an operator makes one
 * (`redis-cli --cluster create`). Its node files live in a temporary folder, so a stop (SIGKILL of every node) and a
 * start bring back the same cluster, as after a power cut; `remove()` deletes it.
 */
export class RedisClusterProcess implements LocalRedis {
  readonly label = 'a Redis Cluster';
  #children: ChildProcess[] = [];
  readonly #dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-redis-cluster-'));
  constructor(readonly ports: number[]) {}

  static async onFreePorts(masters = 3): Promise<RedisClusterProcess> {
    const ports: number[] = [];
    while (ports.length < masters) {
      const port = await freePort();
      // A cluster node also listens on port + 10000 (its bus): both must be free.
      if (port < 55_000 && !ports.includes(port)) ports.push(port);
    }
    return new RedisClusterProcess(ports);
  }

  get addresses(): string[] {
    return this.ports.map((port) => `127.0.0.1:${port}`);
  }

  get instanceEnv(): Record<string, string> {
    return { REDIS_CLUSTER_NODES: this.addresses.join(',') };
  }

  async start(): Promise<void> {
    const formed = existsSync(path.join(this.#dir, `nodes-${this.ports[0]}.conf`));
    this.#children = this.ports.map((port) =>
      spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
          ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', this.#dir],
          ...['--cluster-node-timeout', '2000'],
        ],
        { stdio: 'ignore' },
      ),
    );
    await Promise.all(this.ports.map((port) => waitForPort(port, 60_000)));
    if (!formed) {
      const created = spawnSync(
        'redis-cli',
        ['--cluster', 'create', ...this.addresses, '--cluster-replicas', '0', '--cluster-yes'],
        { encoding: 'utf8' },
      );
      if (created.status !== 0)
        throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    }
    await waitFor(
      () => this.ports.every((port) => this.#cli(port, 'cluster', 'info').includes('cluster_state:ok')),
      60_000,
      'the Redis Cluster to be ok on every node',
    );
  }

  /** How many connections, over all nodes, subscribe to a sharded channel (the owner answers, the others say 0). */
  shardSubscribers(channel: string): number {
    return this.ports
      .map((port) => Number(this.#cli(port, 'pubsub', 'shardnumsub', channel).trim().split('\n')[1] ?? 0))
      .reduce((sum, n) => sum + n, 0);
  }

  #cli(port: number, ...args: string[]): string {
    return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '';
  }

  async stop(): Promise<void> {
    const children = this.#children;
    this.#children = [];
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface InstanceOptions {
  port: number;
  databaseUrl: string;
  redisUrl: string | null;
  name: string;
  env?: Record<string, string>;
  /** Command-line arguments after server/main.ts (as `npm start -- …` passes them). */
  args?: string[];
  /** Node's own flags before the script (e.g. `--cpu-prof` for a bench's profile). */
  nodeArgs?: string[];
  /** How long the start may take (seeding the demo into a fresh PGlite on a busy machine takes a while). */
  startTimeoutMs?: number;
}

export class VigilInstance {
  #child: ChildProcess | null = null;
  output = '';
  constructor(readonly options: InstanceOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    this.output = '';
    // One process (no tsx wrapper in between), so a SIGKILL really kills the server and leaves no orphan.
    this.#child = spawn(
      process.execPath,
      [...(this.options.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts', ...(this.options.args ?? [])],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          PORT: String(this.options.port),
          HOST: '127.0.0.1',
          DATABASE_URL: this.options.databaseUrl,
          REDIS_URL: this.options.redisUrl ?? '',
          INSTANCE_NAME: this.options.name,
          SERVE_CLIENT: 'false',
          VIGIL_SEED_DEMO: 'false',
          LOG_LEVEL: 'warn',
          HEAD_ANNOUNCE_INTERVAL_MS: '300',
          ...this.options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const child = this.#child;
    await waitFor(
      () => this.output.includes('Vigil is running') || child.exitCode !== null,
      this.options.startTimeoutMs ?? 180_000,
      `${this.options.name} to start`,
    );
    if (child.exitCode !== null) throw new Error(`${this.options.name} exited: ${this.output}`);
  }

  /** SIGTERM drains; SIGKILL is a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child) return null;
    child.kill(signal);
    await exited(child);
    this.#child = null;
    return child.exitCode;
  }
}

const PG_BIN = process.env.VIGIL_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Whether a private Postgres cluster can be made here (the server binaries, and a non-root user to run them). */
export function canRunPrivatePostgres(): boolean {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) return false;
  if (process.getuid?.() !== 0) return true;
  return spawnSync('id', ['-u', 'postgres']).status === 0;
}

/**
 * A private Postgres cluster in a temporary directory on its own port, for tests that stop and restart the database
 * (the shared server on 5432 is never touched). Durable like production: fsync and synchronous_commit stay on.
 * As root it runs as the `postgres` OS user (Postgres refuses root), through setpriv so the signal reaches it.
 */
export class PostgresProcess {
  #child: ChildProcess | null = null;
  readonly dir: string;
  output = '';

  constructor(readonly port: number) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-pg-'));
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  #command(binary: string, args: string[]): [string, string[]] {
    const full = path.join(PG_BIN, binary);
    if (process.getuid?.() !== 0) return [full, args];
    return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', full, ...args]];
  }

  /** initdb once, then start. */
  async init(): Promise<void> {
    if (process.getuid?.() === 0) {
      const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
      const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
      chownSync(this.dir, uid, gid);
    }
    const [cmd, args] = this.#command('initdb', [
      '-D',
      path.join(this.dir, 'data'),
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-instructions',
    ]);
    const result = spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`initdb failed: ${result.stderr}`);
    await this.start();
  }

  async start(): Promise<void> {
    this.output = '';
    const [cmd, args] = this.#command('postgres', [
      '-D',
      path.join(this.dir, 'data'),
      '-p',
      String(this.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${this.dir}`,
      '-c',
      'max_connections=100',
    ]);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await waitFor(
      () => this.output.includes('ready to accept connections') || child.exitCode !== null,
      120_000,
      'private Postgres to start',
    );
    if (child.exitCode !== null) throw new Error(`private Postgres exited: ${this.output}`);
  }

  /**
   * SIGQUIT is Postgres's immediate shutdown: every connection is cut and no checkpoint is written, so the next start
   * replays the WAL as after a crash. SIGINT is the orderly fast shutdown.
   */
  async stop(signal: 'SIGQUIT' | 'SIGINT' = 'SIGQUIT'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill(signal);
    await exited(child);
    this.#child = null;
  }

  async destroy(): Promise<void> {
    await this.stop('SIGINT');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
