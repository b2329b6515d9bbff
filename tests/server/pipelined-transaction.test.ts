/**
 * The group commit's transaction sends its writes and COMMIT together: what it commits must still be all or nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../../db/client';
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
});
