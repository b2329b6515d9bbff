/**
 * Wall display links, the display policy, the headline figures and the recent-findings list through fastify.inject,
 * on embedded PGlite and on a real Postgres.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { arrival, checklist, finding, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import { ACTIVE_TEAM_WITHIN_MS } from '../../shared/constants';
import type { Summary } from '../../shared/schemas/summary';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

describe.each(drivers)('wall displays on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let otherCoordinator: string;
  let team: { token: string; teamId: string };
  let team2: { token: string; teamId: string };
  let stationIds: string[];

  const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, token: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload }),
    });

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
    team2 = await join(t.app, t.own.joinCodes[1]!.code);
    stationIds = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
  });
  afterAll(async () => t?.close());

  describe('display links', () => {
    it("lists the mission's links with the policy, every switch off by default", async () => {
      const { status, body } = await getJson(t.app, coordinator, '/api/display-links');
      expect(status).toBe(200);
      expect(body.policy).toEqual({ showsFindingText: false, showsTeamPositions: false, showsQuickCount: false });
      expect(body.links).toEqual([
        expect.objectContaining({ label: expect.stringMatching(/^Wall own-/), rotationSeconds: null, revokedAt: null }),
      ]);
    });

    it('makes a link whose token opens the display once, with its settings in the session', async () => {
      const res = await send('POST', '/api/display-links', coordinator, {
        label: '  Situation room, left  ',
        rotationSeconds: 15,
      });
      expect(res.statusCode).toBe(201);
      const created = res.json();
      expect(created.link).toMatchObject({ label: 'Situation room, left', rotationSeconds: 15, revokedAt: null });
      expect(created.path).toBe(`/display?token=${created.token}`);
      const session = await getJson(t.app, created.token, '/api/session');
      expect(session.body).toMatchObject({
        role: 'display',
        display: { id: created.link.id, label: 'Situation room, left', rotationSeconds: 15 },
      });
      expect((await getJson(t.app, coordinator, '/api/session')).body.display).toBeNull();
      // The token is never stored or listed.
      expect(JSON.stringify((await getJson(t.app, coordinator, '/api/display-links')).body)).not.toContain(
        created.token,
      );
    });

    it('names the field of a bad request', async () => {
      const cases: [object, string][] = [
        [{ label: '' }, 'label'],
        [{ label: '   ' }, 'label'],
        [{ label: 'x', rotationSeconds: 2 }, 'rotationSeconds'],
        [{ label: 'x', colour: 'red' }, 'colour'],
        [{}, 'label'],
      ];
      for (const [payload, field] of cases) {
        const res = await send('POST', '/api/display-links', coordinator, payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().message).toContain(field);
      }
      const link = (await getJson(t.app, coordinator, '/api/display-links')).body.links[0];
      const empty = await send('PATCH', `/api/display-links/${link.id}`, coordinator, {});
      expect(empty.statusCode).toBe(400);
      const notUuid = await send('DELETE', '/api/display-links/not-an-id', coordinator);
      expect(notUuid.statusCode).toBe(400);
      expect(notUuid.json().message).toContain('id');
    });

    it('renames a link and changes its rotation', async () => {
      const created = (await send('POST', '/api/display-links', coordinator, { label: 'Lobby' })).json();
      expect(created.link.rotationSeconds).toBeNull();
      const res = await send('PATCH', `/api/display-links/${created.link.id}`, coordinator, {
        label: 'Lobby TV',
        rotationSeconds: 30,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: created.link.id, label: 'Lobby TV', rotationSeconds: 30 });
      expect((await getJson(t.app, created.token, '/api/session')).body.display).toMatchObject({
        label: 'Lobby TV',
        rotationSeconds: 30,
      });
      const off = await send('PATCH', `/api/display-links/${created.link.id}`, coordinator, { rotationSeconds: null });
      expect(off.json().rotationSeconds).toBeNull();
    });

    it('revokes a link: its token stops working at once, the list keeps it as revoked, revoking again is harmless', async () => {
      const created = (await send('POST', '/api/display-links', coordinator, { label: 'Press room' })).json();
      expect((await getJson(t.app, created.token, '/api/stations')).status).toBe(200);
      const res = await send('DELETE', `/api/display-links/${created.link.id}`, coordinator);
      expect(res.statusCode).toBe(204);
      for (const url of ['/api/session', '/api/stations', '/api/summary', '/api/findings/recent']) {
        expect((await getJson(t.app, created.token, url)).status, url).toBe(401);
      }
      const listed = (await getJson(t.app, coordinator, '/api/display-links')).body.links.find(
        (l: { id: string }) => l.id === created.link.id,
      );
      expect(listed.revokedAt).not.toBeNull();
      expect((await send('DELETE', `/api/display-links/${created.link.id}`, coordinator)).statusCode).toBe(204);
      const rename = await send('PATCH', `/api/display-links/${created.link.id}`, coordinator, { label: 'Again' });
      expect(rename.statusCode).toBe(409);
    });

    it("is for the mission's coordinators only", async () => {
      const link = (await getJson(t.app, coordinator, '/api/display-links')).body.links[0];
      for (const token of [team.token, t.own.displayToken]) {
        expect((await getJson(t.app, token, '/api/display-links')).status).toBe(403);
        expect((await send('POST', '/api/display-links', token, { label: 'x' })).statusCode).toBe(403);
        expect((await send('DELETE', `/api/display-links/${link.id}`, token)).statusCode).toBe(403);
        expect(
          (await send('PUT', '/api/display-links/policy', token, { showsFindingText: true, showsTeamPositions: true }))
            .statusCode,
        ).toBe(403);
      }
      const stranger = await send('DELETE', `/api/display-links/${link.id}`, otherCoordinator);
      expect(stranger.statusCode).toBe(404);
      expect(stranger.json().details).toEqual([
        { field: 'params/id', problem: 'no such display link in this mission' },
      ]);
      expect(
        (await send('PATCH', `/api/display-links/${link.id}`, otherCoordinator, { label: 'mine' })).statusCode,
      ).toBe(404);
      expect((await getJson(t.app, t.own.displayToken, '/api/session')).status).toBe(200);
      expect((await send('DELETE', `/api/display-links/${randomUUID()}`, coordinator)).statusCode).toBe(404);
    });
  });

  describe('figures and findings', () => {
    let summaryBefore: Summary;
    const critical = finding('', '', 'critical', 4);

    beforeAll(async () => {
      summaryBefore = (await getJson(t.app, coordinator, '/api/summary')).body;
      Object.assign(critical, { teamId: team.teamId, stationId: stationIds[0] });
      const posted = [
        ...(
          await postEvents(t.app, team.token, [
            arrival(team.teamId, stationIds[0]!, 30),
            checklist(team.teamId, stationIds[0]!, 'very_bad', 'voting'),
            checklist(team.teamId, stationIds[0]!, 'good', 'opening'),
            critical,
            finding(team.teamId, stationIds[0]!, 'minor', 3),
          ])
        ).json().results,
        ...(
          await postEvents(t.app, team2.token, [
            arrival(team2.teamId, stationIds[2]!, 25),
            checklist(team2.teamId, stationIds[2]!, 'good', 'voting'),
            finding(team2.teamId, stationIds[2]!, 'serious', 2),
            {
              id: randomUUID(),
              type: 'help_request',
              teamId: team2.teamId,
              occurredAt: minutesAgo(1),
              note: 'Aggressive man at the door',
            },
          ])
        ).json().results,
      ];
      expect(posted.map((r: { status: string }) => r.status)).toEqual(Array(9).fill('stored'));
      const ack = {
        id: randomUUID(),
        type: 'finding_status',
        findingId: critical.id,
        status: 'resolved',
        occurredAt: minutesAgo(1),
      };
      expect((await postEvents(t.app, coordinator, [ack])).json().results[0].status).toBe('stored');
    });

    it('start at zero for a fresh mission', () => {
      expect(summaryBefore.stations).toMatchObject({ total: 3, coveredNow: 0, coveredToday: 0 });
      expect(summaryBefore.teams).toMatchObject({
        total: 2,
        active: 0,
        helpOpen: 0,
        activeWithinMinutes: ACTIVE_TEAM_WITHIN_MS / 60_000,
      });
      expect(summaryBefore.assessments.voting).toEqual({ observed: 0, bad: 0, veryBad: 0, negativeShare: null });
      expect(summaryBefore.stations.dayStartedAt).toBe('2025-11-29T18:00:00.000Z'); // midnight of 30 Nov in Bishkek (UTC+6)
    });

    it('equal what the read models hold, for every role', async () => {
      const stations = (await getJson(t.app, coordinator, '/api/stations')).body;
      const teams = (await getJson(t.app, coordinator, '/api/teams')).body.teams;
      const summary: Summary = (await getJson(t.app, coordinator, '/api/summary')).body;
      expect(summary.head).toBe(stations.head);
      expect(summary.stations).toMatchObject({
        total: stations.stations.length,
        coveredNow: stations.stations.filter(
          (s: { status: { presentTeamIds: string[] } }) => s.status.presentTeamIds.length > 0,
        ).length,
        coveredToday: 2,
      });
      expect(summary.teams).toMatchObject({ total: teams.length, active: 2, helpOpen: 1 });
      expect(summary.findings.reported).toEqual({ info: 0, minor: 1, serious: 1, critical: 1 });
      expect(summary.findings.open).toEqual({ info: 0, minor: 1, serious: 1, critical: 0 });
      expect(summary.assessments.voting).toEqual({ observed: 2, bad: 0, veryBad: 1, negativeShare: 0.5 });
      expect(summary.assessments.opening).toEqual({ observed: 1, bad: 0, veryBad: 0, negativeShare: 0 });
      expect(summary.assessments.closing.negativeShare).toBeNull();
      for (const token of [team.token, t.own.displayToken]) {
        const other = (await getJson(t.app, token, '/api/summary')).body;
        expect({ ...other, computedAt: null }).toEqual({ ...summary, computedAt: null });
      }
      expect((await t.app.inject({ method: 'GET', url: '/api/summary' })).statusCode).toBe(401);
    });

    it('keep missions apart', async () => {
      const other: Summary = (await getJson(t.app, otherCoordinator, '/api/summary')).body;
      expect(other.stations.coveredToday).toBe(0);
      expect(other.findings.reported).toEqual({ info: 0, minor: 0, serious: 0, critical: 0 });
    });

    it('lists recent findings newest first, with text for coordinators and not for displays', async () => {
      const forCoordinator = (await getJson(t.app, coordinator, '/api/findings/recent?limit=2')).body;
      expect(forCoordinator.findings).toHaveLength(2);
      expect(forCoordinator.findings[0]).toMatchObject({
        severity: 'serious',
        stationId: stationIds[2],
        stationNumber: '1003',
        district: 'Sverdlovsky',
        status: 'new',
        text: 'Several ballots folded together in the box',
      });
      const all = (await getJson(t.app, coordinator, '/api/findings/recent')).body.findings;
      expect(all.map((f: { severity: string }) => f.severity)).toEqual(['serious', 'minor', 'critical']);
      expect(all[2]).toMatchObject({
        id: critical.id,
        status: 'resolved',
        category: 'ballot_stuffing',
        stationNumber: '1001',
      });

      const forDisplay = (await getJson(t.app, t.own.displayToken, '/api/findings/recent')).body;
      expect(forDisplay.findings.map((f: { id: string }) => f.id)).toEqual(all.map((f: { id: string }) => f.id));
      for (const f of forDisplay.findings) expect(f).not.toHaveProperty('text');
      expect(JSON.stringify(forDisplay)).not.toContain('ballots folded');
      expect((await getJson(t.app, team.token, '/api/findings/recent')).status).toBe(403);
      expect((await getJson(t.app, otherCoordinator, '/api/findings/recent')).body.findings).toEqual([]);
    });

    it("shows displays the findings' text and team positions only once the mission allows it", async () => {
      const position = {
        id: randomUUID(),
        type: 'position',
        teamId: team.teamId,
        occurredAt: minutesAgo(1),
        position: { lat: 42.8612, lng: 74.5913 },
      };
      expect((await postEvents(t.app, team.token, [position])).json().results[0].status).toBe('stored');
      const hidden = await getJson(t.app, t.own.displayToken, '/api/teams');
      expect(hidden.body.teams[0].status.lastPosition).toBeNull();
      // Nor the teams' planned routes, whatever the policy.
      expect(hidden.body.teams.map((x: { assignedStationIds: string[] }) => x.assignedStationIds)).toEqual([[], []]);

      const res = await send('PUT', '/api/display-links/policy', coordinator, {
        showsFindingText: true,
        showsTeamPositions: true,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ showsFindingText: true, showsTeamPositions: true, showsQuickCount: false });
      expect((await getJson(t.app, coordinator, '/api/display-links')).body.policy).toEqual({
        showsFindingText: true,
        showsTeamPositions: true,
        showsQuickCount: false,
      });
      const findings = (await getJson(t.app, t.own.displayToken, '/api/findings/recent')).body.findings;
      expect(findings[0].text).toBe('Several ballots folded together in the box');
      const teams = (await getJson(t.app, t.own.displayToken, '/api/teams')).body.teams;
      expect(teams[0].status.lastPosition).toMatchObject({ lat: 42.8612, lng: 74.5913 });
      expect(JSON.stringify(teams)).not.toContain('Aigerim');
      // An incident away from a station: its dot's place reaches the wall under the same switch as team positions.
      const away = {
        id: randomUUID(),
        type: 'finding',
        teamId: team.teamId,
        occurredAt: minutesAgo(1),
        category: 'other',
        severity: 'serious',
        text: 'Voters arriving by bus near the market',
        position: { lat: 42.8701, lng: 74.6002 },
      };
      expect((await postEvents(t.app, team.token, [away])).json().results[0].status).toBe('stored');
      const awayLine = (await getJson(t.app, t.own.displayToken, '/api/findings/recent')).body.findings.find(
        (f: { id: string }) => f.id === away.id,
      );
      expect(awayLine).toMatchObject({
        stationId: null,
        severity: 'serious',
        position: { lat: 42.8701, lng: 74.6002 },
      });
      const feed = (await getJson(t.app, t.own.displayToken, '/api/events?after=0&limit=5000')).body.events;
      expect(feed.find((e: { id: string }) => e.id === position.id).position).toEqual({ lat: 42.8612, lng: 74.5913 });
      // Notes stay off the wall whatever the policy says.
      expect(JSON.stringify(feed)).not.toContain('Aggressive man');
      // Another mission's policy is its own.
      expect((await getJson(t.app, otherCoordinator, '/api/display-links')).body.policy).toEqual({
        showsFindingText: false,
        showsTeamPositions: false,
        showsQuickCount: false,
      });

      const badPolicy = await send('PUT', '/api/display-links/policy', coordinator, { showsFindingText: 'yes' });
      expect(badPolicy.statusCode).toBe(400);
      await send('PUT', '/api/display-links/policy', coordinator, {
        showsFindingText: false,
        showsTeamPositions: false,
      });
      expect((await getJson(t.app, t.own.displayToken, '/api/findings/recent')).body.findings[0]).not.toHaveProperty(
        'text',
      );
      const strict = JSON.stringify((await getJson(t.app, t.own.displayToken, '/api/findings/recent')).body);
      expect(strict).toContain(away.id);
      for (const secret of ['42.8701', 'Voters arriving']) expect(strict).not.toContain(secret);
    });

    it('names the limit when it is out of range', async () => {
      for (const limit of [0, 101, -1]) {
        const res = await getJson(t.app, coordinator, `/api/findings/recent?limit=${limit}`);
        expect(res.status).toBe(400);
        expect(res.body.message).toContain('limit');
      }
    });
  });

  describe('version', () => {
    it('answers the package version and the build served (none without a built client)', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/version' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), build: null });
    });

    it('documents the new routes in the OpenAPI document', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const path of [
        '/api/display-links',
        '/api/display-links/{id}',
        '/api/display-links/policy',
        '/api/summary',
        '/api/findings/recent',
        '/api/version',
      ]) {
        expect(doc.paths).toHaveProperty([path]);
      }
    });
  });
});
