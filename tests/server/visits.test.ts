/** How check-ins become visits and presence, including phones that forget to check out or upload late. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type TestApp } from '../helpers/app';
import { arrival, departure, getJson, join, login, postEvents } from '../helpers/events';

describe('visits and presence', () => {
  let t: TestApp;
  let coordinator: string;
  let phone: { token: string; teamId: string };
  let secondPhone: { token: string; teamId: string };
  let s: string[];

  const station = async (i: number) => (await getJson(t.app, coordinator, '/api/stations')).body.stations[i].status;
  const team = async () => (await getJson(t.app, coordinator, '/api/teams')).body.teams[0].status;
  const store = async (token: string, event: object) => {
    const result = (await postEvents(t.app, token, [event])).json().results[0];
    expect(result.status, JSON.stringify(result)).toBe('stored');
  };

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    phone = await join(t.app, t.own.joinCodes[0]!.code);
    secondPhone = await join(t.app, t.own.joinCodes[0]!.code);
    s = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((x: { id: string }) => x.id);
  });
  afterAll(async () => t?.close());

  it('a check-in elsewhere without a check-out ends the earlier visit', async () => {
    await store(phone.token, arrival(phone.teamId, s[0]!, 60));
    await store(phone.token, arrival(phone.teamId, s[1]!, 40));
    expect(await station(0)).toMatchObject({ presentTeamIds: [], visitCount: 1 });
    expect(await station(1)).toMatchObject({ presentTeamIds: [phone.teamId], visitCount: 1 });
    expect((await team()).currentStationId).toBe(s[1]);
    // The first visit is closed, so a departure from it is refused.
    const late = (await postEvents(t.app, phone.token, [departure(phone.teamId, s[0]!, 35)])).json().results[0];
    expect(late).toMatchObject({ status: 'rejected', field: '/stationId' });
  });

  it('the second phone of a team checking in at the same station is kept but is the same visit', async () => {
    await store(secondPhone.token, arrival(secondPhone.teamId, s[1]!, 39));
    expect(await station(1)).toMatchObject({ presentTeamIds: [phone.teamId], visitCount: 1 });
  });

  it('a late upload of an earlier visit counts the visit without moving the team', async () => {
    await store(phone.token, arrival(phone.teamId, s[2]!, 50));
    expect(await station(2)).toMatchObject({ presentTeamIds: [], visitCount: 1 });
    expect((await team()).currentStationId).toBe(s[1]);
    const status = await station(2);
    expect(Date.parse(status.firstVisitAt)).toBeLessThan(Date.parse((await station(1)).firstVisitAt));
  });

  it('a departure before its arrival is refused', async () => {
    const result = (await postEvents(t.app, phone.token, [departure(phone.teamId, s[1]!, 45)])).json().results[0];
    expect(result).toMatchObject({
      status: 'rejected',
      field: '/occurredAt',
      error: 'departure is earlier than the arrival',
    });
    await store(phone.token, departure(phone.teamId, s[1]!, 30));
    expect(await station(1)).toMatchObject({ presentTeamIds: [] });
    expect((await team()).currentStationId).toBeNull();
  });
});

describe('visit history per team', () => {
  it('lists the stations a team visited for coordinators and the team, never for displays', async () => {
    const t = await buildTestApp('pglite');
    try {
      const coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
      const phone = await join(t.app, t.own.joinCodes[0]!.code);
      const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map(
        (x: { id: string }) => x.id,
      );
      await postEvents(t.app, phone.token, [
        arrival(phone.teamId, stations[0], 30),
        arrival(phone.teamId, stations[1], 20),
      ]);
      const own = (await getJson(t.app, phone.token, '/api/teams')).body.teams[0];
      expect([...own.visitedStationIds].sort()).toEqual([stations[0], stations[1]].sort());
      const forCoordinator = (await getJson(t.app, coordinator, '/api/teams')).body.teams.find(
        (x: { id: string }) => x.id === phone.teamId,
      );
      expect(forCoordinator.visitedStationIds).toHaveLength(2);
      const forWall = (await getJson(t.app, t.own.displayToken, '/api/teams')).body.teams[0];
      expect(forWall).not.toHaveProperty('visitedStationIds');
    } finally {
      await t.close();
    }
  });
});
