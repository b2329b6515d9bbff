/**
 * The group commit's transaction sends its writes and COMMIT together: what it commits must still be all or nothing,
 * a write sent too late must fail loudly (not hang, nor run outside the transaction), and the connection it hands
 * back must carry no COMMIT meant for it into someone else's transaction.
 */
import net from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LateQueryError, openDatabase, rowsOf, type Database } from '../../db/client';
import { createTestDatabase, postgresAvailable } from '../helpers/services';

const drivers = postgresAvailable ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(drivers)('pipelined transaction on %s', (driver) => {
  let database: Database;
  let drop = async () => {};

  beforeAll(async () => {
    if (driver === 'postgres') {
      const created = await createTestDatabase();
      drop = created.drop;
      database = await openDatabase({ driver, url: created.url, poolSize: 2 });
    } else {
      database = await openDatabase({ driver, dataDir: null });
    }
    await database.db.execute(sql`create table notes (id integer primary key, body text not null)`);
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });

  const storedIds = async () =>
    rowsOf<{ id: number }>(await database.db.execute(sql`select id from notes order by id`)).map((r) => Number(r.id));

  it('commits every write it was handed, and answers with what the reads found', async () => {
    const found = await database.pipelinedTransaction(async (tx) => {
      const before = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from notes`))[0]!.n;
      const writes = Promise.all([
        tx.execute(sql`insert into notes values (1, 'one')`),
        tx.execute(sql`insert into notes values (2, 'two')`),
        tx.execute(sql`update notes set body = 'uno' where id = 1`),
      ]);
      return { value: before, writes };
    });
    expect(found).toBe(0);
    expect(await storedIds()).toEqual([1, 2]);
  });

  it('commits nothing when one write fails, even the writes that succeeded before it', async () => {
    await expect(
      database.pipelinedTransaction(async (tx) => {
        const writes = Promise.all([
          tx.execute(sql`insert into notes values (3, 'three')`),
          tx.execute(sql`insert into notes values (1, 'a duplicate key')`),
          tx.execute(sql`insert into notes values (4, 'four')`),
        ]);
        return { value: null, writes };
      }),
    ).rejects.toThrow();
    expect(await storedIds()).toEqual([1, 2]);
  });

  it('commits nothing when a read fails before the writes', async () => {
    await expect(
      database.pipelinedTransaction(async (tx) => {
        const first = tx.execute(sql`insert into notes values (5, 'five')`);
        await tx.execute(sql`select 1 / 0`);
        return { value: null, writes: first };
      }),
    ).rejects.toThrow();
    expect(await storedIds()).toEqual([1, 2]);
  });

  it("refuses a write chained behind another write's answer, which would reach the connection after COMMIT", async () => {
    await expect(
      database.pipelinedTransaction(async (tx) => {
        const writes = tx
          .execute(sql`insert into notes values (6, 'six')`)
          .then(() => tx.execute(sql`insert into notes values (7, 'seven, too late')`));
        return { value: null, writes };
      }),
    ).rejects.toThrow(LateQueryError);
    // Never run outside the transaction. (The write before it may be committed already: that is the bug reported.)
    expect(await storedIds()).not.toContain(7);
    await database.db.execute(sql`delete from notes where id > 2`);
  });

  it('refuses a late query even when the caller swallows its error', async () => {
    await expect(
      database.pipelinedTransaction(async (tx) => {
        const writes = tx
          .execute(sql`insert into notes values (8, 'eight')`)
          .then(() => tx.execute(sql`insert into notes values (9, 'nine, too late')`).catch(() => {}));
        return { value: null, writes };
      }),
    ).rejects.toThrow(LateQueryError);
    expect(await storedIds()).not.toContain(9);
    await database.db.execute(sql`delete from notes where id > 2`);
  });

  it.runIf(driver === 'postgres')(
    'runs its queries as named prepared statements, which postgres.js sends together instead of one by one',
    async () => {
      // An unnamed statement with parameters is described (a round trip) before it is bound, and holds back every
      // query behind it: the reads and writes of a batch would go out one after another.
      const prepared = await database.pipelinedTransaction(async (tx) => {
        await tx.execute(sql`select body from notes where id = ${1}`);
        const rows = rowsOf<{ statement: string }>(await tx.execute(sql`select statement from pg_prepared_statements`));
        return { value: rows.map((r) => r.statement), writes: Promise.resolve() };
      });
      expect(prepared).toContain('select body from notes where id = $1');
    },
  );

  it.runIf(driver === 'postgres')(
    'costs two round trips: BEGIN leaves with the reads, and COMMIT with the writes',
    async () => {
      await overSlowLink(async (slow, proxy) => {
        await slow.pipelinedTransaction(async (tx) => {
          await Promise.all([tx.execute(sql`select 1`), tx.execute(sql`select count(*) from notes`)]);
          const writes = Promise.all([
            tx.execute(sql`insert into notes values (1, 'one')`),
            tx.execute(sql`insert into notes values (2, 'two')`),
          ]);
          return { value: null, writes };
        });
        // Each wave is what the client sent before waiting for an answer: [BEGIN + reads], [writes + COMMIT].
        expect(proxy.waves.map((wave) => wave.includes('commit'))).toEqual([false, true]);
        expect(proxy.waves[0]).toContain('begin');
      });
    },
    30_000,
  );

  it.runIf(driver === 'postgres')(
    'holds the rest of the batch back only while a statement new to the connection is described',
    async () => {
      await overSlowLink(async (slow, proxy) => {
        await slow.pipelinedTransaction(async (tx) => {
          await tx.execute(sql`select 1`);
          const writes = Promise.all([
            // New to the connection, with a parameter: described (a round trip), then run (another).
            tx.execute(sql`insert into notes values (${1}, 'one')`),
            tx.execute(sql`insert into notes values (2, 'two')`),
            tx.execute(sql`insert into notes values (3, 'three')`),
            tx.execute(sql`insert into notes values (4, 'four')`),
          ]);
          return { value: null, writes };
        });
        // [BEGIN + read], [describe], [run it], [the other writes + COMMIT]: not one wave for each write after it.
        expect(proxy.waves).toHaveLength(4);
        expect(proxy.waves[3]).toContain('four');
        expect(proxy.waves[3]).toContain('commit');
      });
    },
    30_000,
  );

  it.runIf(driver === 'postgres')(
    'hands its connection back out of any transaction: the next transaction on it keeps its own',
    async () => {
      // One connection: the transaction waiting for it gets it the moment the pipelined one has committed.
      const created = await createTestDatabase();
      const single = await openDatabase({ driver: 'postgres', url: created.url, poolSize: 1 });
      try {
        await single.db.execute(sql`create table notes (id integer primary key, body text not null)`);
        let waiting!: Promise<string>;
        await single.pipelinedTransaction(async (tx) => {
          await tx.execute(sql`select 1`);
          waiting = single.db.transaction(async (other) => {
            await other.execute(sql`set local statement_timeout = '54321ms'`);
            const [row] = rowsOf<{ t: string }>(
              await other.execute(sql`select current_setting('statement_timeout') as t`),
            );
            return row!.t;
          });
          return { value: null, writes: tx.execute(sql`insert into notes values (1, 'one')`) };
        });
        // A second COMMIT of the first transaction (postgres.js sends one when the callback returns) would reach the
        // connection after it was handed on: it would end the waiting transaction early, losing its SET LOCAL, or
        // leave it hanging, as it did before the fix.
        expect(await waiting).toBe('54321ms');
      } finally {
        await single.close();
        await created.drop();
      }
    },
    // Without the fix it hangs: fail well before the suite's timeout.
    20_000,
  );
});

/**
 * A TCP proxy to Postgres whose answers arrive `delayMs` late, recording what the client sends in waves: bytes sent
 * within half the delay of each other belong to one wave, so each wave is one round trip.
 */
/**
 * Runs `run` with a one-connection pool to a new database, through a link that delays each wave of what the client
 * sends by 150 ms, with a `notes` table and the waves recorded since then only.
 */
async function overSlowLink(
  run: (slow: Database, proxy: Awaited<ReturnType<typeof slowLink>>) => Promise<void>,
): Promise<void> {
  const created = await createTestDatabase();
  const proxy = await slowLink(new URL(created.url), 150);
  const url = new URL(created.url);
  url.host = `127.0.0.1:${proxy.port}`;
  const slow = await openDatabase({ driver: 'postgres', url: url.toString(), poolSize: 1 });
  try {
    await slow.db.execute(sql`create table notes (id integer primary key, body text not null)`);
    proxy.waves.length = 0;
    await run(slow, proxy);
  } finally {
    await slow.close();
    proxy.close();
    await created.drop();
  }
}

async function slowLink(target: URL, delayMs: number) {
  const waves: string[] = [];
  let lastSentAt = -Infinity;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      const now = performance.now();
      const text = chunk.toString('latin1').toLowerCase();
      if (now - lastSentAt > delayMs / 2) waves.push(text);
      else waves[waves.length - 1] += text;
      lastSentAt = now;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => setTimeout(() => client.writable && client.write(chunk), delayMs));
    const end = () => (client.destroy(), upstream.destroy());
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    waves,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
