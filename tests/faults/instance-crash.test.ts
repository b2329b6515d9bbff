/**
 * Fault: one of two instances is killed with SIGKILL in the middle of a steady load from retrying phones. Requests in
 * flight on it die with it (their transactions roll back, or commit with the answer lost); the phones move to the other
 * instance and resend. The killed instance comes back, its dashboards reconnect and catch up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_CI, postgresAvailable } from '../helpers/services';
import { hasBinary } from '../helpers/processes';
import { LiveDashboard } from '../helpers/live-client';
import { PhoneFleet } from '../helpers/phones';
import {
  expectAcknowledgedExactlyOnce,
  expectDashboardsEqualDatabase,
  expectFiguresMatchLog,
  joinPhones,
  loginCoordinator,
  startTwoInstances,
  stationIdsOf,
  type TwoInstances,
} from '../helpers/faults';

const redisServer = hasBinary('redis-server');
if (!redisServer && IN_CI) throw new Error('redis-server is required on CI for the fault tests');
const runnable = postgresAvailable && redisServer;
if (!runnable)
  console.warn('[vigil tests] instance-crash fault test skipped: it needs PostgreSQL and the redis-server binary');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(runnable)('fault: an instance is killed (SIGKILL) under load', () => {
  let setup: TwoInstances | undefined;
  let fleet: PhoneFleet | undefined;
  const dashboards: LiveDashboard[] = [];

  beforeAll(async () => {
    setup = await startTwoInstances(8);
  }, 120_000);

  afterAll(async () => {
    fleet?.close();
    for (const d of dashboards) d.close();
    await setup?.stop();
  });

  it('every acknowledged event is stored exactly once, the chain verifies, and every dashboard ends equal to the database', async () => {
    const { url, mission, a, b } = setup!;
    const coordinator = await loginCoordinator(a.url, mission);
    const stations = await stationIdsOf(a.url, coordinator);
    const phones = await joinPhones(b.url, mission);
    for (const instance of [a, b, a, b]) dashboards.push(new LiveDashboard(instance.url, coordinator, 0));
    await Promise.all(dashboards.map((d) => d.connected()));

    fleet = new PhoneFleet(phones, stations, [a.url, b.url]);
    fleet.start(40);
    await sleep(1500);
    const acknowledgedBeforeCrash = fleet.acknowledged.size;
    await a.stop('SIGKILL');
    await sleep(1500);
    // The orchestrator brings the instance back; its dashboards reconnect to it.
    await a.start();
    await sleep(1000);
    fleet.stop();
    await fleet.settled(30_000);

    console.info(
      `[fault] ${fleet.made.length} events made, ${fleet.failures.length} failed attempts (${fleet.failures.filter((f) => f.status === 0).length} lost connections)`,
    );
    expect(acknowledgedBeforeCrash).toBeGreaterThan(0);
    // Phones saw lost connections (the crash), never a server error.
    expect(fleet.failures.filter((f) => f.status !== 0 && f.status !== 503)).toEqual([]);
    const log = await expectAcknowledgedExactlyOnce(url, mission.missionId, fleet);
    await expectDashboardsEqualDatabase(dashboards, log);
    for (const instance of [a, b]) await expectFiguresMatchLog(instance.url, coordinator, dashboards[0]!.applied);
  }, 90_000);
});
