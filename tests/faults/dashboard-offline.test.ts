/**
 * Fault: a dashboard is offline for a long stretch (thousands of events) and reconnects while phones keep reporting.
 * It gets what it missed from Postgres in frames, then live events, with the seam between the two under load: it must
 * end with exactly the database's log, every event once, in order.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MissionCredentials } from '../../server/modules/missions/mission-setup';
import { createTestDatabase, postgresAvailable } from '../helpers/services';
import { freePort, VigilInstance } from '../helpers/processes';
import { LiveDashboard, waitFor } from '../helpers/live-client';
import { PhoneFleet } from '../helpers/phones';
import {
  api,
  expectAcknowledgedExactlyOnce,
  expectDashboardsEqualDatabase,
  expectFiguresMatchLog,
  joinPhones,
  loginCoordinator,
  setUpFaultMission,
  stationIdsOf,
} from '../helpers/faults';

const OFFLINE_EVENTS = 6000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(postgresAvailable)('fault: a dashboard offline for thousands of events', () => {
  let url: string;
  let drop: () => Promise<void>;
  let vigil: VigilInstance;
  let mission: MissionCredentials;
  let fleet: PhoneFleet | undefined;
  const dashboards: LiveDashboard[] = [];

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
    mission = await setUpFaultMission(url, 4);
    vigil = new VigilInstance({ port: await freePort(), databaseUrl: url, redisUrl: null, name: 'solo' });
    await vigil.start();
  }, 120_000);

  afterAll(async () => {
    fleet?.close();
    for (const d of dashboards) d.close();
    await vigil?.stop('SIGKILL');
    await drop?.();
  });

  it('reconnects under load and ends with exactly the database log', async () => {
    const coordinator = await loginCoordinator(vigil.url, mission);
    const stations = await stationIdsOf(vigil.url, coordinator);
    const phones = await joinPhones(vigil.url, mission);
    const away = new LiveDashboard(vigil.url, coordinator, 0);
    const stayed = new LiveDashboard(vigil.url, coordinator, 0);
    dashboards.push(away, stayed);
    await Promise.all(dashboards.map((d) => d.connected()));

    fleet = new PhoneFleet(phones, stations, [vigil.url]);
    fleet.start(50);
    await sleep(500);
    away.socket.disconnect();
    // A long stretch: one phone's outbox, full after hours without a network, empties in big requests.
    const backlog = Array.from({ length: OFFLINE_EVENTS }, () => ({
      kind: 'event' as const,
      event: {
        id: randomUUID(),
        type: 'position' as const,
        teamId: phones[0]!.teamId,
        occurredAt: new Date().toISOString(),
        position: { lat: 42.87, lng: 74.6 },
      },
    }));
    const backlogPhone = fleet.phones[0]!;
    backlogPhone.made.push(...backlog.map((b) => b.event.id));
    await backlogPhone.outbox.enqueue(backlog);
    await waitFor(() => fleet!.pending() < 50, 60_000, 'the backlog to be stored');
    const missed =
      (await api(vigil.url, 'GET', '/api/events?after=0&limit=1', coordinator)).body.head - away.sequencer.lastSeq;
    expect(missed).toBeGreaterThan(OFFLINE_EVENTS);

    away.socket.connect();
    await sleep(1500);
    fleet.stop();
    await fleet.settled(30_000);

    const log = await expectAcknowledgedExactlyOnce(url, mission.missionId, fleet);
    await expectDashboardsEqualDatabase(dashboards, log);
    for (const instance of [vigil]) await expectFiguresMatchLog(instance.url, coordinator, dashboards[0]!.applied);
  }, 90_000);
});
