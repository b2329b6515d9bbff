/**
 * Route sheets and the mission's emergency contacts through fastify.inject, on embedded PGlite and on a real Postgres:
 * each team's stations in route order with their phases, contacts validated and kept per mission, and none of it for
 * phones or walls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, join, login } from '../helpers/events';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

describe.each(drivers)('route sheets API on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let otherCoordinator: string;
  let team: { token: string; teamId: string };

  const put = (token: string, payload: unknown) =>
    t.app.inject({
      method: 'PUT',
      url: '/api/mission/emergency-contacts',
      headers: { authorization: `Bearer ${token}` },
      payload: payload as object,
    });

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
  });
  afterAll(async () => t?.close());

  it("gives every team's sheet: its stations in route order with code, name, address and phases", async () => {
    const { status, body } = await getJson(t.app, coordinator, '/api/mission/route-sheets');
    expect(status).toBe(200);
    expect(body.contacts).toEqual([]);
    expect(body.sheets.map((s: { callSign: string }) => s.callSign)).toEqual(['T01', 'T02']);
    const [t01, t02] = body.sheets;
    expect(t01.members).toEqual(['Aigerim Sadykova', 'Rashad Aliyev']);
    expect(t01.stops.map((s: { code: string }) => s.code)).toEqual(['1001', '1002']);
    expect(t01.stops[0]).toMatchObject({
      name: 'School No. 1',
      address: 'Chui Ave 100',
      district: 'Leninsky',
      lat: 42.85,
      lng: 74.58,
    });
    expect(t01.stops[0].phases.length).toBeGreaterThan(0);
    expect(t02.stops.map((s: { code: string }) => s.code)).toEqual(['1003']);

    const one = await getJson(t.app, coordinator, `/api/mission/route-sheets?teamId=${team.teamId}`);
    expect(one.body.sheets.map((s: { teamId: string }) => s.teamId)).toEqual([team.teamId]);
  });

  it("answers 404 for another mission's team and 400 for a teamId that is no id", async () => {
    const otherTeam = await join(t.app, t.other.joinCodes[0]!.code);
    const foreign = await getJson(t.app, coordinator, `/api/mission/route-sheets?teamId=${otherTeam.teamId}`);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).toContain('teamId');
    const bad = await getJson(t.app, coordinator, '/api/mission/route-sheets?teamId=T01');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('teamId');
  });

  it('keeps the emergency contacts a coordinator sets and prints them on the sheets; bad input is a 400 naming the field', async () => {
    const contacts = [
      { name: 'Core team desk', role: 'Coordination', phone: '+996 312 000 101' },
      { name: '  Security officer ', phone: '0555-000-102' },
    ];
    const saved = await put(coordinator, { contacts });
    expect(saved.statusCode).toBe(200);
    const tidy = [contacts[0], { name: 'Security officer', phone: '0555-000-102' }];
    expect(saved.json()).toEqual({ contacts: tidy });
    expect((await getJson(t.app, coordinator, '/api/mission/emergency-contacts')).body).toEqual({ contacts: tidy });
    expect((await getJson(t.app, coordinator, '/api/mission/route-sheets')).body.contacts).toEqual(tidy);

    for (const [bad, field] of [
      [{ contacts: [{ name: 'Desk', phone: 'call me' }] }, '/contacts/0/phone'],
      [{ contacts: [{ name: '', phone: '+996 312 000 101' }] }, '/contacts/0/name'],
      [{ contacts: [{ name: '   ', phone: '+996 312 000 101' }] }, '/contacts/0/name'],
      [{ contacts: [{ name: 'Desk' }] }, 'phone'],
      [{ contacts: [{ name: 'Desk', phone: '112', email: 'x@y' }] }, 'email'],
      [{ contacts: Array.from({ length: 9 }, (_, i) => ({ name: `C${i}`, phone: `+1 555 010${i}` })) }, '/contacts'],
      [
        {
          contacts: [
            { name: 'A', phone: '+996 312 000 101' },
            { name: 'B', phone: '+996312000101' },
          ],
        },
        '/contacts/1/phone',
      ],
    ] as const) {
      const res = await put(coordinator, bad);
      expect(res.statusCode, field).toBe(400);
      expect(res.body, field).toContain(field);
    }
    // Nothing of a refused list was stored.
    expect((await getJson(t.app, coordinator, '/api/mission/emergency-contacts')).body).toEqual({ contacts: tidy });
    // The other mission keeps its own (none).
    expect((await getJson(t.app, otherCoordinator, '/api/mission/emergency-contacts')).body).toEqual({ contacts: [] });
  });

  it('keeps route sheets and contacts from phones and walls', async () => {
    for (const token of [team.token, t.own.displayToken]) {
      expect((await getJson(t.app, token, '/api/mission/route-sheets')).status).toBe(403);
      expect((await getJson(t.app, token, '/api/mission/emergency-contacts')).status).toBe(403);
      expect((await put(token, { contacts: [] })).statusCode).toBe(403);
    }
  });
});
