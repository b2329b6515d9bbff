/**
 * The rehearsal simulator with results: a synthetic electorate with known shares, turnout and protocols from the teams'
 * phones, then the official results with two observed stations altered. The quick count's intervals contain the true
 * shares, and the official comparison names exactly the altered stations.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, login } from '../helpers/events';
import { missionPlanFromFiles } from '../../server/modules/missions/mission-files';
import { setUpMission, type MissionCredentials } from '../../server/modules/missions/mission-setup';
import { simulateDay, type SimulationReport } from '../../server/simulate/simulator';
import { SIMULATED_CONTEST } from '../../server/simulate/results-day';
import type { QuickCountReply, TurnoutReply } from '../../shared/schemas/results';
import type { OfficialComparisonReply } from '../../shared/schemas/official-results';

const drivers: Driver[] = postgresAvailable ? ['postgres'] : ['pglite'];
const example = (file: string) => readFileSync(new URL(`../../examples/osh/${file}`, import.meta.url), 'utf8');

describe.each(drivers)('rehearsal with results on %s', (driver) => {
  let t: TestApp;
  let osh: MissionCredentials;
  let report: SimulationReport;
  let token: string;

  beforeAll(async () => {
    t = await buildTestApp(driver);
    const plan = missionPlanFromFiles({
      name: 'Osh results rehearsal',
      electionDate: '2026-04-12',
      timeZone: 'Asia/Bishkek',
      languages: ['en'],
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
    report = await simulateDay({
      url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      username: osh.coordinator.username,
      password: 'rehearse it well',
      durationMs: 6000,
      seed: 5,
      drill: true,
      results: true,
    });
    token = await login(t.app, osh.coordinator.username, 'rehearse it well');
  }, 120_000);
  afterAll(async () => t?.close());

  it('reports turnout and protocols from the phones, none refused', async () => {
    expect(report.rejected).toEqual([]);
    expect(report.byType.turnout).toBeGreaterThan(0);
    expect(report.byType.results_protocol).toBeGreaterThanOrEqual(3);
    const turnout = (await getJson(t.app, token, '/api/turnout')).body as TurnoutReply;
    expect(turnout.city.map((p) => p.at)).toEqual(['10:00', '14:00', '18:00']);
    expect(turnout.city.every((p) => p.stations > 0)).toBe(true);
  });

  it("the quick count's 95 % intervals contain the electorate's true shares", async () => {
    const quick = (await getJson(t.app, token, '/api/quick-count')).body as QuickCountReply;
    const contest = quick.contests.find((c) => c.contestId === SIMULATED_CONTEST)!;
    expect(contest.sampleSize).toBe(report.results!.sampleStations.length);
    expect(contest.reported).toBeGreaterThanOrEqual(contest.minReported);
    const truth = report.results!.trueShares;
    for (const share of contest.shares!) {
      const { value, marginOfError } = share.estimate;
      expect(marginOfError, share.candidateId).not.toBeNull();
      expect(Math.abs(value - truth[share.candidateId]!), share.candidateId).toBeLessThanOrEqual(marginOfError!);
    }
    const { value, marginOfError } = contest.turnout!;
    expect(Math.abs(value - report.results!.trueTurnout)).toBeLessThanOrEqual(marginOfError!);
  });

  it('the official comparison names exactly the stations whose numbers were altered', async () => {
    expect(report.results!.alteredStations).toHaveLength(2);
    const comparison = (await getJson(t.app, token, '/api/official-results/comparison'))
      .body as OfficialComparisonReply;
    const codes = [...new Set(comparison.differences.map((d) => d.stationCode))].sort();
    expect(codes).toEqual(report.results!.alteredStations);
    expect(new Set(comparison.differences.map((d) => d.field))).toEqual(new Set(['votes:A', 'votes:B']));
    expect(comparison.differingStationIds).toHaveLength(2);
    expect(comparison.contests[0]!.importSeq).toBe(report.results!.officialImportSeq);
  });

  it('wiping the drill takes its official results with it, as the log that recorded their import', async () => {
    const cleared = await t.app.inject({
      method: 'POST',
      url: '/api/mission/drill/clear',
      headers: { authorization: `Bearer ${token}` },
      payload: { confirmMissionName: 'Osh results rehearsal' },
    });
    expect(cleared.statusCode).toBe(200);
    const comparison = (await getJson(t.app, token, '/api/official-results/comparison'))
      .body as OfficialComparisonReply;
    expect(comparison.differences).toEqual([]);
    expect(comparison.contests.map((c) => [c.officialStations, c.importSeq])).toEqual([[0, null]]);
  });
});
