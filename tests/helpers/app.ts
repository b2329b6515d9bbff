/** Builds the real app for a test on a chosen driver, with two small missions set up through the real set-up code. */
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../../db/client';
import { openTestPglite } from './pglite-snapshot';
import { buildApp } from '../../server/app';
import { ensureClientBuilt } from '../../server/client-build';
import { loadConfig, type Config } from '../../server/config';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';
import { createMigratedTestDatabase } from './services';

export type Driver = 'pglite' | 'postgres';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  /** The throwaway Postgres database's URL (null on PGlite). */
  databaseUrl: string | null;
  own: MissionCredentials;
  other: MissionCredentials;
  close(): Promise<void>;
}

export const FIXTURE_PASSWORD = 'correct horse battery';

function missionPlan(tag: string) {
  return {
    mission: {
      name: `Test mission ${tag}`,
      electionDate: '2025-11-30',
      timeZone: 'Asia/Bishkek',
      centerLat: 42.8758,
      centerLng: 74.6037,
      bounds: [
        [74.5, 42.77],
        [74.68, 42.94],
      ] as [[number, number], [number, number]],
      outline: null,
      languages: ['en', 'ru'],
    },
    stations: [1001, 1002, 1003].map((n, i) => ({
      number: String(n),
      name: `School No. ${i + 1}`,
      address: `Chui Ave ${100 + i}`,
      district: i < 2 ? 'Leninsky' : 'Sverdlovsky',
      electoralDistrict: i < 2 ? '21' : '24',
      lat: 42.85 + i * 0.01,
      lng: 74.58 + i * 0.01,
      registeredVoters: 2000 + i,
    })),
    teams: [
      {
        callSign: 'T01',
        members: ['Aigerim Sadykova', 'Rashad Aliyev'],
        phone: '+996 555 000 001',
        languages: ['ru', 'az'],
        assignedStationNumbers: ['1001', '1002'],
      },
      {
        callSign: 'T02',
        members: ['Nurlan Abdyldaev', 'Leyla Mammadova'],
        phone: '+996 555 000 002',
        languages: ['ky', 'en'],
        assignedStationNumbers: ['1003'],
      },
    ],
    coordinator: { username: `coord-${tag}`, displayName: `Coordinator ${tag}`, password: FIXTURE_PASSWORD },
    displayLabel: `Wall ${tag}`,
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig(
    {},
    {
      dataDir: null,
      seedDemo: false,
      clientDir: null,
      logLevel: 'silent',
      redisUrl: null,
      databaseUrl: null,
      ...overrides,
    },
  );
}

export async function buildTestApp(driver: Driver, overrides: Partial<Config> = {}): Promise<TestApp> {
  let dropDatabase: (() => Promise<void>) | null = null;
  let databaseUrl: string | null = null;
  let database: Database;
  if (driver === 'postgres') {
    const created = await createMigratedTestDatabase();
    dropDatabase = created.drop;
    databaseUrl = created.url;
    database = await openDatabase({ driver: 'postgres', url: created.url, poolSize: 5 });
  } else {
    database = await openTestPglite();
  }
  const app = await buildApp(testConfig(overrides), { database });
  const suffix = Math.random().toString(36).slice(2, 8);
  const own = (await setUpMission(database.db, missionPlan(`own-${suffix}`)))!;
  const other = (await setUpMission(database.db, missionPlan(`other-${suffix}`)))!;
  return {
    app,
    database,
    databaseUrl,
    own,
    other,
    async close() {
      await app.close();
      await database.close();
      if (dropDatabase) await dropDatabase();
    },
  };
}

/**
 * A pglite test app that serves the built client and listens on a free port, for browser tests: the app and the base
 * URL a page opens.
 */
export async function servedTestApp(overrides: Partial<Config> = {}): Promise<{ t: TestApp; base: string }> {
  const config = loadConfig({});
  await ensureClientBuilt(config);
  const t = await buildTestApp('pglite', { clientDir: config.clientDir, ...overrides });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  return { t, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** The rows of a raw `db.execute`, whichever driver answered (postgres.js gives an array, PGlite `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
