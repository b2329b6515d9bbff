/**
 * Every mission-scoped table can be partitioned by mission (issue 16): read from the catalog, then shown by Postgres
 * itself, which refuses a partitioned table whose primary or unique keys leave out the partition key. Finally the real
 * app runs a short election-day flow on a database whose mission-scoped tables all are hash-partitioned by mission.
 */
import { mkdtempSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { drizzle } from 'drizzle-orm/pglite';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { MIGRATIONS_FOLDER } from '../../db/client';
import { DIRECTORY_TABLES } from '../../db/schema/index';
import { buildTestApp, FIXTURE_PASSWORD, rowsOf, type Driver, type TestApp } from '../helpers/app';
import { arrival, departure, finding, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import { postgresAvailable } from '../helpers/services';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

/** The mission-scoped tables the partitioning must cover: a floor, so an empty catalog read cannot pass. */
const EXPECTED_SCOPED = [
  'stations',
  'teams',
  'team_assignments',
  'events',
  'station_status',
  'team_status',
  'visits',
  'findings',
  'photos',
  'conflicts',
  'team_inbox',
  'turnout_reports',
  'results_protocols',
  'official_results',
];

async function query<T>(db: Db, text: string): Promise<T[]> {
  return rowsOf<T>(await db.execute(sql.raw(text)));
}

/** Public tables with a `mission_id` column, outside the directory. */
async function scopedTables(db: Db): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    db,
    `select c.relname as table_name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attname = 'mission_id' and not a.attisdropped
     where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
  );
  return rows.map((r) => r.table_name).filter((t) => !(DIRECTORY_TABLES as readonly string[]).includes(t));
}

interface KeyRow {
  table_name: string;
  name: string;
  kind: string;
  columns: string[];
}

/** Primary keys, unique constraints and every index, with their column names. */
async function keysOf(db: Db, tables: string[]): Promise<KeyRow[]> {
  return query<KeyRow>(
    db,
    `select t.relname as table_name, i.relname as name,
            case when x.indisprimary then 'primary key' when x.indisunique then 'unique' else 'index' end as kind,
            array(select a.attname::text from unnest(x.indkey) with ordinality as k(attnum, n)
                  join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.n) as columns
     from pg_index x join pg_class t on t.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
     join pg_namespace n on n.oid = t.relnamespace
     where n.nspname = 'public' and t.relname in (${tables.map((t) => `'${t}'`).join(', ')})`,
  );
}

interface ForeignKeyRow {
  table_name: string;
  name: string;
  target: string;
  pairs: string[];
}

/** Every foreign key of a public table: the columns it maps, as `column>target_column`. */
async function foreignKeys(db: Db): Promise<ForeignKeyRow[]> {
  return query<ForeignKeyRow>(
    db,
    `select t.relname as table_name, c.conname as name, r.relname as target,
            array(select a.attname || '>' || b.attname
                  from unnest(c.conkey, c.confkey) with ordinality as k(mine, theirs, n)
                  join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.mine
                  join pg_attribute b on b.attrelid = c.confrelid and b.attnum = k.theirs order by k.n) as pairs
     from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class r on r.oid = c.confrelid
     join pg_namespace n on n.oid = t.relnamespace
     where c.contype = 'f' and n.nspname = 'public'`,
  );
}

/**
 * Turns every mission-scoped table into a table hash-partitioned by mission, in place and keeping its rows, the way an
 * operator would: foreign keys touching them are dropped and put back exactly as the catalog defines them.
 */
async function partitionInPlace(db: Db, tables: string[], partitions: number): Promise<void> {
  const scoped = new Set(tables);
  const fks = await query<{ table_name: string; name: string; def: string; target: string }>(
    db,
    `select t.relname as table_name, c.conname as name, pg_get_constraintdef(c.oid) as def, r.relname as target
     from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class r on r.oid = c.confrelid
     join pg_namespace n on n.oid = t.relnamespace where c.contype = 'f' and n.nspname = 'public'`,
  );
  const touched = fks.filter((fk) => scoped.has(fk.table_name) || scoped.has(fk.target));
  const statements: string[] = [];
  for (const fk of touched) statements.push(`alter table "${fk.table_name}" drop constraint "${fk.name}"`);
  for (const table of tables) {
    statements.push(
      `alter table "${table}" rename to "${table}_unpartitioned"`,
      `create table "${table}" (like "${table}_unpartitioned" including all) partition by hash (mission_id)`,
      ...Array.from(
        { length: partitions },
        (_, i) =>
          `create table "${table}_p${i}" partition of "${table}" for values with (modulus ${partitions}, remainder ${i})`,
      ),
      `insert into "${table}" select * from "${table}_unpartitioned"`,
      `drop table "${table}_unpartitioned"`,
    );
  }
  for (const fk of touched) statements.push(`alter table "${fk.table_name}" add constraint "${fk.name}" ${fk.def}`);
  await db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement));
  });
}

describe.each(drivers)('partition keys on %s', (driver) => {
  let t: TestApp;
  let db: Db;
  let tables: string[];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    db = t.database.db;
    tables = await scopedTables(db);
  });
  afterAll(async () => t?.close());

  it('finds every mission-scoped table, and the directory tables it exempts exist', async () => {
    expect(tables).toEqual(expect.arrayContaining(EXPECTED_SCOPED));
    const all = await query<{ relname: string }>(
      db,
      `select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and relkind = 'r'`,
    );
    expect(all.map((r) => r.relname)).toEqual(expect.arrayContaining([...DIRECTORY_TABLES]));
  });

  it('puts mission_id first in every primary key, unique key and index of a mission-scoped table', async () => {
    const keys = await keysOf(db, tables);
    // Every table has a primary key, and the read is not empty by accident.
    expect(new Set(keys.filter((k) => k.kind === 'primary key').map((k) => k.table_name))).toEqual(new Set(tables));
    const missing = keys
      .filter((k) => k.columns[0] !== 'mission_id')
      .map((k) => `${k.table_name}.${k.name} (${k.kind})`);
    expect(missing).toEqual([]);
  });

  it('maps mission_id to mission_id in every foreign key to a mission-scoped table, the directory included', async () => {
    const fks = await foreignKeys(db);
    const toScoped = fks.filter((fk) => tables.includes(fk.target));
    expect(toScoped.length).toBeGreaterThan(10);
    const crossing = toScoped.filter((fk) => !fk.pairs.includes('mission_id>mission_id')).map((fk) => fk.name);
    expect(crossing).toEqual([]);
    // team_assignments names its team and station within its mission.
    expect(fks.filter((fk) => fk.table_name === 'team_assignments').map((fk) => [fk.target, fk.pairs])).toEqual(
      expect.arrayContaining([
        ['teams', ['mission_id>mission_id', 'team_id>id']],
        ['stations', ['mission_id>mission_id', 'station_id>id']],
      ]),
    );
  });

  it('Postgres accepts each mission-scoped table list-partitioned by mission, and refuses one keyed by id alone', async () => {
    await db.execute(sql.raw('create schema if not exists scratch'));
    try {
      for (const table of tables) {
        await db.execute(
          sql.raw(
            `create table scratch."${table}" (like public."${table}" including all) partition by list (mission_id)`,
          ),
        );
        await db.execute(
          sql.raw(
            `create table scratch."${table}_m" partition of scratch."${table}" for values in ('${randomUUID()}')`,
          ),
        );
      }
      // The control: the same statement on a table keyed as stations was before fails, so the loop above is a test.
      await db.execute(sql.raw('create table scratch.control (id uuid primary key, mission_id uuid not null)'));
      await expect(
        db.execute(
          sql.raw('create table scratch.control_p (like scratch.control including all) partition by list (mission_id)'),
        ),
      ).rejects.toThrow(/partition/i);
    } finally {
      await db.execute(sql.raw('drop schema scratch cascade'));
    }
  });

  describe('the app on hash-partitioned tables', () => {
    let coordinator: string;
    let phone: { token: string; teamId: string };

    beforeAll(async () => {
      // Made after the two fixture missions exist: their rows move into the partitions.
      await partitionInPlace(db, tables, 4);
      coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
      phone = await join(t.app, t.own.joinCodes[0]!.code);
    });

    it('every mission-scoped table is now partitioned, with its keys and foreign keys back', async () => {
      const parted = await query<{ relname: string }>(
        db,
        `select c.relname from pg_partitioned_table p join pg_class c on c.oid = p.partrelid`,
      );
      expect(parted.map((r) => r.relname).sort()).toEqual([...tables].sort());
      const fks = await foreignKeys(db);
      // A partitioned table's foreign key is copied to each partition under the same name: count the parent's.
      expect(fks.filter((fk) => fk.table_name === 'visits' && fk.name === 'visits_station_fk')).toHaveLength(1);
      expect(fks.filter((fk) => fk.table_name === 'access_tokens' && fk.target === 'teams')).toHaveLength(1);
    });

    it("reads one mission's rows from one partition", async () => {
      const plan = await query<{ 'QUERY PLAN': unknown }>(
        db,
        `explain (format json) select * from stations where mission_id = '${t.own.missionId}'`,
      );
      // PGlite hands the plan back as text, postgres.js as parsed JSON: compare the text either way.
      const text = JSON.stringify(plan).replace(/\\"/g, '"');
      expect(text.match(/"Relation Name":"stations_p\d"/g)).toHaveLength(1);
    });

    it('imports stations, checks in, reports and triages a finding, checks out', async () => {
      const imported = await t.app.inject({
        method: 'POST',
        url: '/api/stations/import',
        headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' },
        payload: [
          'number,name,address,district,electoral_district,lat,lng,registered_voters',
          '1001,School No. 1 (renamed),Chui Ave 100,Leninsky,21,42.85,74.58,2100',
          '1004,Gymnasium No. 5,Manas Ave 12,Oktyabrsky,22,42.83,74.62,1800',
        ].join('\n'),
      });
      expect(imported.json()).toMatchObject({ rows: 2, created: 1, updated: 1 });
      const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations;
      expect(stations.map((s: { number: string }) => s.number)).toEqual(['1001', '1002', '1003', '1004']);
      const newStation = stations[3].id as string;

      const reported = finding(phone.teamId, newStation, 'critical', 20);
      const results = (await postEvents(t.app, phone.token, [arrival(phone.teamId, newStation, 30), reported])).json()
        .results;
      expect(results.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored']);
      const triage = {
        id: randomUUID(),
        type: 'finding_status',
        findingId: reported.id,
        status: 'acknowledged',
        occurredAt: minutesAgo(15),
      };
      expect((await postEvents(t.app, coordinator, [triage])).json().results[0].status).toBe('stored');
      expect(
        (await postEvents(t.app, phone.token, [departure(phone.teamId, newStation, 10)])).json().results[0].status,
      ).toBe('stored');

      const station = (await getJson(t.app, coordinator, `/api/stations`)).body.stations[3];
      expect(station.status).toMatchObject({
        visitCount: 1,
        presentTeamIds: [],
        openFindings: 1,
        worstOpenSeverity: 'critical',
      });
      const findings = (await getJson(t.app, coordinator, '/api/findings')).body.findings;
      expect(findings).toEqual([expect.objectContaining({ id: reported.id, status: 'acknowledged' })]);
      const team = (await getJson(t.app, coordinator, '/api/teams')).body.teams.find(
        (x: { id: string }) => x.id === phone.teamId,
      );
      expect(team.visitedStationIds).toEqual([newStation]);
      // The other mission sees none of it, and its station list is unchanged.
      const otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
      expect((await getJson(t.app, otherCoordinator, '/api/findings')).body.findings).toEqual([]);
      expect((await getJson(t.app, otherCoordinator, '/api/stations')).body.stations).toHaveLength(3);
    });
  });
});

describe('migrating a database made before the partition keys', () => {
  let dir: string;
  beforeAll(() => {
    // The migrations as they stood before 0019: the same folder with its journal cut there.
    dir = mkdtempSync(joinPath(tmpdir(), 'vigil-migrations-'));
    cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
    const journalPath = joinPath(dir, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number; tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.idx < 19);
    writeFileSync(journalPath, JSON.stringify(journal));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every row, and gives each planned stop the mission of its team', async () => {
    const client = new PGlite();
    try {
      const db = drizzle({ client });
      await migrate(db, { migrationsFolder: dir });
      const m = [randomUUID(), randomUUID()] as const;
      const team = [randomUUID(), randomUUID()] as const;
      const station = [randomUUID(), randomUUID()] as const;
      for (const i of [0, 1] as const) {
        await client.exec(`
          insert into missions (id, name, election_date, time_zone, center_lat, center_lng, bounds, languages, last_hash)
            values ('${m[i]}', 'M${i}', '2025-11-30', 'Asia/Bishkek', 42.8, 74.6, '[[74.5,42.7],[74.7,42.9]]', '["en"]', 'h');
          insert into stations (id, mission_id, number, code, name, address, district)
            values ('${station[i]}', '${m[i]}', '1001', '1001', 'School', 'Chui Ave', 'Leninsky');
          insert into station_status (station_id, mission_id) values ('${station[i]}', '${m[i]}');
          insert into teams (id, mission_id, call_sign, members, languages) values ('${team[i]}', '${m[i]}', 'T01', '[]', '["en"]');
          insert into team_status (team_id, mission_id) values ('${team[i]}', '${m[i]}');
          insert into team_assignments (team_id, route_order, station_id) values ('${team[i]}', 0, '${station[i]}');
          insert into visits (id, mission_id, team_id, station_id, arrived_at)
            values ('${randomUUID()}', '${m[i]}', '${team[i]}', '${station[i]}', now());`);
      }
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
      const plans = await client.query<{ team_id: string; mission_id: string }>(
        'select team_id, mission_id from team_assignments order by mission_id',
      );
      expect(plans.rows).toEqual(
        ([0, 1] as const)
          .map((i) => ({ team_id: team[i], mission_id: m[i] }))
          .sort((a, b) => a.mission_id.localeCompare(b.mission_id)),
      );
      const counts = await client.query<{ n: number }>(
        `select (select count(*) from stations) + (select count(*) from station_status) + (select count(*) from teams)
              + (select count(*) from team_status) + (select count(*) from visits) as n`,
      );
      expect(Number(counts.rows[0]!.n)).toBe(10);
      // The new key holds: the same station id may now exist in another mission, not twice in one.
      await client.exec(
        `insert into stations (id, mission_id, number, code, name, address, district) values ('${station[0]}', '${m[1]}', '2', '2', 'S', 'A', 'D')`,
      );
      await expect(
        client.exec(
          `insert into stations (id, mission_id, number, code, name, address, district) values ('${station[0]}', '${m[1]}', '3', '3', 'S', 'A', 'D')`,
        ),
      ).rejects.toThrow(/duplicate key/);
    } finally {
      await client.close();
    }
  });
});
