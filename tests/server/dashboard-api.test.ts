/**
 * The coordinators' dashboard API (triage feed, coverage, team alert acknowledgements, alert settings) through
 * fastify.inject, on embedded PGlite and on a real Postgres.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { arrival, checklist, finding, getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import { fillHours, sumCoverage } from '../../server/modules/coverage/coverage.service';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

async function count(t: TestApp, query: string): Promise<number> {
  const result = await t.database.db.execute<{ n: number }>(sql.raw(query));
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: { n: number }[] }).rows) as {
    n: number;
  }[];
  return rows[0]!.n;
}

describe('coverage helpers', () => {
  it('fills quiet hours with zeros between the first and the last hour with news', () => {
    const filled = fillHours([
      { hour: '2025-11-30T02:00:00.000Z', checkIns: 3, findings: 0 },
      { hour: '2025-11-30T05:00:00.000Z', checkIns: 1, findings: 2 },
    ]);
    expect(filled.map((h) => [h.hour.slice(11, 13), h.checkIns, h.findings])).toEqual([
      ['02', 3, 0],
      ['03', 0, 0],
      ['04', 0, 0],
      ['05', 1, 2],
    ]);
    expect(fillHours([])).toEqual([]);
  });

  it('sums districts into the city', () => {
    const part = {
      total: 3,
      visited: 2,
      presentNow: 1,
      neverVisited: 1,
      observedByPhase: { opening: 1, voting: 2, closing: 0 },
    };
    expect(sumCoverage([part, part])).toEqual({
      total: 6,
      visited: 4,
      presentNow: 2,
      neverVisited: 2,
      observedByPhase: { opening: 2, voting: 4, closing: 0 },
    });
  });
});

describe.each(drivers)('dashboard API on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let otherCoordinator: string;
  let team: { token: string; teamId: string };
  let team2: { token: string; teamId: string };
  let display: string;
  let stationIds: string[];

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    otherCoordinator = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    team = await join(t.app, t.own.joinCodes[0]!.code);
    team2 = await join(t.app, t.own.joinCodes[1]!.code);
    display = t.own.displayToken;
    stationIds = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map((s: { id: string }) => s.id);
  });
  afterAll(async () => t?.close());

  it("tells the session the mission's alert settings (defaults 45 min silent, polling 07:00-20:00, 15 min for critical)", async () => {
    const { body } = await getJson(t.app, coordinator, '/api/session');
    expect(body.mission.alerts).toEqual({
      silentTeamMinutes: 45,
      pollingStartsAt: '07:00',
      pollingEndsAt: '20:00',
      criticalAckMinutes: 15,
    });
  });

  it("lets a coordinator change the mission's alert settings; bad values get a 400 naming the field and change nothing", async () => {
    const put = (token: string, payload: unknown) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/mission/alert-settings',
        headers: { authorization: `Bearer ${token}` },
        payload: payload as object,
      });
    const settings = {
      silentTeamMinutes: 30,
      pollingStartsAt: '08:00',
      pollingEndsAt: '20:00',
      criticalAckMinutes: 10,
    };
    const saved = await put(coordinator, settings);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual(settings);
    for (const [bad, field] of [
      [{ ...settings, pollingStartsAt: '25:00' }, 'pollingStartsAt'],
      [{ ...settings, silentTeamMinutes: 0 }, 'silentTeamMinutes'],
      [{ ...settings, criticalAckMinutes: 'soon' }, 'criticalAckMinutes'],
      [{ ...settings, extra: true }, 'extra'],
    ] as const) {
      const res = await put(coordinator, bad);
      expect(res.statusCode, field).toBe(400);
      expect(res.body, field).toContain(field);
    }
    expect((await put(team.token, settings)).statusCode).toBe(403);
    expect((await put(display, settings)).statusCode).toBe(403);
    expect((await getJson(t.app, coordinator, '/api/session')).body.mission.alerts).toEqual(settings);
    // The other mission keeps its own.
    expect((await getJson(t.app, otherCoordinator, '/api/session')).body.mission.alerts.silentTeamMinutes).toBe(45);
    await put(coordinator, {
      silentTeamMinutes: 45,
      pollingStartsAt: '07:00',
      pollingEndsAt: '20:00',
      criticalAckMinutes: 15,
    });
  });

  it('lists every finding with text, place, team and triage; acknowledgement records who and when, the last note is kept', async () => {
    const reported = finding(team.teamId, stationIds[0]!, 'critical', 20);
    expect((await postEvents(t.app, team.token, [reported])).statusCode).toBe(200);
    let { status, body } = await getJson(t.app, coordinator, '/api/findings');
    expect(status).toBe(200);
    expect(body.findings[0]).toMatchObject({
      id: reported.id,
      text: reported.text,
      category: 'ballot_stuffing',
      severity: 'critical',
      status: 'new',
      stationNumber: '1001',
      district: 'Leninsky',
      teamId: team.teamId,
      teamCallSign: 'T01',
      acknowledgedAt: null,
      acknowledgedBy: null,
      lastNote: null,
    });

    const ack = {
      id: randomUUID(),
      type: 'finding_status',
      findingId: reported.id,
      status: 'acknowledged',
      occurredAt: minutesAgo(5),
    };
    const escalate = {
      id: randomUUID(),
      type: 'finding_status',
      findingId: reported.id,
      status: 'escalated',
      occurredAt: minutesAgo(4),
      note: 'called the CEC hotline',
    };
    expect(
      (await postEvents(t.app, coordinator, [ack, escalate])).json().results.map((r: { status: string }) => r.status),
    ).toEqual(['stored', 'stored']);
    ({ body } = await getJson(t.app, coordinator, '/api/findings'));
    const row = body.findings.find((f: { id: string }) => f.id === reported.id);
    expect(row).toMatchObject({
      status: 'escalated',
      acknowledgedAt: ack.occurredAt,
      acknowledgedBy: t.own.coordinator.username,
      statusChangedAt: escalate.occurredAt,
      lastNote: 'called the CEC hotline',
    });
    // A triage without a note keeps the last note.
    const resolve = {
      id: randomUUID(),
      type: 'finding_status',
      findingId: reported.id,
      status: 'resolved',
      occurredAt: minutesAgo(3),
    };
    await postEvents(t.app, coordinator, [resolve]);
    ({ body } = await getJson(t.app, coordinator, '/api/findings'));
    expect(body.findings.find((f: { id: string }) => f.id === reported.id)).toMatchObject({
      status: 'resolved',
      lastNote: 'called the CEC hotline',
      acknowledgedAt: ack.occurredAt,
    });
  });

  it('records who and when for each transition, and assigns a finding to a coordinator: in GET /api/findings, the station panel and findings.csv', async () => {
    const reported = finding(team.teamId, stationIds[1]!, 'serious', 30);
    await postEvents(t.app, team.token, [reported]);
    const me = t.own.coordinator.username;
    const ack = {
      id: randomUUID(),
      type: 'finding_status',
      findingId: reported.id,
      status: 'acknowledged',
      occurredAt: minutesAgo(25),
    };
    const escalate = {
      id: randomUUID(),
      type: 'finding_status',
      findingId: reported.id,
      status: 'escalated',
      occurredAt: minutesAgo(20),
    };
    const assign = {
      id: randomUUID(),
      type: 'finding_assigned',
      findingId: reported.id,
      assignee: me,
      occurredAt: minutesAgo(19),
    };
    const stored = (await postEvents(t.app, coordinator, [ack, escalate, assign])).json().results;
    expect(stored.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored', 'stored']);
    const rowOf = async () =>
      (await getJson(t.app, coordinator, '/api/findings')).body.findings.find(
        (f: { id: string }) => f.id === reported.id,
      );
    expect(await rowOf()).toMatchObject({
      acknowledgedAt: ack.occurredAt,
      acknowledgedBy: me,
      statusChangedAt: escalate.occurredAt,
      statusChangedBy: me,
      resolvedAt: null,
      resolvedBy: null,
      assignedTo: me,
      assignedAt: assign.occurredAt,
    });
    // Assigning it again to the same coordinator is refused; the one who has it can give it back.
    const again = await postEvents(t.app, coordinator, [{ ...assign, id: randomUUID() }]);
    expect(again.json().results[0]).toMatchObject({ status: 'rejected', field: '/assignee' });
    const resolve = {
      id: randomUUID(),
      type: 'finding_status',
      findingId: reported.id,
      status: 'resolved',
      occurredAt: minutesAgo(10),
      note: 'commission recounted',
    };
    await postEvents(t.app, coordinator, [resolve]);
    expect(await rowOf()).toMatchObject({
      status: 'resolved',
      resolvedAt: resolve.occurredAt,
      resolvedBy: me,
      statusChangedBy: me,
      assignedTo: me,
    });

    const panel = (await getJson(t.app, coordinator, `/api/stations/${stationIds[1]}/detail`)).body.findings.find(
      (f: { id: string }) => f.id === reported.id,
    );
    expect(panel).toMatchObject({
      acknowledgedBy: me,
      acknowledgedAt: ack.occurredAt,
      resolvedBy: me,
      resolvedAt: resolve.occurredAt,
      assignedTo: me,
    });

    const res = await t.app.inject({
      method: 'GET',
      url: '/api/exports/findings.csv',
      headers: { authorization: `Bearer ${coordinator}` },
    });
    const rows = parse(res.body, { columns: true, comment: '#' }) as Record<string, string>[];
    expect(rows.find((r) => r.id === reported.id)).toMatchObject({
      acknowledged_at: ack.occurredAt,
      acknowledged_by: me,
      status_changed_at: resolve.occurredAt,
      status_changed_by: me,
      resolved_at: resolve.occurredAt,
      resolved_by: me,
      assigned_to: me,
    });

    const unassign = {
      id: randomUUID(),
      type: 'finding_assigned',
      findingId: reported.id,
      assignee: null,
      occurredAt: minutesAgo(5),
    };
    expect((await postEvents(t.app, coordinator, [unassign])).json().results[0]).toMatchObject({ status: 'stored' });
    expect(await rowOf()).toMatchObject({ assignedTo: null, assignedAt: null });

    // A wall sees that a finding changed hands, never to whom.
    const feed = (await getJson(t.app, display, '/api/events?after=0&limit=5000')).body.events;
    const shown = feed.find((e: { id: string }) => e.id === assign.id);
    expect(shown).toMatchObject({ type: 'finding_assigned' });
    expect(shown).not.toHaveProperty('assignee');
    expect(shown).not.toHaveProperty('findingId');
    expect(shown).not.toHaveProperty('actor');
  });

  it('refuses assignments from teams, of unknown findings, and to anyone not a coordinator of the mission; writes nothing', async () => {
    const reported = finding(team.teamId, stationIds[0]!, 'minor', 15);
    await postEvents(t.app, team.token, [reported]);
    const before = await count(t, 'select count(*)::int as n from events');
    const assign = (over: object) => ({
      id: randomUUID(),
      type: 'finding_assigned',
      findingId: reported.id,
      assignee: t.own.coordinator.username,
      occurredAt: minutesAgo(1),
      ...over,
    });
    const byTeam = await postEvents(t.app, team.token, [assign({})]);
    expect(byTeam.json().results[0]).toMatchObject({ status: 'rejected', field: '/type' });
    const unknown = await postEvents(t.app, coordinator, [assign({ findingId: randomUUID() })]);
    expect(unknown.json().results[0]).toMatchObject({ status: 'rejected', field: '/findingId' });
    // The other mission's coordinator is no coordinator of this one, and cannot triage this mission's findings either.
    const stranger = await postEvents(t.app, coordinator, [assign({ assignee: t.other.coordinator.username })]);
    expect(stranger.json().results[0]).toMatchObject({ status: 'rejected', field: '/assignee' });
    const nobody = await postEvents(t.app, coordinator, [assign({ assignee: 'no.such.user' })]);
    expect(nobody.json().results[0]).toMatchObject({ status: 'rejected', field: '/assignee' });
    const fromOther = await postEvents(t.app, otherCoordinator, [assign({ assignee: t.other.coordinator.username })]);
    expect(fromOther.json().results[0]).toMatchObject({ status: 'rejected', field: '/findingId' });
    const notAssigned = await postEvents(t.app, coordinator, [assign({ assignee: null })]);
    expect(notAssigned.json().results[0]).toMatchObject({ status: 'rejected', field: '/assignee' });
    expect(await count(t, 'select count(*)::int as n from events')).toBe(before);
  });

  it('rejects bad triage input with a 4xx naming the problem and writes nothing', async () => {
    const before = await count(t, 'select count(*)::int as n from events');
    const bad = await postEvents(t.app, coordinator, [
      {
        id: randomUUID(),
        type: 'finding_status',
        findingId: randomUUID(),
        status: 'closed',
        occurredAt: minutesAgo(1),
      },
    ]);
    expect(bad.json().results[0]).toMatchObject({ status: 'rejected', field: '/status' });
    const unknown = await postEvents(t.app, coordinator, [
      {
        id: randomUUID(),
        type: 'finding_status',
        findingId: randomUUID(),
        status: 'acknowledged',
        occurredAt: minutesAgo(1),
      },
    ]);
    expect(unknown.json().results[0]).toMatchObject({ status: 'rejected', field: '/findingId' });
    const byTeam = await postEvents(t.app, team.token, [
      {
        id: randomUUID(),
        type: 'team_alert_acknowledged',
        teamId: team.teamId,
        alert: 'silent',
        occurredAt: minutesAgo(1),
      },
    ]);
    expect(byTeam.json().results[0]).toMatchObject({ status: 'rejected', field: '/type' });
    const noHelp = await postEvents(t.app, coordinator, [
      {
        id: randomUUID(),
        type: 'team_alert_acknowledged',
        teamId: team2.teamId,
        alert: 'help',
        occurredAt: minutesAgo(1),
      },
    ]);
    expect(noHelp.json().results[0]).toMatchObject({
      status: 'rejected',
      field: '/teamId',
      error: 'this team has no open help request',
    });
    const wrongKind = await postEvents(t.app, coordinator, [
      {
        id: randomUUID(),
        type: 'team_alert_acknowledged',
        teamId: team2.teamId,
        alert: 'lost',
        occurredAt: minutesAgo(1),
      },
    ]);
    expect(wrongKind.json().results[0]).toMatchObject({ status: 'rejected', field: '/alert' });
    expect(await count(t, 'select count(*)::int as n from events')).toBe(before);
  });

  it("acknowledges a team's help request and its silence as events; a new request raises it again", async () => {
    const help = {
      id: randomUUID(),
      type: 'help_request',
      teamId: team2.teamId,
      occurredAt: minutesAgo(10),
      note: 'crowd outside',
    };
    await postEvents(t.app, team2.token, [help]);
    const ackHelp = {
      id: randomUUID(),
      type: 'team_alert_acknowledged',
      teamId: team2.teamId,
      alert: 'help',
      occurredAt: minutesAgo(9),
      note: 'driver on the way',
    };
    const ackSilent = {
      id: randomUUID(),
      type: 'team_alert_acknowledged',
      teamId: team2.teamId,
      alert: 'silent',
      occurredAt: minutesAgo(8),
    };
    const results = (await postEvents(t.app, coordinator, [ackHelp, ackSilent])).json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored']);
    const again = await postEvents(t.app, coordinator, [{ ...ackHelp, id: randomUUID() }]);
    expect(again.json().results[0]).toMatchObject({ status: 'rejected', field: '/alert' });

    let teams = (await getJson(t.app, coordinator, '/api/teams')).body.teams;
    let row = teams.find((x: { id: string }) => x.id === team2.teamId);
    expect(row.status).toMatchObject({
      helpOpen: true,
      helpRequestedAt: help.occurredAt,
      helpAcknowledgedAt: ackHelp.occurredAt,
      silentAcknowledgedAt: ackSilent.occurredAt,
    });
    // The coordinator's acknowledgement is no sign of life of the team.
    expect(row.status.lastSeenAt).toBe(help.occurredAt);

    const second = { id: randomUUID(), type: 'help_request', teamId: team2.teamId, occurredAt: minutesAgo(2) };
    await postEvents(t.app, team2.token, [second]);
    teams = (await getJson(t.app, coordinator, '/api/teams')).body.teams;
    row = teams.find((x: { id: string }) => x.id === team2.teamId);
    expect(Date.parse(row.status.helpRequestedAt)).toBeGreaterThan(Date.parse(row.status.helpAcknowledgedAt));
    const ackSecond = await postEvents(t.app, coordinator, [
      { ...ackHelp, id: randomUUID(), occurredAt: minutesAgo(1) },
    ]);
    expect(ackSecond.json().results[0]).toMatchObject({ status: 'stored' });
    // A display sees that an alert was acknowledged, never the note.
    const feed = (await getJson(t.app, display, '/api/events?after=0&limit=5000')).body.events;
    const shown = feed.find((e: { id: string }) => e.id === ackHelp.id);
    expect(shown).toMatchObject({ type: 'team_alert_acknowledged', alert: 'help', teamId: team2.teamId });
    expect(JSON.stringify(feed)).not.toContain('driver on the way');
  });

  it('counts coverage per district and phase and check-ins and findings per hour, equal to the database', async () => {
    await postEvents(t.app, team.token, [
      arrival(team.teamId, stationIds[1]!, 30),
      checklist(team.teamId, stationIds[1]!, 'good', 'voting'),
    ]);
    const { status, body } = await getJson(t.app, coordinator, '/api/coverage');
    expect(status).toBe(200);
    const leninsky = body.districts.find((d: { district: string }) => d.district === 'Leninsky');
    const sverdlovsky = body.districts.find((d: { district: string }) => d.district === 'Sverdlovsky');
    // Station 1001 has a finding but no visit (not visited); 1002 has an arrival and a voting checklist; team present.
    expect(leninsky).toEqual({
      district: 'Leninsky',
      region: null,
      total: 2,
      visited: 1,
      presentNow: 1,
      neverVisited: 1,
      observedByPhase: { opening: 0, voting: 1, closing: 0 },
    });
    expect(sverdlovsky).toMatchObject({ total: 1, visited: 0, neverVisited: 1 });
    expect(body.overall).toMatchObject({ total: 3, visited: 1, presentNow: 1, neverVisited: 2 });
    // A list without regions: no region level, as before regions existed.
    expect(body.regions).toEqual([]);
    const checkIns = body.timeline.reduce((n: number, h: { checkIns: number }) => n + h.checkIns, 0);
    const findings = body.timeline.reduce((n: number, h: { findings: number }) => n + h.findings, 0);
    expect(checkIns).toBe(
      await count(
        t,
        `select count(*)::int as n from events where mission_id = '${t.own.missionId}' and type = 'arrival'`,
      ),
    );
    expect(findings).toBe(
      await count(
        t,
        `select count(*)::int as n from events where mission_id = '${t.own.missionId}' and type = 'finding'`,
      ),
    );
    expect(body.head).toBe(await count(t, `select last_seq::int as n from missions where id = '${t.own.missionId}'`));
  });

  it("keeps the triage feed and coverage to coordinators, and never shows this mission's to another", async () => {
    for (const path of ['/api/findings', '/api/coverage']) {
      expect((await getJson(t.app, team.token, path)).status, path).toBe(403);
      expect((await getJson(t.app, display, path)).status, path).toBe(403);
      const res = await t.app.inject({ method: 'GET', url: path });
      expect(res.statusCode, path).toBe(401);
      const other = await getJson(t.app, otherCoordinator, path);
      expect(other.status).toBe(200);
      for (const id of [...stationIds, team.teamId, team2.teamId])
        expect(JSON.stringify(other.body), `${path} leaks ${id}`).not.toContain(id);
    }
    expect((await getJson(t.app, otherCoordinator, '/api/coverage')).body.overall.total).toBe(3);
    // The other mission's coordinator cannot triage this mission's finding or acknowledge its team.
    const ownFinding = (await getJson(t.app, coordinator, '/api/findings')).body.findings[0];
    const results = (
      await postEvents(t.app, otherCoordinator, [
        {
          id: randomUUID(),
          type: 'finding_status',
          findingId: ownFinding.id,
          status: 'acknowledged',
          occurredAt: minutesAgo(1),
        },
        {
          id: randomUUID(),
          type: 'team_alert_acknowledged',
          teamId: team.teamId,
          alert: 'silent',
          occurredAt: minutesAgo(1),
        },
      ])
    ).json().results;
    expect(results).toMatchObject([
      { status: 'rejected', field: '/findingId' },
      { status: 'rejected', field: '/teamId' },
    ]);
  });
});
