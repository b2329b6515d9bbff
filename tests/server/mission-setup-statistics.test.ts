/**
 * A mission set up with a national list (the mission CLI's files) must leave the planner statistics of a list that
 * size, as an import does: without them the first whole-list read planned each page as a sort of every remaining
 * station, about 40 s at 200,000 stations instead of 2.4 s (BENCHMARKS.md, issue 16).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../../db/client';
import { buildLargeMission } from '../../db/seed/large-mission';
import { setUpMission } from '../../server/modules/missions/mission-setup';
import { createTestDatabase, postgresAvailable } from '../helpers/services';

describe.runIf(postgresAvailable)('setting up a mission with a national list, on Postgres', () => {
  let database: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    database = await openDatabase({ driver: 'postgres', url: created.url, poolSize: 2 });
    await database.migrate();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  const analyzed = async () =>
    rowsOf<{ relname: string; analyzed: boolean }>(
      await database.db.execute(
        sql`select relname, last_analyze is not null as analyzed from pg_stat_user_tables
            where relname in ('stations', 'station_status') order by relname`,
      ),
    );

  it('refreshes the statistics of the station tables when it writes a large list', async () => {
    const small = buildLargeMission(200, 1);
    await setUpMission(database.db, {
      mission: small.mission,
      stations: small.stations,
      teams: [],
      coordinator: { username: 'small-list', displayName: 'Small', password: 'correct horse battery' },
      displayLabel: 'Wall',
    });
    // A city's list is left to autovacuum: nothing to gain, and ANALYZE is not free.
    expect(await analyzed()).toEqual([
      { relname: 'station_status', analyzed: false },
      { relname: 'stations', analyzed: false },
    ]);

    const national = buildLargeMission(3_000, 2);
    await setUpMission(database.db, {
      mission: national.mission,
      stations: national.stations,
      teams: [],
      coordinator: { username: 'national-list', displayName: 'National', password: 'correct horse battery' },
      displayLabel: 'Wall',
    });
    expect(await analyzed()).toEqual([
      { relname: 'station_status', analyzed: true },
      { relname: 'stations', analyzed: true },
    ]);
  }, 60_000);
});
