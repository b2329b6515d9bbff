/**
 * Exports of turnout, results protocols and the quick count, on PGlite and on Postgres: a mission with a ballot, a
 * sample, turnout at two hours and protocols (one corrected, so superseded) is exported, and each CSV is parsed back
 * and compared with the figures the teams sent and with what GET /api/quick-count answers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import type { QuickCountReply, TurnoutReply } from '../../shared/schemas/results';
import type { MissionReport } from '../../shared/schemas/exports';
import { MAYOR_CONTEST } from '../helpers/ballots';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

const BALLOT = {
  contests: [MAYOR_CONTEST],
  turnoutHours: ['10:00', '14:00'],
  protocolPhotoRequired: false,
  sample: { stations: ['1001', '1002', '1003'], stratified: false, minReported: 2 },
};

const figures = (over: Record<string, number> = {}) => ({
  registered: 2000,
  ballotsReceived: 2000,
  issued: 900,
  foundInBoxes: 900,
  valid: 880,
  invalid: 20,
  spoilt: 0,
  unused: 1100,
  ...over,
});

describe.each(drivers)('results exports on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let t01: { token: string; teamId: string };
  let t02: { token: string; teamId: string };
  const ids: Record<string, string> = {};

  async function csv(file: string) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/exports/${file}`,
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.split('\n', 1)[0]).toContain('chain head seq=');
    return parse(res.body, { comment: '#', columns: true, skip_empty_lines: true }) as Record<string, string>[];
  }

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    t01 = await join(t.app, t.own.joinCodes[0]!.code);
    t02 = await join(t.app, t.own.joinCodes[1]!.code);
    const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as {
      id: string;
      number: string;
    }[];
    const station = Object.fromEntries(stations.map((s) => [s.number, s.id]));
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/ballot',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: BALLOT,
    });
    expect(put.statusCode, put.body).toBe(200);
    const turnout = (teamId: string, code: string, at: string, voted: number, minutes: number) => ({
      id: randomUUID(),
      type: 'turnout',
      occurredAt: minutesAgo(minutes),
      teamId,
      stationId: station[code],
      at,
      voted,
    });
    const protocol = (
      teamId: string,
      code: string,
      votes: Record<string, number>,
      minutes: number,
      over: Record<string, number> = {},
    ) => {
      const id = randomUUID();
      return {
        id,
        type: 'results_protocol',
        occurredAt: minutesAgo(minutes),
        teamId,
        stationId: station[code],
        contestId: 'mayor',
        figures: figures(over),
        votes,
      };
    };
    const first = protocol(t01.teamId, '1001', { A: 470, B: 400 }, 30);
    const corrected = protocol(t01.teamId, '1001', { A: 480, B: 400 }, 20);
    const other = protocol(t02.teamId, '1003', { A: 300, B: 580 }, 10, { foundInBoxes: 950 });
    Object.assign(ids, { first: first.id, corrected: corrected.id, other: other.id });
    const sent = [
      ...(
        await postEvents(t.app, t01.token, [
          turnout(t01.teamId, '1001', '10:00', 300, 60),
          turnout(t01.teamId, '1001', '14:00', 650, 40),
          // Above 1002's 2001 registered voters: kept and flagged.
          turnout(t01.teamId, '1002', '10:00', 2500, 50),
          first,
          corrected,
        ])
      ).json().results,
      ...(await postEvents(t.app, t02.token, [other])).json().results,
    ] as { status: string }[];
    expect(sent.map((r) => r.status)).toEqual(Array(6).fill('stored'));
  });
  afterAll(async () => t?.close());

  it('turnout.csv has each station’s report per hour with its list, share, flags and team', async () => {
    const rows = await csv('turnout.csv');
    expect(rows.map((r) => [r.station, r.district, r.hour, r.voted, r.registered, r.flags, r.team])).toEqual([
      ['1001', 'Leninsky', '10:00', '300', '2000', '', 'T01'],
      ['1001', 'Leninsky', '14:00', '650', '2000', '', 'T01'],
      ['1002', 'Leninsky', '10:00', '2500', '2001', 'turnout_above_registered', 'T01'],
    ]);
    expect(Number(rows[1]!.share)).toBeCloseTo(650 / 2000, 9);
    expect(rows.every((r) => !Number.isNaN(Date.parse(r.received_at!)))).toBe(true);
  });

  it('protocols.csv lists every copy from the log, latest or superseded, with figures, votes by candidate and failed checks', async () => {
    const rows = await csv('protocols.csv');
    expect(Object.keys(rows[0]!)).toEqual([
      'seq',
      'id',
      'occurred_at',
      'received_at',
      'station',
      'district',
      'contest',
      'team',
      'status',
      'flags',
      'registered',
      'ballotsReceived',
      'issued',
      'foundInBoxes',
      'valid',
      'invalid',
      'spoilt',
      'unused',
      'photo_id',
      'mayor/A Asanov',
      'mayor/B Bekova',
    ]);
    expect(
      rows.map((r) => [
        r.id,
        r.station,
        r.team,
        r.status,
        r.flags,
        r.foundInBoxes,
        r.valid,
        r['mayor/A Asanov'],
        r['mayor/B Bekova'],
      ]),
    ).toEqual([
      // The first copy's votes add up to 870, not 880: it failed that check, and the team's correction superseded it.
      [ids.first, '1001', 'T01', 'superseded', 'votes_valid', '900', '880', '470', '400'],
      [ids.corrected, '1001', 'T01', 'latest', '', '900', '880', '480', '400'],
      [ids.other, '1003', 'T02', 'latest', 'valid_invalid_found;found_issued', '950', '880', '300', '580'],
    ]);
  });

  it('quick-count.csv holds the estimates and margins GET /api/quick-count gives, with n of N reported', async () => {
    const reply = (await getJson(t.app, coordinator, '/api/quick-count')).body as QuickCountReply;
    const contest = reply.contests[0]!;
    expect(contest.shares).not.toBeNull();
    const rows = await csv('quick-count.csv');
    expect(rows.map((r) => [r.contest, r.candidate, r.candidate_name, r.reported, r.sample_size, r.design])).toEqual([
      ['mayor', 'turnout', '', '2', '3', 'simple'],
      ['mayor', 'A', 'Asanov', '2', '3', 'simple'],
      ['mayor', 'B', 'Bekova', '2', '3', 'simple'],
    ]);
    expect(Number(rows[0]!.share)).toBe(contest.turnout!.value);
    expect(rows.slice(1).map((r) => [Number(r.share), Number(r.margin_of_error)])).toEqual(
      contest.shares!.map((s) => [s.estimate.value, s.estimate.marginOfError]),
    );
    // A's share over the two reporting stations: (480 + 300) / (880 + 880).
    expect(Number(rows[1]!.share)).toBeCloseTo(780 / 1760, 9);
    expect(Number(rows[1]!.margin_of_error)).toBeGreaterThan(0);
  });

  it('the printable summary has turnout by hour and the quick count with margins once there is a ballot', async () => {
    const report = (await getJson(t.app, coordinator, '/api/exports/summary')).body as MissionReport;
    const turnout = (await getJson(t.app, coordinator, '/api/turnout')).body as TurnoutReply;
    const quick = (await getJson(t.app, coordinator, '/api/quick-count')).body as QuickCountReply;
    expect(report.results!.turnout).toEqual(turnout.city);
    expect(report.results!.turnout.map((p) => [p.at, p.stations, p.voted])).toEqual([
      ['10:00', 2, 2800],
      ['14:00', 1, 650],
    ]);
    expect(report.results!.quickCount).toEqual({ stratified: false, contests: quick.contests });
    expect(report.results!.quickCount!.contests[0]!.shares![0]!.estimate.value).toBeCloseTo(780 / 1760, 9);
  });

  it('a wall display reads turnout by hour, without the flagged stations', async () => {
    const coordinatorView = (await getJson(t.app, coordinator, '/api/turnout')).body as TurnoutReply;
    expect(coordinatorView.flagged.map((f) => f.stationCode)).toEqual(['1002']);
    const wall = await getJson(t.app, t.own.displayToken, '/api/turnout');
    expect(wall.status).toBe(200);
    expect(wall.body).toEqual({ ...coordinatorView, flagged: [] });
  });
});
