/**
 * The pipelined transaction holds one reserved connection of the pool. When that connection is lost in the middle of
 * the transaction (Postgres restarted or the backend killed, a reset link), the transaction must fail at once, never
 * hang, and the pool must keep serving: the ingest group commit waits on this call, so a hang or a lost connection
 * wedges ingest until the process restarts (the database outage fault test found it).
 */
import net from 'node:net';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../../db/client';
import { createTestDatabase, postgresAvailable } from '../helpers/services';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails instead of hanging: what each step here guards against is a promise that never settles. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still unsettled after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The codes along an error's chain of causes (drizzle wraps the driver's error). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (typeof e.code === 'string') codes.push(e.code);
  return codes;
}

/** The transaction fails, soon, with the connection's loss as the cause. */
async function expectLost(outcome: Promise<unknown>, ...codes: string[]): Promise<void> {
  const error = await within(outcome, 5000, 'the transaction').then(
    () => expect.unreachable('the transaction committed'),
    (e: unknown) => e,
  );
  expect(
    codesOf(error).some((code) => codes.includes(code)),
    String(error),
  ).toBe(true);
}

describe.runIf(postgresAvailable)('pipelined transaction when its connection is lost', () => {
  let created: { url: string; drop: () => Promise<void> };
  let admin: postgres.Sql;
  const opened: Database[] = [];

  beforeEach(async () => {
    created = await createTestDatabase();
    admin = postgres(created.url, { max: 1, onnotice: () => {} });
    await admin`create table notes (id integer primary key, body text not null)`;
  });
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
    await admin.end({ timeout: 5 });
    await created.drop();
  });

  /** One connection, so a connection the pool loses, or lists as open while dead, fails every query after it. */
  async function singleConnection(url = created.url): Promise<Database> {
    const database = await openDatabase({ driver: 'postgres', url, poolSize: 1 });
    opened.push(database);
    return database;
  }

  const backendPid = async (tx: Parameters<Parameters<Database['pipelinedTransaction']>[0]>[0]) =>
    Number(rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid`))[0]!.pid);

  /** Waits until the backend has exited, then a little longer for the client to read the end of its socket. */
  async function terminate(pid: number): Promise<void> {
    await admin`select pg_terminate_backend(${pid})`;
    while ((await admin`select 1 from pg_stat_activity where pid = ${pid}`).length > 0) await sleep(10);
    await sleep(100);
  }

  async function expectPoolServes(database: Database): Promise<void> {
    const [row] = rowsOf<{ one: number }>(
      await within(database.db.execute(sql`select 1 as one`), 5000, 'a query after the loss'),
    );
    expect(row!.one).toBe(1);
    // And a transaction that pipelines again commits on the connection the pool opened anew.
    await within(
      database.pipelinedTransaction(async (tx) => {
        await tx.execute(sql`select 1`);
        return { value: null, writes: tx.execute(sql`insert into notes values (100, 'after')`) };
      }),
      5000,
      'a transaction after the loss',
    );
    expect((await admin`select id from notes`).map((r) => Number(r.id))).toContain(100);
  }

  it('fails, and the pool still serves, when the backend is killed while the transaction waits between reads and writes', async () => {
    const database = await singleConnection();
    const outcome = database.pipelinedTransaction(async (tx) => {
      await terminate(await backendPid(tx));
      // Past 1 KB postgres.js writes at once rather than on the next tick: to a connection already closed.
      return { value: null, writes: tx.execute(sql`insert into notes values (1, ${'x'.repeat(2000)})`) };
    });
    await expectLost(outcome, 'CONNECTION_CLOSED');
    await expectPoolServes(database);
  });

  it('fails, and the pool still serves, when the backend is killed while COMMIT waits behind the writes', async () => {
    const database = await singleConnection();
    const outcome = database.pipelinedTransaction(async (tx) => {
      const pid = await backendPid(tx);
      // A statement new to the connection is described before it runs, so the connection takes nothing more until
      // it is answered: the insert and then COMMIT wait in the reservation's own queue while pg_sleep runs.
      const writes = Promise.all([
        tx.execute(sql`select pg_sleep(${1})`),
        tx.execute(sql`insert into notes values (${2}, 'two')`),
      ]);
      setTimeout(() => void terminate(pid), 300);
      return { value: null, writes };
    });
    await expectLost(outcome, 'CONNECTION_CLOSED', '57P01');
    await expectPoolServes(database);
  });

  it('gets the connection the pool opens anew when the one it waited for is lost', async () => {
    const database = await singleConnection();
    const busy = database.db.execute(sql`select pg_sleep(10)`).catch((error: unknown) => error);
    let pid: number | undefined;
    while (pid === undefined) {
      const [row] = await admin`select pid from pg_stat_activity where query = 'select pg_sleep(10)'`;
      pid = row ? Number(row.pid) : undefined;
      await sleep(10);
    }
    // Waits in the pool's queue for the one connection; when it closes, the pool reconnects it for this request.
    const outcome = database.pipelinedTransaction(async (tx) => {
      await tx.execute(sql`select 1`);
      return { value: 'committed', writes: tx.execute(sql`insert into notes values (4, 'four')`) };
    });
    await sleep(50);
    await terminate(pid);
    expect(codesOf(await busy)).toContain('CONNECTION_CLOSED');
    expect(await within(outcome, 5000, 'the transaction waiting for a connection')).toBe('committed');
    await expectPoolServes(database);
  });

  it('fails, and the pool still serves, when the link is reset while a query of the pool waits for the connection', async () => {
    const link = await cuttableLink(new URL(created.url));
    try {
      const url = new URL(created.url);
      url.host = `127.0.0.1:${link.port}`;
      const database = await singleConnection(url.toString());
      let waiting!: Promise<unknown>;
      const outcome = database.pipelinedTransaction(async (tx) => {
        await tx.execute(sql`select 1`);
        // Queued for the one connection: when the reset closes it, the pool reconnects it for this query at once.
        waiting = database.db.execute(sql`select 2 as two`);
        link.reset();
        await sleep(100);
        return { value: null, writes: tx.execute(sql`insert into notes values (3, 'three')`) };
      });
      await expectLost(outcome, 'ECONNRESET', 'CONNECTION_CLOSED');
      expect(rowsOf<{ two: number }>(await within(waiting, 5000, 'the waiting query'))[0]!.two).toBe(2);
      await expectPoolServes(database);
    } finally {
      link.close();
    }
  });
});

/** A TCP proxy to Postgres whose open connections `reset` cuts with a TCP reset, as a crashed server's would be. */
async function cuttableLink(target: URL) {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy(), pairs.delete(pair));
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    reset: () => {
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    close: () => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      server.close();
    },
  };
}
