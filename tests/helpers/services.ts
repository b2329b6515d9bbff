/**
 * Real Postgres and Redis for tests. On CI (CI=true) they must be there: a missing service fails the run.
 * On a developer's machine without them the tests that need them skip, saying why.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../../db/client';
import { migrationsFingerprint } from './migration-fingerprint';

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
export function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return createDatabase('');
}

async function createDatabase(options: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `vigil_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} ${options}`);
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

/** Any constant: test processes take this advisory lock while one of them builds the migrated template. */
const TEMPLATE_LOCK_KEY = 727_002;
let template: Promise<string> | null = null;

/**
 * The name of a database on the test server that holds the migrated schema and nothing else, built once for all
 * test processes (under an advisory lock) and named by the migrations' content. Older ones are left alone: another
 * checkout of the project may be running its tests against them on the same server.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `vigil_tpl_${migrationsFingerprint()}`;
    const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      await admin`select pg_advisory_lock(${TEMPLATE_LOCK_KEY})`;
      const [kept] = await admin`select 1 from pg_database where datname = ${name}`;
      if (!kept) {
        await admin.unsafe(`drop database if exists ${name}_building with (force)`);
        await admin.unsafe(`create database ${name}_building`);
        const url = new URL(POSTGRES_ADMIN_URL);
        url.pathname = `/${name}_building`;
        const database = await openDatabase({ driver: 'postgres', url: url.toString(), poolSize: 1 });
        try {
          await database.migrate();
        } finally {
          await database.close();
        }
        // Renamed once whole: a run cut off while migrating leaves no half-built template behind this name.
        await admin.unsafe(`alter database ${name}_building rename to ${name}`);
      }
      await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_KEY})`;
    } finally {
      await admin.end();
    }
    return name;
  })();
  return template;
}

/**
 * A fresh database on the test server that already holds the migrated schema: a copy of the migrated template, which
 * costs about half of creating an empty one and migrating it. For apps under test; a test of the migrations themselves
 * takes an empty one (createTestDatabase).
 */
export async function createMigratedTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const source = await migratedTemplate();
  return createDatabase(`template ${source}`);
}
