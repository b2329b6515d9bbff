/**
 * One database handle for both drivers: embedded PGlite (no configuration) or a real Postgres through postgres.js.
 * Every query in the project goes through the drizzle `Db` type, so the same code runs on both.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { sql as sqlText } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema/index';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * A transaction for a path that reads, then sends all its writes at once (the ingest group commit). `work` runs the
 * reads, starts its writes without waiting for them and hands them back as `writes`; COMMIT then follows the writes
 * on the wire, so reading and writing cost two round trips, not three. Nothing is committed unless every write
 * succeeded: a failed write aborts the transaction (the COMMIT behind it only rolls back) and its error is thrown.
 */
export type PipelinedTransaction = <T>(work: (tx: Tx) => Promise<{ value: T; writes: Promise<unknown> }>) => Promise<T>;

/** The rows of a raw `db.execute`: postgres.js answers an array, PGlite an object holding `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary constant: instances sharing one Postgres take this advisory lock so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 727_001;

export type DatabaseOptions =
  | { driver: 'pglite'; dataDir: string | null } // null: in memory (tests)
  | { driver: 'postgres'; url: string; poolSize: number };

export interface Database {
  db: Db;
  driver: DatabaseOptions['driver'];
  pipelinedTransaction: PipelinedTransaction;
  /** Applies pending migrations; safe to call from several instances at once. */
  migrate(): Promise<void>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.driver === 'pglite' ? openPglite(options.dataDir) : openPostgres(options.url, options.poolSize);
}

async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite({ client, schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    // In process, a round trip costs next to nothing: an ordinary transaction that waits for the writes will do.
    pipelinedTransaction: (work) =>
      db.transaction(async (tx) => {
        const { value, writes } = await work(tx);
        await writes;
        return value;
      }),
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: async () => {
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const sql = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    // Fail fast when Postgres is down so ingest can answer 503 and phones retry, instead of hanging.
    connect_timeout: 5,
  });
  const db = drizzlePostgres({ client: sql, schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    pipelinedTransaction: (work) => pipelinedPostgresTransaction(db, work),
    migrate: async () => {
      // A session-level advisory lock needs one connection for the whole migration.
      const lockSql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        await lockSql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(drizzlePostgres({ client: lockSql, casing: 'snake_case' }), {
          migrationsFolder: MIGRATIONS_FOLDER,
        });
        await lockSql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await lockSql.end({ timeout: 5 });
      }
    },
    ping: async () => {
      try {
        await sql`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

async function pipelinedPostgresTransaction<T>(
  db: Db,
  work: (tx: Tx) => Promise<{ value: T; writes: Promise<unknown> }>,
): Promise<T> {
  // postgres.js's own transaction keeps its handling of a connection lost midway; the COMMIT sent here ends the
  // transaction, so the one it sends after this callback only draws a "no transaction in progress" notice.
  return db.transaction(async (tx) => {
    const { value, writes } = await work(tx);
    // The writes reach the connection's queue through chains of promise callbacks; once those have all run, COMMIT
    // can only queue behind them. (A write sent after it would run outside the transaction.)
    await new Promise((resolve) => setImmediate(resolve));
    const [written, committed] = await Promise.allSettled([writes, tx.execute(sqlText`commit`)]);
    if (written.status === 'rejected') throw written.reason;
    if (committed.status === 'rejected') throw committed.reason;
    const ended = (committed.value as { command?: string }).command;
    if (ended !== 'COMMIT') throw new Error(`the transaction ended with ${ended ?? 'no answer'}, not COMMIT`);
    return value;
  });
}
