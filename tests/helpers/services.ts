/**
 * Real Postgres and Redis for tests. On CI (CI=true) they must be there: a missing service fails the run.
 * On a developer's machine without them the tests that need them skip, saying why.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export const IN_CI = process.env.CI === 'true';
/** The server the Postgres tests create their throwaway databases on (DATABASE_URL also counts, as the README says). */
export const POSTGRES_ADMIN_URL =
  process.env.VIGIL_TEST_POSTGRES_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_TEST_URL = process.env.VIGIL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachableOnce(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(3000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * A refused connection answers at once; a slow one is retried: on a loaded CI box (issue 14) a 1 s connect to a
 * running Postgres once timed out, and with CI=true that failed the whole file.
 */
async function reachable(url: string, defaultPort: number): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await reachableOnce(url, defaultPort)) return true;
  }
  return false;
}

async function available(name: string, url: string, defaultPort: number): Promise<boolean> {
  if (await reachable(url, defaultPort)) return true;
  if (IN_CI) throw new Error(`${name} is not reachable at ${url}, and CI=true requires it`);
  console.warn(`[vigil tests] ${name} not reachable at ${url}: skipping the tests that need it`);
  return false;
}

export const postgresAvailable = await available('PostgreSQL', POSTGRES_ADMIN_URL, 5432);
export const redisAvailable = await available('Redis', REDIS_TEST_URL, 6379);

/** A fresh, empty database on the test server, dropped by `drop()`. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `vigil_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}
