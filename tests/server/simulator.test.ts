/**
 * The rehearsal simulator plays a compressed day against a real server on a port (public API only); afterwards the
 * dashboard's figures equal what SQL over the log says, and wiping the drill leaves an empty log whose chain verifies.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, login } from '../helpers/events';
import { missionPlanFromFiles } from '../../server/modules/missions/mission-files';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';
import { drillSpeed, simulateDay, type SimulationReport } from '../../server/simulate/simulator';
import { deriveAlerts } from '../../client/src/lib/dashboard/alerts';
import type { MissionSummary } from '../../shared/schemas/auth';
import type { Team } from '../../shared/schemas/teams';
import { verifyMissionLog } from '../../server/modules/log/log-verifier';
import { SEVERITIES, PHASES } from '../../shared/schemas/events';

const drivers: Driver[] = postgresAvailable ? ['postgres'] : ['pglite'];
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
const example = (file: string) => readFileSync(new URL(`../../examples/osh/${file}`, import.meta.url), 'utf8');

describe.each(drivers)('rehearsal simulator on %s', (driver) => {
  let t: TestApp;
  let osh: MissionCredentials;
  let base: string;
  let report: SimulationReport;
  const lines: string[] = [];
  const query = async <T>(text: string) =>
    rowsOf<T>(await t.database.db.execute(sql.raw(text.replaceAll('$M', `'${osh.missionId}'`))));

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const plan = missionPlanFromFiles({
      name: 'Osh rehearsal test',
      electionDate: '2026-04-12',
      timeZone: 'Asia/Bishkek',
      languages: ['en', 'ru'],
      stations: { text: example('stations.csv'), format: 'csv' },
      teams: { text: example('teams.csv') },
      plan: example('plan.csv'),
      coordinator: {
        username: `osh-${Math.random().toString(36).slice(2, 8)}`,
        displayName: 'Osh coordinator',
        password: 'rehearse it well',
      },
      displayLabel: 'Osh wall',
    });
    if (!plan.ok) throw new Error(plan.problems.join('; '));
    osh = (await setUpMission(t.database.db, plan.plan))!;
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    report = await simulateDay({
      url: base,
      username: osh.coordinator.username,
      password: 'rehearse it well',
      durationMs: 8000,
      seed: 11,
      drill: true,
      log: (l) => lines.push(l),
    });
  }, 120_000);
  afterAll(async () => t?.close());

  it('refuses to play into a live mission unless asked to switch an empty one to drill mode', async () => {
    await expect(
      simulateDay({
        url: base,
        username: t.own.coordinator.username,
        password: 'correct horse battery',
        durationMs: 1000,
        seed: 1,
        drill: false,
      }),
    ).rejects.toThrow(/live: a rehearsal plays only into a drill/);
  });

  it('plays a whole day: every kind of report, none refused, one team silent, a help request, clusters of findings', async () => {
    expect(report.rejected).toEqual([]);
    expect(report.teams).toBe(6);
    for (const type of ['arrival', 'departure', 'position', 'checklist', 'finding', 'help_request', 'help_resolved'])
      expect(report.byType[type], type).toBeGreaterThan(0);
    expect(report.silentTeam).not.toBeNull();
    expect(report.clusterStations.length).toBeGreaterThanOrEqual(3);
    const [count] = await query<{ n: number }>(`select count(*)::int as n from events where mission_id = $M`);
    expect(count!.n).toBe(report.stored);
    // The silent team posted nothing after the others' last hours: its last event is earlier than every other team's.
    const lastSeen = await query<{ call_sign: string; last: string }>(
      `select t.call_sign, max(e.received_at)::text as last from events e join teams t on t.id = e.team_id where e.mission_id = $M group by 1`,
    );
    const silentLast = lastSeen.find((r) => r.call_sign === report.silentTeam)!.last;
    expect(lastSeen.filter((r) => r.call_sign !== report.silentTeam).every((r) => r.last > silentLast)).toBe(true);
    // Clusters: findings concentrate on the cluster stations.
    const perStation = await query<{ number: string; n: number }>(
      `select s.number, count(*)::int as n from findings f join stations s on s.id = f.station_id where f.mission_id = $M group by 1`,
    );
    const inClusters = perStation.filter((r) => report.clusterStations.includes(r.number)).reduce((n, r) => n + r.n, 0);
    expect(inClusters).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('Day over'))).toBe(true);
    // A detour made two teams contradict each other at one station: a conflict to resolve.
    expect(report.conflictStation).not.toBeNull();
    const conflicts = await query<{ number: string; kind: string }>(
      `select s.number, c.kind from conflicts c join stations s on s.id = c.station_id where c.mission_id = $M and c.status = 'open'`,
    );
    expect(conflicts).toContainEqual({ number: report.conflictStation, kind: 'assessment' });
  });

  it("the dashboard's figures equal what SQL over the log says", async () => {
    const token = await login(t.app, osh.coordinator.username, 'rehearse it well');
    const summary = (await getJson(t.app, token, '/api/summary')).body;
    const [stations] = await query<{ total: number; present: number }>(
      `select (select count(*)::int from stations where mission_id = $M) as total,
              (select count(distinct station_id)::int from visits where mission_id = $M and departed_at is null) as present`,
    );
    expect(summary.stations.total).toBe(stations!.total);
    expect(summary.stations.coveredNow).toBe(stations!.present);
    // Findings by severity, from the finding events themselves (nobody triaged in the rehearsal: all still open).
    const findings = await query<{ severity: string; n: number }>(
      `select payload->>'severity' as severity, count(*)::int as n from events where mission_id = $M and type = 'finding' group by 1`,
    );
    for (const severity of SEVERITIES) {
      const n = findings.find((f) => f.severity === severity)?.n ?? 0;
      expect(summary.findings.reported[severity], severity).toBe(n);
      expect(summary.findings.open[severity], severity).toBe(n);
    }
    // Per phase: stations whose latest checklist (by device time) says bad or very bad.
    const latest = await query<{ phase: string; observed: number; bad: number; very_bad: number }>(`
      with ranked as (
        select station_id, payload->>'phase' as phase, payload->>'assessment' as assessment,
               row_number() over (partition by station_id, payload->>'phase' order by occurred_at desc, seq desc) as r
        from events where mission_id = $M and type = 'checklist')
      select phase, count(*)::int as observed, count(*) filter (where assessment = 'bad')::int as bad,
             count(*) filter (where assessment = 'very_bad')::int as very_bad
      from ranked where r = 1 group by phase`);
    for (const phase of PHASES) {
      const row = latest.find((l) => l.phase === phase) ?? { observed: 0, bad: 0, very_bad: 0 };
      expect(summary.assessments[phase], phase).toMatchObject({
        observed: row.observed,
        bad: row.bad,
        veryBad: row.very_bad,
      });
    }
    const [help] = await query<{ open: number }>(`
      select count(*)::int as open from (
        select team_id, (array_agg(type order by seq desc))[1] as last
        from events where mission_id = $M and type in ('help_request', 'help_resolved') group by team_id) h
      where last = 'help_request'`);
    expect(summary.teams.helpOpen).toBe(help!.open);
    expect(summary.teams.total).toBe(6);
    expect(summary.head).toBe(report.stored);
  });

  it("the silent team raises the silent-team alert by the drill's own clock, as on the real day", async () => {
    const token = await login(t.app, osh.coordinator.username, 'rehearse it well');
    const mission = (await getJson(t.app, token, '/api/session')).body.mission as MissionSummary;
    expect(mission.drill).toBe(true);
    expect(mission.drillClock).toMatchObject({ startsAt: '06:30', speed: drillSpeed(8000) });
    const teams = (await getJson(t.app, token, '/api/teams')).body.teams as Team[];
    const silentTeam = teams.find((team) => team.callSign === report.silentTeam)!;
    // At the drill's 19:00 the team that went quiet after 13:00 has been silent for hours; teams heard since are not.
    const clock = mission.drillClock!;
    const at = (minute: number) => new Date(Date.parse(clock.realStart) + ((minute - 390) * 60_000) / clock.speed);
    const alerts = deriveAlerts(
      teams.map((team) => ({
        ...team,
        status: {
          ...team.status,
          lastSeenAt:
            team.status.lastSeenAt && Date.parse(team.status.lastSeenAt) > at(19 * 60).getTime()
              ? at(18 * 60 + 50).toISOString()
              : team.status.lastSeenAt,
        },
      })),
      [],
      at(19 * 60),
      mission,
      mission.alerts,
    );
    expect(alerts.filter((a) => a.kind === 'silent').map((a) => a.teamId)).toEqual([silentTeam.id]);
    expect(alerts[0]).toMatchObject({ kind: 'silent' });
    // Quiet since about 13:00 of the drill's day, so about 6 h at 19:00; on a loaded box the compressed day slips (a
    // busy run saw 297 min), so the bound is the alert's own threshold, with hours to spare.
    expect((alerts[0] as { silentMinutes: number }).silentMinutes).toBeGreaterThan(
      Math.max(mission.alerts.silentTeamMinutes, 120),
    );
  });

  it('the drill is wiped: an empty log whose chain verifies, and the mission can go live', async () => {
    expect(await verifyMissionLog(t.database.db, osh.missionId)).toMatchObject({ ok: true, events: report.stored });
    const token = await login(t.app, osh.coordinator.username, 'rehearse it well');
    const cleared = await t.app.inject({
      method: 'POST',
      url: '/api/mission/drill/clear',
      headers: { authorization: `Bearer ${token}` },
      payload: { confirmMissionName: 'Osh rehearsal test' },
    });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().deleted.events).toBe(report.stored);
    // Only the plan that stands is left, recorded again at the start of a fresh chain.
    const { replanned } = cleared.json() as { replanned: number };
    expect(replanned).toBe(6);
    expect(await verifyMissionLog(t.database.db, osh.missionId)).toMatchObject({ ok: true, events: replanned });
    const summary = (await getJson(t.app, token, '/api/summary')).body;
    expect(summary).toMatchObject({
      head: replanned,
      stations: { coveredNow: 0, coveredToday: 0 },
      teams: { helpOpen: 0 },
    });
    const live = await t.app.inject({
      method: 'PUT',
      url: '/api/mission/drill',
      headers: { authorization: `Bearer ${token}` },
      payload: { drill: false },
    });
    expect(live.json()).toMatchObject({ drill: false, events: replanned, reports: 0 });
  });
});
