/** `npm run mission`: a new mission from the example files in a fresh embedded database, and a refusal naming each bad row. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { PROJECT_ROOT } from '../../server/config';
import { buildTestApp, FIXTURE_PASSWORD } from '../helpers/app';
import { login } from '../helpers/events';
import { createTestDatabase, postgresAvailable } from '../helpers/services';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-mission-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return runWith({ DATA_DIR: dir, PUBLIC_URL: 'https://vigil.example.org' }, ...args);
}

function runWith(env: Record<string, string | undefined>, ...args: string[]) {
  const base: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', DATA_DIR: dir };
  delete base.PUBLIC_URL;
  delete base.PORT;
  return spawnSync(process.execPath, ['--import', 'tsx', 'server/mission-cli.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
}
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

describe('mission set-up CLI', () => {
  it('creates a mission from a station CSV, a teams CSV and a plan, and prints its secrets once', async () => {
    const out = run(
      'create',
      '--name',
      'Osh example',
      '--election-date',
      '2026-04-12',
      '--stations',
      'examples/osh/stations.csv',
      '--teams',
      'examples/osh/teams.csv',
      '--plan',
      'examples/osh/plan.csv',
      '--username',
      'osh',
      '--password',
      'long enough secret',
      '--json',
    );
    expect(out.status, out.stderr).toBe(0);
    const created = JSON.parse(out.stdout);
    expect(created).toMatchObject({
      coordinator: { username: 'osh', password: 'long enough secret' },
      stations: 24,
      publicUrl: 'https://vigil.example.org',
    });
    expect(created.joinCodes.map((j: { callSign: string }) => j.callSign)).toEqual([
      'O01',
      'O02',
      'O03',
      'O04',
      'O05',
      'O06',
    ]);

    const bad = path.join(dir, 'plan.csv');
    writeFileSync(bad, 'team,station,order,phases\nO01,5001,1,opening\nO07,5002,1,\nO01,5003,x,\n');
    const refused = run(
      'create',
      '--name',
      'Broken',
      '--election-date',
      '2026-04-12',
      '--stations',
      'examples/osh/stations.csv',
      '--team-count',
      '3',
      '--plan',
      bad,
      '--username',
      'broken',
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Nothing was created');
    expect(refused.stderr).toContain('plan row 2 team: no team "O07" in this mission');
    expect(refused.stderr).toContain('plan row 3 order');
    expect(
      run(
        'create',
        '--name',
        'Again',
        '--election-date',
        '2026-04-12',
        '--stations',
        'examples/osh/stations.csv',
        '--team-count',
        '2',
        '--username',
        'osh',
      ).stderr,
    ).toContain('is taken');

    const listed = run('list');
    expect(listed.stdout).toContain(`${created.missionId}  Osh example  election 2026-04-12  live  0 events`);

    const database = await openDatabase({ driver: 'pglite', dataDir: path.join(dir, 'pglite') });
    try {
      const [counts] = rowsOf<{ missions: number; stations: number; teams: number; planned: number; opening: number }>(
        await database.db.execute(sql`
          select (select count(*)::int from missions) as missions, (select count(*)::int from stations) as stations,
                 (select count(*)::int from teams) as teams, (select count(*)::int from team_assignments) as planned,
                 (select count(*)::int from team_assignments where phases ? 'opening') as opening`),
      );
      expect(counts).toEqual({ missions: 1, stations: 24, teams: 6, planned: 24, opening: 6 });
    } finally {
      await database.close();
    }
  }, 360_000);

  it('finding 8: refuses what POST /api/teams refuses (one schema), naming the row and column, and creates nothing', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const teams = path.join(dir, 'evil-teams.csv');
    writeFileSync(
      teams,
      `call_sign,members,phone,languages\nO01,Ann,,ru\n"${evil}",Bob,,ru\nO03,${'x'.repeat(201)},,ru\n`,
    );
    const refused = run(
      'create',
      '--name',
      'Evil',
      '--election-date',
      '2026-04-12',
      '--stations',
      'examples/osh/stations.csv',
      '--teams',
      teams,
      '--username',
      'evil',
      '--display-label',
      ' ',
    );
    expect(refused.status, refused.stdout).toBe(1);
    expect(refused.stderr).toContain('Nothing was created');
    expect(refused.stderr).toMatch(/teams row 2 call_sign: .*pattern/);
    expect(refused.stderr).toMatch(/teams row 3 members: /);
    expect(refused.stderr).toMatch(/display label: /);
    expect(run('list').stdout).not.toContain('Evil');

    // The API says no to the same call sign, by the same schema.
    const t = await buildTestApp('pglite');
    try {
      const coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/teams',
        headers: { authorization: `Bearer ${coordinator}` },
        payload: { callSign: evil, members: ['Bob'], languages: ['ru'] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain('callSign');
    } finally {
      await t.close();
    }
  }, 360_000);
});

// On the shared Postgres server: three more embedded databases would take minutes on a busy machine.
describe.runIf(postgresAvailable)('mission set-up CLI links', () => {
  let database: { url: string; drop: () => Promise<void> } | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('prints its links with PUBLIC_URL, and says which address it assumed when PUBLIC_URL is not set', () => {
    const create = (env: Record<string, string>, username: string, ...more: string[]) =>
      runWith(
        { DATABASE_URL: database!.url, ...env },
        'create',
        '--name',
        `Links ${username}`,
        '--election-date',
        '2026-04-12',
        '--stations',
        'examples/osh/stations.csv',
        '--team-count',
        '2',
        '--username',
        username,
        ...more,
      );

    const told = create({ PUBLIC_URL: 'https://vigil.example.org/' }, 'told');
    expect(told.status, told.stderr).toBe(0);
    expect(told.stdout).toMatch(/^Coordinator: https:\/\/vigil\.example\.org\/ user=told password=\S+$/m);
    expect(told.stdout).toMatch(/^Team T01: join code (\S+) https:\/\/vigil\.example\.org\/join\?code=\1$/m);
    expect(told.stdout).not.toContain('localhost');
    expect(told.stdout).not.toContain('PUBLIC_URL is not set');

    const guessed = create({ PORT: '4123' }, 'guessed');
    expect(guessed.status, guessed.stderr).toBe(0);
    expect(guessed.stdout).toMatch(/^Display: http:\/\/localhost:4123\/display\?token=\S+$/m);
    expect(guessed.stdout).toContain(
      'The links assume the server is reached at http://localhost:4123 (PUBLIC_URL is not set)',
    );

    const flagged = create({}, 'flagged', '--public-url', 'https://field.example.net', '--json');
    expect(flagged.status, flagged.stderr).toBe(0);
    expect(JSON.parse(flagged.stdout)).toMatchObject({
      publicUrl: 'https://field.example.net',
      publicUrlAssumed: false,
    });
  }, 360_000);
});
