/**
 * The commission's official results through the real app on PGlite and Postgres: the CSV import (columns guessed by
 * header or mapped, every problem refused with its row and column and nothing written, a re-import of a contest
 * replacing it, the log's record with the file's hash) and the station-by-station comparison with observed protocols.
 */
import { createHash, randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, FIXTURE_PASSWORD, type Driver, type TestApp } from '../helpers/app';
import { postgresAvailable } from '../helpers/services';
import { getJson, join, login, minutesAgo, postEvents } from '../helpers/events';
import type {
  OfficialComparisonReply,
  OfficialImportReply,
  ResultChecksReply,
} from '../../shared/schemas/official-results';
import { MAYOR_CONTEST, OKRUG_21_CONTEST } from '../helpers/ballots';

const drivers: Driver[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

const BALLOT = {
  contests: [MAYOR_CONTEST, OKRUG_21_CONTEST],
  turnoutHours: ['10:00'],
  protocolPhotoRequired: false,
};

const figures = { registered: 2000, ballotsReceived: 2000, issued: 900, foundInBoxes: 900, valid: 880, invalid: 20 };
const fullFigures = { ...figures, spoilt: 0, unused: 1100 };

/** The commission's file: one row per station and candidate, totals repeated. */
function officialCsv(votes: Record<string, [number, number]>, over: Record<string, Partial<typeof figures>> = {}) {
  const lines = [
    'station_code,contest,candidate,votes,registered,ballots_received,issued,found_in_boxes,valid,invalid',
  ];
  for (const [code, [a, b]] of Object.entries(votes)) {
    const f = { ...figures, ...over[code] };
    const totals = [f.registered, f.ballotsReceived, f.issued, f.foundInBoxes, f.valid, f.invalid].join(',');
    lines.push(`${code},mayor,A,${a},${totals}`, `${code},mayor,Bekova,${b},${totals}`);
  }
  return lines.join('\n') + '\n';
}

describe.each(drivers)('official results on %s', (driver) => {
  let t: TestApp;
  let coordinator: string;
  let t01: { token: string; teamId: string };
  let t02: { token: string; teamId: string };
  let station: Record<string, string>;

  const importCsv = (csv: string, query = '', token = coordinator) =>
    t.app.inject({
      method: 'POST',
      url: `/api/official-results/import${query}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: csv,
    });
  const comparison = async () =>
    (await getJson(t.app, coordinator, '/api/official-results/comparison')).body as OfficialComparisonReply;
  const protocol = (team: { teamId: string }, code: string, votes: Record<string, number>, minutes: number) => ({
    id: randomUUID(),
    type: 'results_protocol',
    occurredAt: minutesAgo(minutes),
    teamId: team.teamId,
    stationId: station[code]!,
    contestId: 'mayor',
    figures: fullFigures,
    votes,
  });

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
    const ballot = await t.app.inject({
      method: 'PUT',
      url: '/api/ballot',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: BALLOT,
    });
    expect(ballot.statusCode).toBe(200);
    // Observers copied 1001 (right) and 1002 (T01 first wrote it wrong, T02's later copy is the newest).
    const stored = [
      ...(
        await postEvents(t.app, t01.token, [
          protocol(t01, '1001', { A: 500, B: 380 }, 30),
          protocol(t01, '1002', { A: 1, B: 879 }, 30),
        ])
      ).json().results,
      ...(await postEvents(t.app, t02.token, [protocol(t02, '1002', { A: 450, B: 430 }, 10)])).json().results,
    ] as { status: string }[];
    expect(stored.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a bad file naming row and column, and writes nothing', async () => {
    const bad = officialCsv({ 1001: [500, 380], 9999: [1, 2], 1003: [300, 580] }).replace(
      '1003,mayor,A,300',
      '1003,mayor,A,many',
    );
    const res = await importCsv(bad);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('IMPORT_INVALID');
    expect(body.problemCount).toBe(3);
    expect(body.problems).toEqual([
      // Rows go by station code: 1001, 1003, 9999.
      { row: 3, field: 'votes', problem: '"many" is not a whole number from 0 to 10000000' },
      { row: 5, field: 'station_code', problem: 'no station with code "9999" in this mission' },
      { row: 6, field: 'station_code', problem: 'no station with code "9999" in this mission' },
    ]);
    expect(body.message).toContain('row 3, column "votes"');

    // Totals that disagree between two rows of a station, a candidate twice, a station outside its contest.
    const conflicting = [
      'station_code,contest,candidate,votes,valid',
      '1001,mayor,A,500,880',
      '1001,mayor,B,380,881',
      '1001,mayor,A,1,880',
      '1003,okrug-21,X,10,',
    ].join('\n');
    const problems = (await importCsv(conflicting)).json().problems as {
      row: number;
      field: string;
      problem: string;
    }[];
    expect(problems).toEqual([
      { row: 2, field: 'valid', problem: 'valid is 881 but row 1 gives 880 for station "1001"' },
      { row: 3, field: 'candidate', problem: 'candidate "A" of station "1001" already has votes on row 1' },
      { row: 4, field: 'station_code', problem: 'station "1003" does not vote in contest "okrug-21"' },
    ]);

    // A header the import cannot read names the missing field and the file's columns.
    const unmapped = await importCsv('Nr;Race;Who;N\n1001;mayor;A;5\n');
    expect(unmapped.statusCode).toBe(400);
    expect(unmapped.json().problems[0]).toMatchObject({ row: 0, field: 'stationCode' });
    expect(unmapped.json().problems[0].problem).toContain('"Nr", "Race", "Who", "N"');

    // Not CSV at all (a quote opening mid-field, one never closed), an empty body, a bad mapping: 400, never 500.
    for (const broken of ['station_code,candidate,votes\n1001,a"b,1\n', 'station_code,candidate,votes\n"1001,A,1\n']) {
      const res = await importCsv(broken);
      expect(res.statusCode, broken).toBe(400);
      expect(res.json().problems[0].problem).toMatch(/^could not be read as CSV/);
    }
    expect((await importCsv('')).statusCode).toBe(400);
    expect((await importCsv('station_code,candidate,votes\n', '?mapping=%7Bx')).json().code).toBe('MAPPING_INVALID');
    expect((await importCsv(officialCsv({ 1001: [1, 2] }), '', t01.token)).statusCode).toBe(403);
    const after = await comparison();
    expect(after.contests.find((c) => c.contestId === 'mayor')).toMatchObject({ officialStations: 0, compared: 0 });
    const log = (await getJson(t.app, coordinator, '/api/events?after=0')).body.events as { type: string }[];
    expect(log.some((e) => e.type === 'official_results_imported')).toBe(false);
  });

  it('maps columns the file names its own way, in a dry run that writes nothing', async () => {
    const csv = 'Nr;Race;Who;N\n1001;mayor;A;500\n1001;mayor;B;380\n';
    const mapping = encodeURIComponent(
      JSON.stringify({ stationCode: 'Nr', contest: 'Race', candidate: 'Who', votes: 'N' }),
    );
    const res = await importCsv(csv, `?dryRun=true&mapping=${mapping}`);
    expect(res.statusCode).toBe(200);
    const reply = res.json() as OfficialImportReply;
    expect(reply).toMatchObject({
      dryRun: true,
      columns: ['Nr', 'Race', 'Who', 'N'],
      rows: 2,
      contests: [{ contestId: 'mayor', stations: 1, rows: 2 }],
      seq: null,
    });
    expect(reply.mapping).toMatchObject({ stationCode: 'Nr', votes: 'N', valid: null });
    expect((await comparison()).contests[0]!.officialStations).toBe(0);
  });

  it('imports all stations, records the import in the log, and compares each observed station exactly', async () => {
    // The commission's 1002 gives A 50 more and B 50 fewer than the observers' newest copy; 1003 was not observed.
    const csv = officialCsv({ 1001: [500, 380], 1002: [500, 380], 1003: [300, 580] });
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(200);
    const reply = res.json() as OfficialImportReply;
    expect(reply).toMatchObject({ dryRun: false, rows: 6, contests: [{ contestId: 'mayor', stations: 3, rows: 6 }] });
    expect(reply.sha256).toBe(createHash('sha256').update(csv).digest('hex'));
    const log = (await getJson(t.app, coordinator, '/api/events?after=0')).body.events as {
      type: string;
      seq: number;
      contestIds?: string[];
      rows?: number;
      sha256?: string;
      actor?: { role: string };
    }[];
    const recorded = log.filter((e) => e.type === 'official_results_imported');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ seq: reply.seq, contestIds: ['mayor'], rows: 6, sha256: reply.sha256 });

    const compared = await comparison();
    expect(compared.differences).toEqual([
      expect.objectContaining({
        stationCode: '1002',
        contestId: 'mayor',
        field: 'votes:A',
        observed: 450,
        official: 500,
      }),
      expect.objectContaining({
        stationCode: '1002',
        contestId: 'mayor',
        field: 'votes:B',
        observed: 430,
        official: 380,
      }),
    ]);
    expect(compared.differences[0]).toMatchObject({ stationName: 'School No. 2', district: 'Leninsky' });
    expect(compared.differingStationIds).toEqual([station['1002']]);
    const mayor = compared.contests.find((c) => c.contestId === 'mayor')!;
    expect(mayor).toMatchObject({
      officialStations: 3,
      observedStations: 2,
      compared: 2,
      differing: 1,
      missingOfficial: [],
      totalsOver: 'observed',
      importSeq: reply.seq,
    });
    expect(
      mayor.totals.map((c) => [c.candidateId, c.observedVotes, c.officialSameStationsVotes, c.officialVotes]),
    ).toEqual([
      ['A', 950, 1000, 1300],
      ['B', 810, 760, 1340],
    ]);
    expect(mayor.totals[0]!.officialShare).toBeCloseTo(1300 / 2640, 9);

    // The export holds the same differences and totals.
    const exported = await t.app.inject({
      method: 'GET',
      url: '/api/exports/official-comparison.csv',
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(exported.statusCode).toBe(200);
    const rows = parse(exported.body, { comment: '#', columns: true }) as Record<string, string>[];
    expect(
      rows.filter((r) => r.kind === 'difference').map((r) => [r.station, r.field, r.observed, r.official]),
    ).toEqual([
      ['1002', 'votes:A', '450', '500'],
      ['1002', 'votes:B', '430', '380'],
    ]);
    expect(
      rows.find((r) => r.kind === 'total_observed' && r.contest === 'mayor' && r.field === 'votes:A'),
    ).toMatchObject({ observed: '950', official: '1000', official_all_stations: '1300' });

    // Nobody posts the import's event by hand.
    const [forged] = (
      await postEvents(t.app, coordinator, [
        {
          id: randomUUID(),
          type: 'official_results_imported',
          occurredAt: minutesAgo(1),
          contestIds: ['mayor'],
          rows: 1,
          stations: 1,
          sha256: 'a'.repeat(64),
        },
      ])
    ).json().results as { status: string; field: string }[];
    expect(forged).toMatchObject({ status: 'rejected', field: '/type' });
  });

  it('replaces a contest on re-import, leaving the others alone', async () => {
    const okrug = 'station_code,candidate,votes\n1001,X,700\n1002,Kasymov,800\n';
    expect((await importCsv(okrug, '?contestId=okrug-21')).statusCode).toBe(200);
    // The corrected mayor file: 1002 now matches the observers and 1001 is left out.
    const res = await importCsv(officialCsv({ 1002: [450, 430], 1003: [300, 580] }));
    expect(res.statusCode).toBe(200);
    const compared = await comparison();
    expect(compared.differences).toEqual([]);
    expect(compared.differingStationIds).toEqual([]);
    const mayor = compared.contests.find((c) => c.contestId === 'mayor')!;
    expect(mayor).toMatchObject({
      officialStations: 2,
      compared: 1,
      missingOfficial: ['1001'],
      importSeq: res.json().seq,
    });
    expect(mayor.totals.map((c) => c.officialVotes)).toEqual([750, 1010]);
    expect(compared.contests.find((c) => c.contestId === 'okrug-21')).toMatchObject({ officialStations: 2 });
    const log = (await getJson(t.app, coordinator, '/api/events?after=0')).body.events as { type: string }[];
    expect(log.filter((e) => e.type === 'official_results_imported')).toHaveLength(3);
  });

  it('lists results worth a look by the ballot thresholds, from both sources, with each contest fingerprint', async () => {
    const read = async () => (await getJson(t.app, coordinator, '/api/result-checks')).body as ResultChecksReply;
    const before = await read();
    expect(before.thresholds).toEqual({ turnoutAbove: 0.9, invalidShareAbove: 0.05, districtShareDeviation: 0.2 });
    expect(before.checks).toEqual([]);
    // Every protocol here has 900 of 2000 voting (45 %) and 20 of 900 invalid (2.2 %): lower thresholds catch them.
    const thresholds = { turnoutAbove: 0.44, invalidShareAbove: 0.02, districtShareDeviation: 0.2 };
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/ballot',
      headers: { authorization: `Bearer ${coordinator}` },
      payload: { ...BALLOT, checks: thresholds },
    });
    expect(put.statusCode).toBe(200);
    const after = await read();
    expect(after.thresholds).toEqual(thresholds);
    expect(after.checks.map((c) => [c.source, c.stationCode, c.contestId, c.check])).toEqual([
      ['observed', '1001', 'mayor', 'high_turnout'],
      ['observed', '1001', 'mayor', 'high_invalid'],
      ['observed', '1002', 'mayor', 'high_turnout'],
      ['observed', '1002', 'mayor', 'high_invalid'],
      ['official', '1002', 'mayor', 'high_turnout'],
      ['official', '1002', 'mayor', 'high_invalid'],
      ['official', '1003', 'mayor', 'high_turnout'],
      ['official', '1003', 'mayor', 'high_invalid'],
    ]);
    expect(after.counts).toEqual({ observed: 4, official: 4 });
    const mayor = after.fingerprints.find((f) => f.contestId === 'mayor')!;
    // B leads the official totals (1010 to 750); each station sits at 45 % turnout.
    expect(mayor).toMatchObject({ candidateId: 'B', candidateName: 'Bekova', bins: 50 });
    expect(mayor.observed.stations).toBe(2);
    expect(mayor.official!.stations).toBe(2);
    const cell = (share: number) => Math.floor(share * 50) * 50 + Math.floor(0.45 * 50);
    expect(mayor.official!.cells[cell(430 / 880)]).toBe(1);
    expect(mayor.official!.cells[cell(580 / 880)]).toBe(1);

    const exported = await t.app.inject({
      method: 'GET',
      url: '/api/exports/result-checks.csv',
      headers: { authorization: `Bearer ${coordinator}` },
    });
    const rows = parse(exported.body, { comment: '#', columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatchObject({ source: 'observed', station: '1001', check: 'high_turnout', value: '0.45' });
  });
});
