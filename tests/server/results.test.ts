/**
 * The ballot, turnout and results protocols through the real app on PGlite and Postgres: PUT/GET /api/ballot and its
 * rules (a reported contest gains candidates, never loses them), `turnout` and `results_protocol` events with their
 * refusals and flags, a later protocol superseding an earlier one, two teams' differing protocols raising a conflict,
 * and the coordinator's turnout by hour.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import type {
  BallotReply,
  ProtocolsReply,
  QuickCountReply,
  SampleDrawReply,
  TurnoutReply,
} from '../../shared/schemas/results';
import { estimateQuickCount } from '../../shared/quick-count';
import type { ConflictsReply } from '../../shared/schemas/conflicts';
import { MAYOR_CONTEST, OKRUG_21_CONTEST } from '../helpers/ballots';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

const BALLOT = {
  contests: [MAYOR_CONTEST, OKRUG_21_CONTEST],
  turnoutHours: ['10:00', '14:00', '18:00'],
  protocolPhotoRequired: false,
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

const turnout = (teamId: string, stationId: string, at: string, voted: number, minutes = 5) => ({
  id: randomUUID(),
  type: 'turnout',
  occurredAt: minutesAgo(minutes),
  teamId,
  stationId,
  at,
  voted,
});
const protocol = (
  teamId: string,
  stationId: string,
  votes: Record<string, number>,
  over: Record<string, unknown> = {},
  minutes = 5,
) => ({
  id: randomUUID(),
  type: 'results_protocol',
  occurredAt: minutesAgo(minutes),
  teamId,
  stationId,
  contestId: 'mayor',
  figures: figures(),
  votes,
  ...over,
});

describe.each(drivers)('ballot, turnout and protocols on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let t01: { token: string; teamId: string };
  let t02: { token: string; teamId: string };
  let station: Record<string, string>;

  const results = async (token: string, events: unknown[]) =>
    (await postEvents(t.app, token, events)).json().results as {
      status: string;
      seq?: number;
      field?: string;
      error?: string;
    }[];
  const putBallot = (body: object, token = coordinator) =>
    t.app.inject({ method: 'PUT', url: '/api/ballot', headers: { authorization: `Bearer ${token}` }, payload: body });

  beforeAll(async () => {
    t = await buildTestApp(driver);
    coordinator = await login(t.app, t.own.coordinator.username, FIXTURE_PASSWORD);
    t01 = await join(t.app, t.own.joinCodes[0]!.code);
    t02 = await join(t.app, t.own.joinCodes[1]!.code);
    const stations = (await getJson(t.app, coordinator, '/api/stations')).body.stations as {
      id: string;
      number: string;
    }[];
    station = Object.fromEntries(stations.map((s) => [s.number, s.id]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('starts empty, refuses a bad ballot naming the problem, stores a good one in the log, shows it to phones', async () => {
    const empty = (await getJson(t.app, coordinator, '/api/ballot')).body as BallotReply;
    expect(empty).toEqual({
      contests: [],
      turnoutHours: [],
      protocolPhotoRequired: false,
      seq: null,
      reportedContestIds: [],
    });

    const unknownStation = await putBallot({
      ...BALLOT,
      contests: [{ ...BALLOT.contests[1], stations: ['1001', '9999'] }],
    });
    expect(unknownStation.statusCode).toBe(400);
    expect(unknownStation.json().message).toContain('no station with code "9999"');
    expect(unknownStation.json().details[0].field).toBe('/contests/0/stations');

    const twice = await putBallot({ ...BALLOT, contests: [BALLOT.contests[0], BALLOT.contests[0]] });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().message).toContain('contest "mayor" appears twice');

    const badHour = await putBallot({ ...BALLOT, turnoutHours: ['25:00'] });
    expect(badHour.statusCode).toBe(400);
    expect(badHour.json().message).toMatch(/turnoutHours/);

    expect((await putBallot(BALLOT, t01.token)).statusCode).toBe(403);

    const stored = await putBallot(BALLOT);
    expect(stored.statusCode).toBe(200);
    const reply = stored.json() as BallotReply;
    expect(reply.contests.map((c) => c.id)).toEqual(['mayor', 'okrug-21']);
    expect(reply.seq).toBeGreaterThan(0);

    const log = (await getJson(t.app, coordinator, '/api/events?after=0')).body.events as {
      type: string;
      seq: number;
    }[];
    expect(log.filter((e) => e.type === 'ballot_set').map((e) => e.seq)).toEqual([reply.seq]);
    // Phones read the ballot to fill in protocols.
    expect(((await getJson(t.app, t01.token, '/api/ballot')).body as BallotReply).turnoutHours).toEqual(
      BALLOT.turnoutHours,
    );
    // Teams never set it, through the events route either.
    const [byTeam] = await results(t01.token, [
      { id: randomUUID(), type: 'ballot_set', occurredAt: minutesAgo(1), ballot: BALLOT },
    ]);
    expect(byTeam).toMatchObject({ status: 'rejected', field: '/type' });
  });

  it('takes turnout at the mission hours, flags what is above the list or below an earlier hour, and sums it up', async () => {
    const refused = await results(t01.token, [
      turnout(t01.teamId, station['1001']!, '11:00', 100),
      turnout(t01.teamId, station['1001']!, '10:00', -1),
      turnout(t02.teamId, station['1001']!, '10:00', 5),
    ]);
    expect(refused.map((r) => [r.status, r.field])).toEqual([
      ['rejected', '/at'],
      ['rejected', '/voted'],
      ['rejected', '/teamId'],
    ]);
    expect(refused[0]!.error).toContain("not one of the mission's turnout hours (10:00, 14:00, 18:00)");

    const stored = await results(t01.token, [
      turnout(t01.teamId, station['1001']!, '10:00', 300, 30),
      turnout(t01.teamId, station['1002']!, '10:00', 150, 20),
      // 1002 has 2001 registered voters: more is possible to type, so it is kept and flagged.
      turnout(t01.teamId, station['1002']!, '14:00', 2500, 10),
    ]);
    stored.push(
      ...(await results(t02.token, [
        turnout(t02.teamId, station['1003']!, '10:00', 400, 10),
        turnout(t02.teamId, station['1003']!, '14:00', 350, 5),
      ])),
    );
    expect(stored.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored']);

    const reply = (await getJson(t.app, coordinator, '/api/turnout')).body as TurnoutReply;
    expect(reply.turnoutHours).toEqual(['10:00', '14:00', '18:00']);
    expect(reply.city.map((p) => [p.at, p.stations, p.voted, p.registered])).toEqual([
      ['10:00', 3, 850, 2000 + 2001 + 2002],
      ['14:00', 2, 2850, 2001 + 2002],
      ['18:00', 0, 0, 0],
    ]);
    expect(reply.city[0]!.share).toBeCloseTo(850 / 6003, 6);
    expect(reply.city[2]!.share).toBeNull();
    const leninsky = reply.districts.find((d) => d.name === 'Leninsky')!;
    expect(leninsky.hours[0]).toMatchObject({ stations: 2, voted: 450, registered: 4001 });
    expect(reply.flagged.map((f) => [f.stationCode, f.at, f.flags])).toEqual([
      ['1002', '14:00', ['turnout_above_registered']],
      ['1003', '14:00', ['turnout_below_earlier']],
    ]);
    // Teams do not read the mission-wide figures.
    expect((await getJson(t.app, t01.token, '/api/turnout')).status).toBe(403);
  });

  it('refuses a protocol for an unknown contest, a station outside it or an unknown candidate, naming it', async () => {
    const refused = await results(t01.token, [
      protocol(t01.teamId, station['1001']!, { A: 1 }, { contestId: 'senate' }),
      protocol(t01.teamId, station['1003']!, { X: 880 }, { contestId: 'okrug-21' }),
      protocol(t01.teamId, station['1001']!, { A: 400, Z: 480 }),
      protocol(t01.teamId, station['1001']!, { A: 400 }, { figures: { ...figures(), valid: -3 } }),
    ]);
    expect(refused.map((r) => [r.status, r.field])).toEqual([
      ['rejected', '/contestId'],
      ['rejected', '/stationId'],
      ['rejected', '/votes/Z'],
      ['rejected', '/figures/valid'],
    ]);
    expect(refused[1]!.error).toBe('station 1003 does not vote in contest "okrug-21"');
    expect(refused[2]!.error).toBe('no candidate "Z" in contest "mayor"');
    // None of them was stored.
    expect(((await getJson(t.app, coordinator, '/api/protocols')).body as ProtocolsReply).protocols).toEqual([]);
  });

  it('stores protocols, flags figures that do not add up, supersedes a team’s earlier one, and raises a conflict between teams', async () => {
    const first = await results(t01.token, [
      // Votes add up to 870, not the 880 valid ballots: sent anyway, flagged.
      protocol(t01.teamId, station['1001']!, { A: 470, B: 400 }, {}, 30),
    ]);
    expect(first[0]!.status).toBe('stored');
    let rows = (
      (await getJson(t.app, coordinator, `/api/protocols?stationId=${station['1001']}`)).body as ProtocolsReply
    ).protocols;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stationCode: '1001', callSign: 'T01', flags: ['votes_valid'], supersedes: 0 });

    // The team corrects its copy: the later one stands, the earlier stays in the log.
    const corrected = protocol(t01.teamId, station['1001']!, { A: 480, B: 400 }, {}, 20);
    expect((await results(t01.token, [corrected]))[0]!.status).toBe('stored');
    rows = ((await getJson(t.app, coordinator, `/api/protocols?stationId=${station['1001']}`)).body as ProtocolsReply)
      .protocols;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventId: corrected.id, votes: { A: 480, B: 400 }, flags: [], supersedes: 1 });
    const log = (await getJson(t.app, coordinator, '/api/events?after=0')).body.events as { type: string }[];
    expect(log.filter((e) => e.type === 'results_protocol')).toHaveLength(2);

    // A second team copies the same protocol: no conflict. Then it copies different figures: a conflict.
    expect(
      (await results(t02.token, [protocol(t02.teamId, station['1001']!, { A: 480, B: 400 }, {}, 15)]))[0]!.status,
    ).toBe('stored');
    let conflicts = ((await getJson(t.app, coordinator, '/api/conflicts')).body as ConflictsReply).conflicts;
    expect(conflicts.filter((c) => c.kind === 'protocol')).toEqual([]);
    expect(
      (await results(t02.token, [protocol(t02.teamId, station['1001']!, { A: 380, B: 500 }, {}, 10)]))[0]!.status,
    ).toBe('stored');
    conflicts = ((await getJson(t.app, coordinator, '/api/conflicts')).body as ConflictsReply).conflicts;
    const conflict = conflicts.find((c) => c.kind === 'protocol')!;
    expect(conflict).toMatchObject({ stationId: station['1001'], phase: 'closing', questionId: 'protocol:mayor' });
    expect(conflict.reports.map((r) => r.value)).toEqual(
      expect.arrayContaining([expect.stringContaining('A 480, B 400'), expect.stringContaining('A 380, B 500')]),
    );

    // A figure that is clearly a typing slip of the box still goes: more found than issued, with the reason.
    const odd = await results(t01.token, [
      protocol(t01.teamId, station['1002']!, { A: 880 }, { figures: figures({ foundInBoxes: 950, invalid: 70 }) }),
    ]);
    expect(odd[0]!.status).toBe('stored');
    rows = ((await getJson(t.app, coordinator, `/api/protocols?stationId=${station['1002']}`)).body as ProtocolsReply)
      .protocols;
    expect(rows[0]!.flags).toEqual(['found_issued', 'candidate_missing']);
  });

  it('keeps every candidate of a reported contest: a new ballot may add one but not drop one', async () => {
    const dropB = await putBallot({
      ...BALLOT,
      contests: [{ ...BALLOT.contests[0], candidates: [{ id: 'A', name: 'Asanov' }] }, BALLOT.contests[1]],
    });
    expect(dropB.statusCode).toBe(400);
    expect(dropB.json().message).toContain('candidate "B" (Bekova) of contest "mayor" has results protocols');

    const dropContest = await putBallot({ ...BALLOT, contests: [BALLOT.contests[1]] });
    expect(dropContest.statusCode).toBe(400);
    expect(dropContest.json().message).toContain('contest "mayor" has results protocols');

    // The unreported contest may go; the reported one gains a candidate.
    const gained = await putBallot({
      ...BALLOT,
      contests: [
        {
          ...BALLOT.contests[0],
          candidates: [...BALLOT.contests[0]!.candidates, { id: 'C', name: 'Cholponova' }],
        },
      ],
      protocolPhotoRequired: true,
    });
    expect(gained.statusCode).toBe(200);
    expect((gained.json() as BallotReply).reportedContestIds).toEqual(['mayor']);

    // Now a photo is required, and must be one the mission holds.
    const noPhoto = await results(t01.token, [protocol(t01.teamId, station['1003']!, { A: 880 })]);
    expect(noPhoto[0]).toMatchObject({
      status: 'rejected',
      field: '/photoId',
      error: 'the mission requires a photo of the protocol',
    });
    const unknownPhoto = await results(t01.token, [
      protocol(t01.teamId, station['1003']!, { A: 880 }, { photoId: randomUUID() }),
    ]);
    expect(unknownPhoto[0]).toMatchObject({ status: 'rejected', field: '/photoId' });
  });

  it('estimates the quick count from the sample stations’ newest protocols, once enough have reported', async () => {
    expect(((await getJson(t.app, coordinator, '/api/quick-count')).body as QuickCountReply).sampled).toBe(false);
    const unknown = await putBallot({
      ...BALLOT,
      contests: [
        { ...BALLOT.contests[0], candidates: [...BALLOT.contests[0]!.candidates, { id: 'C', name: 'Cholponova' }] },
      ],
      sample: { stations: ['1001', '9999'], stratified: true, minReported: 2 },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details[0]).toEqual({
      field: '/sample/stations',
      problem: 'no station with code "9999" in this mission',
    });
    const sampled = await putBallot({
      ...BALLOT,
      contests: [
        { ...BALLOT.contests[0], candidates: [...BALLOT.contests[0]!.candidates, { id: 'C', name: 'Cholponova' }] },
      ],
      sample: { stations: ['1001', '1002', '1003'], stratified: true, minReported: 3 },
    });
    expect(sampled.statusCode).toBe(200);

    // 1001 and 1002 have protocols (1001's newest is T02's), 1003 none: below the threshold of 3, no figures.
    let reply = (await getJson(t.app, coordinator, '/api/quick-count')).body as QuickCountReply;
    expect(reply).toMatchObject({ sampled: true, stratified: true });
    expect(reply.contests[0]).toMatchObject({
      contestId: 'mayor',
      reported: 2,
      sampleSize: 3,
      turnout: null,
      shares: null,
    });

    expect(
      (await results(t02.token, [protocol(t02.teamId, station['1003']!, { A: 500, B: 300, C: 80 }, {}, 1)]))[0]!.status,
    ).toBe('stored');
    reply = (await getJson(t.app, coordinator, '/api/quick-count')).body as QuickCountReply;
    const contest = reply.contests[0]!;
    expect(contest.reported).toBe(3);
    const expected = estimateQuickCount(
      [
        { stratum: 'Leninsky', registered: 2000, voted: 900, valid: 880, votes: { A: 380, B: 500 } },
        { stratum: 'Leninsky', registered: 2000, voted: 950, valid: 880, votes: { A: 880 } },
        { stratum: 'Sverdlovsky', registered: 2000, voted: 900, valid: 880, votes: { A: 500, B: 300, C: 80 } },
      ],
      ['A', 'B', 'C'],
      new Map([
        ['Leninsky', 2],
        ['Sverdlovsky', 1],
      ]),
      3,
    );
    expect(contest.turnout).toEqual(expected.turnout);
    expect(contest.shares!.map((s) => [s.candidateId, s.name, s.estimate])).toEqual(
      expected.shares.map((s, i) => [s.candidateId, ['Asanov', 'Bekova', 'Cholponova'][i], s.estimate]),
    );
  });

  it('shows the quick count to wall displays only when the display policy allows it', async () => {
    const policy = (body: object) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/display-links/policy',
        headers: { authorization: `Bearer ${coordinator}` },
        payload: body,
      });
    const full = (await getJson(t.app, coordinator, '/api/quick-count')).body as QuickCountReply;
    expect(full.contests[0]!.shares).not.toBeNull();
    const hidden = (await getJson(t.app, t.own.displayToken, '/api/quick-count')).body as QuickCountReply;
    expect(hidden).toEqual({ sampled: false, stratified: false, contests: [], head: full.head });

    expect(
      (await policy({ showsFindingText: false, showsTeamPositions: false, showsQuickCount: true })).json(),
    ).toEqual({ showsFindingText: false, showsTeamPositions: false, showsQuickCount: true });
    // The policy is cached per instance for a few seconds; this instance forgot it on the change.
    expect((await getJson(t.app, t.own.displayToken, '/api/quick-count')).body).toEqual(full);
    // A client that predates the switch leaves it out and does not turn it off.
    expect((await policy({ showsFindingText: true, showsTeamPositions: false })).json().showsQuickCount).toBe(true);
    expect(
      (await policy({ showsFindingText: false, showsTeamPositions: false, showsQuickCount: false })).statusCode,
    ).toBe(200);
    expect(((await getJson(t.app, t.own.displayToken, '/api/quick-count')).body as QuickCountReply).contests).toEqual(
      [],
    );
  });

  it('draws the sample from a seed, reproducibly, records how in the log, and refuses a redraw after results unless forced', async () => {
    const other = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    const draw = (body: object, token = other) =>
      t.app.inject({
        method: 'POST',
        url: '/api/ballot/sample',
        headers: { authorization: `Bearer ${token}` },
        payload: body,
      });
    const empty = await draw({ method: 'simple_random', size: 2 });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toBe('the ballot has no contests: define them before drawing the sample');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/ballot',
      headers: { authorization: `Bearer ${other}` },
      payload: { ...BALLOT, contests: [BALLOT.contests[1]] },
    });
    expect(put.statusCode).toBe(200);
    // Constituency 21 covers 1001 and 1002 only: that is the frame.
    const tooLarge = await draw({ method: 'simple_random', size: 3, seed: 'a' });
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json().details).toEqual([
      { field: '/size', problem: "must be at most 2, the stations the ballot's contests cover" },
    ]);
    const badSeed = await draw({ method: 'simple_random', size: 1, seed: 'no;way' });
    expect(badSeed.statusCode).toBe(400);
    expect(badSeed.json().message).toContain('seed');
    const badMin = await draw({ method: 'stratified', size: 1, minReported: 2 });
    expect(badMin.statusCode).toBe(400);
    expect(badMin.json().details).toEqual([{ field: '/minReported', problem: 'must be at most the sample size (1)' }]);

    const first = await draw({ method: 'simple_random', size: 1, seed: '2026 12 07' });
    expect(first.statusCode).toBe(200);
    const drawn = first.json() as SampleDrawReply;
    expect(drawn.ballot.sample).toEqual({
      stations: [expect.stringMatching(/^100[12]$/)],
      stratified: false,
      minReported: 1,
      origin: {
        source: 'draw',
        method: 'simple_random',
        size: 1,
        seed: '2026 12 07',
        algorithm: 'sha256-order-v1',
        frameSize: 2,
      },
    });
    expect(drawn.allocation.reduce((n, d) => n + d.stations, 0)).toBe(2);
    const again = (await draw({ method: 'simple_random', size: 1, seed: '2026 12 07' })).json() as SampleDrawReply;
    expect(again.ballot.sample!.stations).toEqual(drawn.ballot.sample!.stations);
    expect(again.ballot.seq).toBeGreaterThan(drawn.ballot.seq!);

    // Without a seed, Vigil picks one and shows it; the ballot_set in the log carries method, size, seed and codes.
    const picked = (await draw({ method: 'stratified', size: 2 })).json() as SampleDrawReply;
    expect(picked.ballot.sample).toMatchObject({ stratified: true, minReported: 1 });
    expect([...picked.ballot.sample!.stations].sort()).toEqual(['1001', '1002']);
    const origin = picked.ballot.sample!.origin!;
    expect(origin).toMatchObject({ source: 'draw', method: 'stratified', size: 2 });
    expect(origin.source === 'draw' && origin.seed).toMatch(/^\d{12}$/);
    const log = (await getJson(t.app, other, `/api/events?after=${picked.ballot.seq! - 1}`)).body.events as {
      type: string;
      ballot?: { sample?: unknown };
    }[];
    expect(log[0]).toMatchObject({ type: 'ballot_set', ballot: { sample: picked.ballot.sample } });

    // The own mission has protocols: a redraw is refused unless forced, and the forced draw says so in the log.
    const refused = await draw({ method: 'simple_random', size: 2, seed: 'late' }, coordinator);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain('results protocols have arrived for "mayor"');
    const before = (await getJson(t.app, coordinator, '/api/ballot')).body as BallotReply;
    expect(before.sample!.stations).toEqual(['1001', '1002', '1003']);
    // A phone never learns the sample.
    const phoneBallot = (await getJson(t.app, t01.token, '/api/ballot')).body as BallotReply;
    expect(phoneBallot.contests).toEqual(before.contests);
    expect(phoneBallot).not.toHaveProperty('sample');
    const forced = await draw({ method: 'simple_random', size: 2, seed: 'late', force: true }, coordinator);
    expect(forced.statusCode).toBe(200);
    expect((forced.json() as SampleDrawReply).ballot.sample).toMatchObject({
      minReported: 2,
      origin: { source: 'draw', seed: 'late', forced: true, frameSize: 3 },
    });
    // The quick count and the printable summary say how the sample was made.
    const counted = (await getJson(t.app, coordinator, '/api/quick-count')).body as QuickCountReply;
    expect(counted.origin).toMatchObject({ source: 'draw', seed: 'late', forced: true });
    const summary = (await getJson(t.app, coordinator, '/api/exports/summary')).body;
    expect(summary.results.quickCount.origin).toEqual(counted.origin);
  });

  it('takes the sample from a station import’s sample column, refusing bad marks and a changed sample after results', async () => {
    const other = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    const importCsv = (csv: string, token = other, query = '') =>
      t.app.inject({
        method: 'POST',
        url: `/api/stations/import${query}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        payload: csv,
      });
    const file = (marks: string[], column = 'sample') =>
      [
        `number,name,address,district,${column}`,
        ...marks.map(
          (m, i) => `${1001 + i},School No. ${i + 1},Chui Ave ${100 + i},${i < 2 ? 'Leninsky' : 'Sverdlovsky'},${m}`,
        ),
      ].join('\n');
    const ballotOf = async (token: string) => (await getJson(t.app, token, '/api/ballot')).body as BallotReply;
    const before = await ballotOf(other);

    const bad = await importCsv(file(['x', 'maybe', '']));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'sample',
        problem: 'must be yes/no, 1/0, true/false, or x or blank (found "maybe")',
      }),
    ]);
    expect((await ballotOf(other)).seq).toBe(before.seq);

    const preview = await importCsv(file(['yes', 'no', 'yes'], 'PVT'), other, '?dryRun=true');
    expect(preview.json()).toMatchObject({ sampleStations: 2, mapping: { sample: 'PVT' } });
    const imported = await importCsv(file(['yes', 'no', 'yes'], 'PVT'));
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ rows: 3, sampleStations: 2 });
    const after = await ballotOf(other);
    // The draw's design (stratified) and threshold stay; the origin is now the import, in the log as a ballot_set.
    expect(after.sample).toEqual({
      stations: ['1001', '1003'],
      stratified: true,
      minReported: 1,
      origin: { source: 'station_import' },
    });
    expect(after.contests).toEqual(before.contests);
    const log = (await getJson(t.app, other, `/api/events?after=${after.seq! - 1}`)).body.events as { type: string }[];
    expect(log.map((e) => e.type)).toEqual(['ballot_set']);
    // The same marks again record nothing; a file without the column leaves the sample alone.
    expect((await importCsv(file(['x', '', 'x']))).statusCode).toBe(200);
    expect(
      (
        await importCsv(
          file(['', '', ''])
            .replace(/,sample$/m, '')
            .replace(/,$/gm, ''),
        )
      ).statusCode,
    ).toBe(200);
    expect((await ballotOf(other)).seq).toBe(after.seq);

    // The own mission has protocols: a file that would change its sample is refused whole (409); the same one passes.
    const own = await ballotOf(coordinator);
    const changed = await importCsv(
      file(own.sample!.stations.includes('1003') ? ['x', '', ''] : ['', '', 'x']).replace('School No. 1', 'Renamed'),
      coordinator,
    );
    expect(changed.statusCode).toBe(409);
    expect(changed.json().message).toContain('results protocols have arrived for "mayor"; nothing was imported');
    const names = (await getJson(t.app, coordinator, '/api/stations')).body.stations.map(
      (s: { name: string }) => s.name,
    );
    expect(names).not.toContain('Renamed');
    const same = ['1001', '1002', '1003'].map((c) => (own.sample!.stations.includes(c) ? 'x' : ''));
    expect((await importCsv(file(same), coordinator)).statusCode).toBe(200);
    expect((await ballotOf(coordinator)).seq).toBe(own.seq);
  });

  it('replaces the contests from a CSV file: bad cells named by row and column, a reported candidate kept', async () => {
    const importBallot = (csv: string, token = coordinator) =>
      t.app.inject({
        method: 'POST',
        url: '/api/ballot/import',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        payload: csv,
      });
    const before = (await getJson(t.app, coordinator, '/api/ballot')).body as BallotReply;
    const header = 'contest_id,contest_name,kind,candidate_id,candidate_name,stations,districts';
    expect((await importBallot(`${header}\nm,M,,A,Asanov,all,`, t01.token)).statusCode).toBe(403);

    const bad = await importBallot(`${header}\nmayor,Mayor of Bishkek,,A,Asanov,all,\nmayor,,,B,,,\n`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      message: 'the ballot file has 1 problem(s); nothing was changed',
      problems: [{ row: 2, field: 'candidate_name', problem: 'is empty' }],
    });
    // Mayor has protocols naming A, B and C: a file without C is refused by the ballot's rules.
    const dropped = await importBallot(`${header}\nmayor,Mayor of Bishkek,,A,Asanov,all,\nmayor,,,B,Bekova,,\n`);
    expect(dropped.statusCode).toBe(400);
    expect(dropped.json().message).toContain('candidate "C" (Cholponova) of contest "mayor" has results protocols');
    expect(((await getJson(t.app, coordinator, '/api/ballot')).body as BallotReply).seq).toBe(before.seq);

    const good = await importBallot(
      [
        header,
        'mayor,Mayor of Bishkek,constituency,A,Asanov,all,',
        'mayor,,,B,Bekova,,',
        'mayor,,,C,Cholponova,,',
        'mayor,,,D,Dzhumabaeva,,',
        'okrug-24,Constituency 24,,Y,Yusupov,,Sverdlovsky',
      ].join('\n'),
    );
    expect(good.statusCode).toBe(200);
    const after = good.json() as BallotReply;
    expect(after.contests.map((c) => [c.id, c.candidates.map((x) => x.id), c.stations])).toEqual([
      ['mayor', ['A', 'B', 'C', 'D'], 'all'],
      ['okrug-24', ['Y'], ['1003']],
    ]);
    // The rest of the ballot stays as it was.
    expect({ ...after, contests: null, seq: null }).toEqual({ ...before, contests: null, seq: null });
    expect(after.seq).toBeGreaterThan(before.seq!);
  });

  it('a drill wipe clears turnout and protocols, keeps the ballot and records it again as the first events', async () => {
    const other = await login(t.app, t.other.coordinator.username, FIXTURE_PASSWORD);
    const phone = await join(t.app, t.other.joinCodes[0]!.code);
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const drill = await t.app.inject({
      method: 'PUT',
      url: '/api/mission/drill',
      headers: as(other),
      payload: { drill: true },
    });
    expect(drill.statusCode).toBe(200);
    const put = await t.app.inject({ method: 'PUT', url: '/api/ballot', headers: as(other), payload: BALLOT });
    expect(put.statusCode).toBe(200);
    const stations = (await getJson(t.app, other, '/api/stations')).body.stations as { id: string; number: string }[];
    const s1001 = stations.find((s) => s.number === '1001')!.id;
    expect((await results(phone.token, [turnout(phone.teamId, s1001, '10:00', 99)]))[0]!.status).toBe('stored');
    expect(((await getJson(t.app, other, '/api/turnout')).body as TurnoutReply).city[0]!.voted).toBe(99);

    const name = (await getJson(t.app, other, '/api/mission')).body.name as string;
    const cleared = await t.app.inject({
      method: 'POST',
      url: '/api/mission/drill/clear',
      headers: as(other),
      payload: { confirmMissionName: name },
    });
    expect(cleared.statusCode).toBe(200);
    expect(((await getJson(t.app, other, '/api/turnout')).body as TurnoutReply).city[0]!.stations).toBe(0);
    const ballot = (await getJson(t.app, other, '/api/ballot')).body as BallotReply;
    expect(ballot.contests.map((c) => c.id)).toEqual(['mayor', 'okrug-21']);
    const log = (await getJson(t.app, other, '/api/events?after=0')).body.events as { type: string; seq: number }[];
    expect(log.map((e) => e.type)).toContain('ballot_set');
    expect(log.find((e) => e.type === 'ballot_set')!.seq).toBe(ballot.seq);
    expect(log.some((e) => e.type === 'turnout')).toBe(false);
  });
});
