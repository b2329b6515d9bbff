/**
 * Pure rules of the ballot, the protocol arithmetic and the protocol conflicts: what a ballot may not do, which checks a
 * protocol fails, and when two teams' protocols contradict each other.
 */
import { describe, expect, it } from 'vitest';
import { ballotProblems } from '../../server/modules/results/ballot-rules';
import { parseBallotCsv } from '../../server/modules/results/ballot-import';
import { findProtocolConflict } from '../../server/modules/conflicts/conflict-rules';
import { protocolFlags } from '../../shared/protocol-checks';
import type { Ballot } from '../../shared/schemas/results';

const ballot = (candidates: string[], id = 'mayor'): Ballot => ({
  contests: [
    {
      id,
      name: 'Mayor',
      kind: 'constituency',
      candidates: candidates.map((c) => ({ id: c, name: `Candidate ${c}` })),
      stations: ['1001'],
    },
  ],
  turnoutHours: ['10:00'],
  protocolPhotoRequired: false,
});
const known = (code: string) => code === '1001';
const figures = {
  registered: 1000,
  ballotsReceived: 1000,
  issued: 600,
  foundInBoxes: 600,
  valid: 590,
  invalid: 10,
  spoilt: 5,
  unused: 395,
};

describe('ballot rules', () => {
  it('lets an unreported contest change freely and a reported one only gain candidates', () => {
    expect(ballotProblems(ballot(['B']), ballot(['A']), new Set(), known)).toEqual([]);
    expect(ballotProblems(ballot(['A', 'B', 'C']), ballot(['A', 'B']), new Set(['mayor']), known)).toEqual([]);
    expect(ballotProblems(ballot(['A']), ballot(['A', 'B']), new Set(['mayor']), known)).toEqual([
      {
        field: '/contests/0/candidates',
        problem: 'candidate "B" (Candidate B) of contest "mayor" has results protocols: it may not be removed',
      },
    ]);
    expect(ballotProblems(ballot(['A'], 'other'), ballot(['A']), new Set(['mayor']), known)[0]!.problem).toBe(
      'contest "mayor" has results protocols: it may gain candidates but not be removed',
    );
  });

  it('names duplicate ids and unknown station codes', () => {
    expect(ballotProblems(ballot(['A', 'A']), null, new Set(), known)[0]!.problem).toBe(
      'candidate "A" appears twice in contest "mayor"',
    );
    expect(ballotProblems(ballot(['A']), null, new Set(), () => false)[0]!.problem).toBe(
      'no station with code "1001" in this mission',
    );
  });
});

describe('protocol arithmetic', () => {
  it('passes a protocol that reconciles', () => {
    expect(protocolFlags(figures, { A: 300, B: 290 }, ['A', 'B'])).toEqual([]);
  });

  it('flags each check that fails, and a candidate left out', () => {
    expect(protocolFlags({ ...figures, invalid: 20 }, { A: 300, B: 290 }, ['A', 'B'])).toEqual(['valid_invalid_found']);
    expect(protocolFlags(figures, { A: 300 }, ['A', 'B'])).toEqual(['votes_valid', 'candidate_missing']);
    expect(
      protocolFlags({ ...figures, foundInBoxes: 700, invalid: 110, issued: 600, registered: 500 }, { A: 300, B: 290 }, [
        'A',
        'B',
      ]),
    ).toEqual(['found_issued', 'issued_registered']);
    expect(protocolFlags({ ...figures, unused: 300 }, { A: 300, B: 290 }, ['A', 'B'])).toEqual(['received_accounted']);
  });
});

describe('protocol conflicts', () => {
  const report = (teamId: string, votes: Record<string, number>, at: string, eventId = `${teamId}-${at}`) => ({
    eventId,
    teamId,
    contestId: 'mayor',
    figures,
    votes,
    at,
  });
  it('compares each team’s latest protocol: agreement, a correction, a contradiction', () => {
    const t1 = report('t1', { A: 300, B: 290 }, '2026-11-30T15:00:00Z');
    expect(findProtocolConflict([t1])).toBeNull();
    expect(findProtocolConflict([t1, report('t2', { B: 290, A: 300 }, '2026-11-30T15:05:00Z')])).toBeNull();
    const t2wrong = report('t2', { A: 290, B: 300 }, '2026-11-30T15:05:00Z');
    const found = findProtocolConflict([t1, t2wrong]);
    expect(found).toMatchObject({ kind: 'protocol', questionId: 'protocol:mayor' });
    expect(found!.reports.map((r) => r.teamId)).toEqual(['t1', 't2']);
    // t2 corrects itself later: its latest agrees with t1.
    const t2fixed = report('t2', { A: 300, B: 290 }, '2026-11-30T15:10:00Z');
    expect(findProtocolConflict([t1, t2wrong, t2fixed])).toBeNull();
  });
});

describe('ballot CSV', () => {
  const stations = [
    { code: '1001', district: 'Leninsky' },
    { code: '1002', district: 'Leninsky' },
    { code: '1003', district: 'Sverdlovsky' },
  ];
  const csv = (...lines: string[]) => lines.join('\n');
  const HEADER = 'contest_id,contest_name,kind,candidate_id,candidate_name,stations,districts';

  it('reads one row per candidate into contests, covering all, codes or districts as codes', () => {
    const parsed = parseBallotCsv(
      csv(
        HEADER,
        'mayor,Mayor of Bishkek,,A,Asanov,all,',
        'mayor,,,B,Bekova,,',
        'okrug-21,Constituency 21,constituency,X,Kasymov,1003,Leninsky',
        'lists,Party lists,party list,P1,"Party One, United","1001 ; 1002",',
      ),
      stations,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.contests).toEqual([
      {
        id: 'mayor',
        name: 'Mayor of Bishkek',
        kind: 'constituency',
        candidates: [
          { id: 'A', name: 'Asanov' },
          { id: 'B', name: 'Bekova' },
        ],
        stations: 'all',
      },
      {
        id: 'okrug-21',
        name: 'Constituency 21',
        kind: 'constituency',
        candidates: [{ id: 'X', name: 'Kasymov' }],
        stations: ['1001', '1002', '1003'],
      },
      {
        id: 'lists',
        name: 'Party lists',
        kind: 'party_list',
        candidates: [{ id: 'P1', name: 'Party One, United' }],
        stations: ['1001', '1002'],
      },
    ]);
    // Semicolons as the separator (Excel in much of the region), a byte-order mark, districts in any case.
    expect(
      parseBallotCsv(
        '\uFEFFcontest;contest name;candidate;candidate name;districts\nm;M;A;Asanov;sverdlovsky\n',
        stations,
      ).contests[0]!.stations,
    ).toEqual(['1003']);
  });

  it('names the row and column of every bad cell, and refuses the file whole', () => {
    const parsed = parseBallotCsv(
      csv(
        HEADER,
        'mayor,Mayor,,A,Asanov,all,',
        'mayor,Mayor of Osh,,A,Again,,',
        'bad id!,X,,B,Bekova,all,',
        'okrug,Okrug,president,C,,9999,Nowhere',
        'empty,Empty,,D,Dzhumabaev,,',
      ),
      stations,
    );
    expect(parsed.contests).toEqual([]);
    expect(parsed.problems).toEqual([
      { row: 2, field: 'contest_name', problem: '"Mayor of Osh" differs from "Mayor" (row 1) for contest mayor' },
      { row: 2, field: 'candidate_id', problem: 'candidate "A" is already in contest mayor (row 1)' },
      { row: 3, field: 'contest_id', problem: '"bad id!" must be 1–64 letters, digits or _ . : -' },
      { row: 4, field: 'kind', problem: 'use constituency, party_list, referendum, other, not "president"' },
      { row: 4, field: 'candidate_name', problem: 'is empty' },
      { row: 4, field: 'stations', problem: 'no station with code "9999" in this mission' },
      { row: 4, field: 'districts', problem: 'no district "Nowhere" in this mission' },
    ]);
    expect(parseBallotCsv(csv(HEADER, 'empty,Empty,,D,Dzhumabaev,,'), stations).problems).toEqual([
      {
        row: 1,
        field: 'stations',
        problem: 'contest empty covers no station: give station codes, all, or districts on one of its rows',
      },
    ]);
    expect(parseBallotCsv('contest_id,candidate_id\nm,A\n', stations).problems.map((p) => [p.row, p.field])).toEqual([
      [0, 'contest_name'],
      [0, 'candidate_name'],
      [0, 'stations'],
    ]);
    expect(parseBallotCsv('', stations).problems[0]!.problem).toMatch(/^the file is empty/);
  });
});
