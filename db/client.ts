/**
 * One database handle for both drivers: embedded PGlite (no configuration) or a real Postgres through postgres.js.
 * Every query in the project goes through the drizzle `Db` type, so the same code runs on both.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres, PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgDialect, PgQueryResultHKT } from 'drizzle-orm/pg-core';
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
 *
 * Every write must be sent before `work` returns: a query the transaction is asked for afterwards (one chained behind
 * another write's answer) would reach the connection behind COMMIT, outside the transaction, so it is refused with a
 * LateQueryError and the transaction fails. Where the refusal comes too late to stop COMMIT, what was sent before it
 * is committed: such a chain is a bug to fix, which every run of its path reports.
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
  // dataDir null: in memory (tests). A snapshot (a dumped data directory) starts an in-memory database from it instead of
  // running initdb: tests start hundreds of databases, and initdb is most of the cost of each.
  { driver: 'pglite'; dataDir: string | null; snapshot?: Blob } | { driver: 'postgres'; url: string; poolSize: number };

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
  return options.driver === 'pglite'
    ? openPglite(options.dataDir, options.snapshot)
    : openPostgres(options.url, options.poolSize);
}

async function openPglite(dataDir: string | null, snapshot?: Blob): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : snapshot ? new PGlite({ loadDataDir: snapshot }) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite({ client, schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    // In process, a round trip costs next to nothing: an ordinary transaction that waits for the writes will do. It
    // refuses late queries all the same, so a chained write fails here as it would on Postgres.
    pipelinedTransaction: (work) =>
      db.transaction(async (tx) => {
        const guard = guardTransaction(tx);
        const handed = await work(tx);
        const writes = started(handed.writes);
        guard.seal();
        await writes;
        guard.check();
        return handed.value;
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
    pipelinedTransaction: (work) => pipelinedPostgresTransaction(sql, db, work),
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

/**
 * BEGIN goes out with the reads behind it on a reserved connection, not alone: `db.transaction` (postgres.js `begin`)
 * waits for BEGIN's answer before it runs the callback, a round trip of its own per batch. Postgres answers in order,
 * so BEGIN's answer arrives before the reads': if it failed (the reads then ran outside a transaction, where they change
 * nothing), every query asked after that is refused, so no write can run outside the transaction.
 *
 * The COMMIT is ours, sent once every write is on the connection's queue; the connection goes back to the pool only
 * once COMMIT (or ROLLBACK) is answered, so nothing of this transaction reaches whoever gets it next.
 *
 * When the connection is lost meanwhile (Postgres restarted, the backend killed), the pool takes it back at once. Our
 * patch of postgres.js (patches/) makes the reservation follow that rather than guess it from error codes: every query
 * of the transaction, sent or waiting, is rejected, later ones are refused, and `release` leaves a connection it no
 * longer owns to the pool. Unpatched, a query asked after the loss ran on the pool's closed connection and parked it
 * where the pool never looks again, and one waiting in the reservation's queue (COMMIT) never settled: after an
 * outage the group commit hung and the pool shrank.
 */
async function pipelinedPostgresTransaction<T>(
  sql: postgres.Sql,
  db: Db,
  work: (tx: Tx) => Promise<{ value: T; writes: Promise<unknown> }>,
): Promise<T> {
  type SessionArgs = ConstructorParameters<typeof PostgresJsSession>;
  const base = (db as unknown as { session: { dialect: PgDialect; schema: SessionArgs[2]; options: SessionArgs[3] } })
    .session;
  const reserved = await sql.reserve();
  try {
    const began = reserved.unsafe('begin').execute();
    // The transaction's session over the reserved connection, as drizzle builds one inside `begin`. (It has no
    // savepoints: the pipelined path never nests a transaction.)
    const session = new PostgresJsSession(reserved as unknown as postgres.Sql, base.dialect, base.schema, base.options);
    // Typed for a `begin` client; the reserved connection answers the same calls but savepoints.
    const tx = new PostgresJsTransaction(base.dialect, session as never, base.schema) as unknown as Tx;
    const guard = guardTransaction(tx, { prepare: true });
    const beginFailed = began.then(
      () => null,
      (error: unknown) => (guard.refuse(error), error),
    );
    let writes: Promise<unknown>;
    let value: T;
    try {
      const handed = await work(tx);
      value = handed.value;
      writes = started(handed.writes);
      guard.seal();
      // Observed below; a failure meanwhile must not count as unhandled.
      writes.catch(() => {});
      // The writes reach the connection's queue through chains of promise callbacks; once those have all run, COMMIT
      // can only queue behind them.
      await new Promise((resolve) => setImmediate(resolve));
      const failed = await beginFailed;
      if (failed) throw failed;
      // Refused before COMMIT left: roll back rather than commit a part.
      guard.check();
    } catch (error) {
      // Refused at once when the connection is gone; its transaction went with it.
      await reserved.unsafe('rollback').catch(() => {});
      throw error;
    }
    // A failed write aborted the transaction: Postgres answers this COMMIT with a rollback.
    await reserved.unsafe('commit');
    await writes;
    guard.check();
    return value;
  } finally {
    // Patched to do nothing once the pool has taken the connection back.
    reserved.release();
  }
}

/** Sends a query handed back unsent: a drizzle query is only sent once something waits for it. */
function started(writes: Promise<unknown>): Promise<unknown> {
  return writes.then((written) => written);
}

/** A query asked of a pipelined transaction once its writes were handed back, when COMMIT may already be on its way. */
export class LateQueryError extends Error {
  constructor(query: string) {
    super(
      `a query was asked of a pipelined transaction after its writes were handed back (it would run after COMMIT, ` +
        `outside the transaction): send every write before returning them. The query: ${query.slice(0, 200)}`,
    );
    this.name = 'LateQueryError';
  }
}

interface TransactionGuard {
  /** From now on every query asked of the transaction is refused. */
  seal(): void;
  /** Refuses every query from now on with `error`, which `check` then throws (BEGIN failed). */
  refuse(error: unknown): void;
  /** Throws the first refusal, or the first failure of any query of the transaction, even one no caller awaited. */
  check(): void;
}

interface PreparedQuery {
  execute(...args: unknown[]): Promise<unknown>;
  all(...args: unknown[]): Promise<unknown>;
}

/**
 * Queries with at most this many parameters run as named prepared statements on the pipelined transaction. The cap
 * bounds how many a connection keeps: a statement whose text grows with its batch (`in ($2, $3, ...)`, a multi-row
 * insert) makes one text per size, and only the small sizes are kept; larger ones run unnamed, as before.
 */
const MAX_PREPARED_PARAMETERS = 32;

/**
 * Watches every query `tx` runs (drizzle prepares each, builders and raw SQL alike, through its session): once sealed,
 * a query is refused when it would be sent, and any failure is kept for `check`.
 *
 * `prepare` (postgres.js): drizzle asks for an unnamed statement unless a query was given a name, and postgres.js sends
 * an unnamed statement with parameters as Parse and Describe first, waits for the answer, then binds it: two round
 * trips, and every query sent behind it waits until it is done, so the statements of a batch went out one after
 * another, not pipelined. A named statement is described once per connection, then only bound and executed: the
 * queries of a batch leave together and cost one round trip.
 */
function guardTransaction(tx: Tx, options: { prepare?: boolean } = {}): TransactionGuard {
  const session = (tx as unknown as { session: { prepareQuery: (...args: unknown[]) => PreparedQuery } }).session;
  const prepare = session.prepareQuery.bind(session);
  let sealed = false;
  let refusal: { error: unknown } | null = null;
  let failure: { error: unknown } | null = null;
  const fail = (error: unknown) => {
    failure ??= { error };
    throw error;
  };
  session.prepareQuery = (...args: unknown[]) => {
    const query = args[0] as { sql?: string; params?: unknown[] } | undefined;
    // The name only tells drizzle's postgres.js session to prepare; postgres.js names the statement itself.
    if (options.prepare && args[2] === undefined && (query?.params?.length ?? 0) <= MAX_PREPARED_PARAMETERS)
      args[2] = '';
    const prepared = prepare(...args);
    const text = query?.sql ?? '';
    for (const method of ['execute', 'all'] as const) {
      const run = prepared[method].bind(prepared);
      prepared[method] = (...runArgs: unknown[]) => {
        if (refusal) return Promise.reject(refusal.error).catch(fail);
        if (sealed) return Promise.reject(new LateQueryError(text)).catch(fail);
        return run(...runArgs).catch(fail);
      };
    }
    return prepared;
  };
  return {
    seal: () => {
      sealed = true;
    },
    refuse: (error) => {
      refusal ??= { error };
      failure ??= { error };
    },
    check: () => {
      if (failure) throw failure.error;
    },
  };
}
