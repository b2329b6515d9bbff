/**
 * Real processes for topology tests: Vigil instances started as `npm start` starts them (server/main.ts), and a
 * private redis-server on its own port that a test may stop and restart without disturbing anything else.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
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

export class RedisProcess {
  #child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitForPort(this.port, 10_000);
  }

  async stop(): Promise<void> {
    if (!this.#child) return;
    this.#child.kill('SIGKILL');
    await exited(this.#child);
    this.#child = null;
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
    this.#child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
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
    });
    this.#child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const child = this.#child;
    await waitFor(() => this.output.includes('Vigil is running') || child.exitCode !== null, 60_000, `${this.options.name} to start`);
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
