/**
 * The tamper-evident log: changing, deleting or reordering stored rows directly in SQL is caught, and the verifier
 * names the first event that does not fit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { and, eq, sql } from 'drizzle-orm';
import { events } from '../../db/schema/index';
import { eventHash } from '../../server/modules/log/hash-chain';
import { PROJECT_ROOT } from '../../server/config';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { arrival, departure, finding, getJson, join, login, postEvents } from '../helpers/events';
import { verifyAllLogs, verifyMissionLog } from '../../server/modules/log/log-verifier';

/** Arrival, finding, departure, arrival: four events of the own mission, through the API. */
async function writeFourEvents(t: TestApp): Promise<void> {
  const coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
  const team = await join(t.app, t.own.joinCodes[0]!.code);
  const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
  await postEvents(t.app, team.token, [
    arrival(team.teamId, stations[0], 30),
    finding(team.teamId, stations[0], 'serious', 25),
  ]);
  await postEvents(t.app, team.token, [departure(team.teamId, stations[0], 20), arrival(team.teamId, stations[1], 10)]);
}

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

describe.each(drivers)('log verifier on %s', (driver) => {
  let t: TestApp;
  const exec = (query: string) => t.database.db.execute(sql.raw(query));

  beforeEach(async () => {
    t = await buildTestApp(driver);
    await writeFourEvents(t);
  });
  afterEach(async () => t?.close());

  const own = () => verifyMissionLog(t.database.db, t.own.missionId);

  it('finds every untouched chain intact and reports its head', async () => {
    const verdicts = await verifyAllLogs(t.database.db);
    expect(verdicts).toHaveLength(2);
    expect(verdicts.find((v) => v.missionId === t.own.missionId)).toMatchObject({ ok: true, events: 4 });
  });

  it('names an event whose content was changed', async () => {
    await exec(
      `update events set payload = jsonb_set(payload, '{severity}', '"minor"') where mission_id = '${t.own.missionId}' and seq = 2`,
    );
    expect(await own()).toMatchObject({ ok: false, seq: 2, problem: expect.stringContaining('changed') });
  });

  it('names an event whose time was changed', async () => {
    await exec(
      `update events set occurred_at = occurred_at - interval '1 hour' where mission_id = '${t.own.missionId}' and seq = 1`,
    );
    expect(await own()).toMatchObject({ ok: false, seq: 1 });
  });

  it('names the hole left by a deleted event', async () => {
    await exec(`delete from events where mission_id = '${t.own.missionId}' and seq = 2`);
    expect(await own()).toMatchObject({ ok: false, seq: 2, problem: expect.stringContaining('missing') });
  });

  it('notices a deleted last event through the mission head', async () => {
    await exec(`delete from events where mission_id = '${t.own.missionId}' and seq = 4`);
    expect(await own()).toMatchObject({ ok: false, seq: 4, problem: expect.stringContaining('head') });
  });

  it('names reordered events', async () => {
    await exec(`update events set seq = -1 where mission_id = '${t.own.missionId}' and seq = 2`);
    await exec(`update events set seq = 2 where mission_id = '${t.own.missionId}' and seq = 3`);
    await exec(`update events set seq = 3 where mission_id = '${t.own.missionId}' and seq = -1`);
    expect(await own()).toMatchObject({ ok: false, seq: 2, problem: expect.stringContaining('does not follow') });
  });

  it('is not fooled by a rewritten row whose own hash was recomputed', async () => {
    // A forger who recomputes the changed row's hash still breaks the next row's prevHash.
    const [row] = await t.database.db
      .select()
      .from(events)
      .where(and(eq(events.missionId, t.own.missionId), eq(events.seq, 2)));
    const forged = { ...row!, payload: { ...row!.payload, text: 'nothing happened' } };
    await t.database.db
      .update(events)
      .set({ payload: forged.payload, hash: eventHash(forged) })
      .where(and(eq(events.missionId, t.own.missionId), eq(events.seq, 2)));
    expect(await own()).toMatchObject({ ok: false, seq: 3, problem: expect.stringContaining('does not follow') });
  });
});

describe.runIf(postgresAvailable)('npm run verify-log', () => {
  let t: TestApp;
  const exec = (query: string) => t.database.db.execute(sql.raw(query));

  beforeEach(async () => {
    t = await buildTestApp('postgres');
    await writeFourEvents(t);
  });
  afterEach(async () => t?.close());

  it('exits 0 on intact chains and 1 naming the broken event', async () => {
    const url = t.databaseUrl;
    expect(url).toBeTruthy();
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'server/verify-log.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATABASE_URL: url! },
        encoding: 'utf8',
      });
    const intact = run();
    expect(intact.status).toBe(0);
    expect(intact.stdout).toContain(`mission ${t.own.missionId}: 4 events, chain intact`);
    await exec(`delete from events where mission_id = '${t.own.missionId}' and seq = 3`);
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`mission ${t.own.missionId}: BROKEN at event 3`);
  });
});
