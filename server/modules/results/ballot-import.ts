/**
 * The ballot's contests as CSV, one row per candidate (or list), as a spreadsheet holds them:
 *   contest_id, contest_name, kind, candidate_id, candidate_name, stations, districts
 * `kind` is constituency (the default), party_list, referendum or other. A contest covers the stations named in its
 * rows' `stations` cells (codes separated by spaces, commas, `;` or `|`, or `all`) and every station of the districts
 * in their `districts` cells (separated by `;` or `|`), on any of its rows; the ballot stores them as codes, the way
 * PUT /api/ballot takes them. Contest name and kind repeat on every row or are given once.
 * Pure: the caller supplies the mission's stations; every bad cell is reported by row and column, and any problem
 * rejects the file. The ballot's own rules (a reported contest keeps its candidates) are checked when it is stored.
 */
import { parse } from 'csv-parse/sync';
import {
  CONTEST_KINDS,
  MAX_CANDIDATES,
  MAX_CONTESTS,
  type Contest,
  type ContestKind,
} from '../../../shared/schemas/results';
import { searchKey } from '../../../shared/station-search';
import { detectDelimiter } from '../stations/station-import-csv';

export interface BallotCsvProblem {
  row: number;
  field: string;
  problem: string;
}

const MAX_BALLOT_ROWS = MAX_CONTESTS * MAX_CANDIDATES;
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_NAME = 200;

const COLUMNS = {
  contest_id: ['contest_id', 'contest'],
  contest_name: ['contest_name'],
  kind: ['kind', 'contest_kind'],
  candidate_id: ['candidate_id', 'candidate'],
  candidate_name: ['candidate_name'],
  stations: ['stations', 'station_codes'],
  districts: ['districts', 'district'],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: readonly Column[] = ['contest_id', 'contest_name', 'candidate_id', 'candidate_name'];

const normalise = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

interface Building {
  row: number;
  id: string;
  name: string;
  kind: ContestKind | null;
  candidates: { id: string; name: string; row: number }[];
  all: boolean;
  codes: Set<string>;
}

export function parseBallotCsv(
  text: string,
  stations: readonly { code: string; district: string }[],
): { contests: Contest[]; problems: BallotCsvProblem[] } {
  const problems: BallotCsvProblem[] = [];
  const fail = (problem: string) => ({ contests: [], problems: [{ row: 0, field: '', problem }] });
  const clean = text.replace(/^\uFEFF/, '');
  let records: string[][];
  try {
    records = parse(clean, {
      delimiter: detectDelimiter(clean.split(/\r\n|\n|\r/, 1)[0] ?? ''),
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      to: MAX_BALLOT_ROWS + 2,
    });
  } catch (error) {
    return fail(`could not be read as CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...rows] = records;
  if (!header) return fail('the file is empty: a header row and one row per candidate are needed');
  if (rows.length === 0) return fail('the file has a header but no candidate rows');
  if (rows.length > MAX_BALLOT_ROWS) return fail(`at most ${MAX_BALLOT_ROWS} rows`);
  const columnOf = new Map<Column, number>();
  header.forEach((name, index) => {
    for (const [column, aliases] of Object.entries(COLUMNS) as [Column, readonly string[]][])
      if ((aliases as readonly string[]).includes(normalise(name)) && !columnOf.has(column))
        columnOf.set(column, index);
  });
  for (const column of REQUIRED)
    if (!columnOf.has(column))
      problems.push({
        row: 0,
        field: column,
        problem: `missing column (the file's columns are ${header.map((h) => `"${h}"`).join(', ')}; expected ${Object.keys(COLUMNS).join(', ')})`,
      });
  if (!columnOf.has('stations') && !columnOf.has('districts'))
    problems.push({
      row: 0,
      field: 'stations',
      problem: 'missing column: give stations (codes or all), districts, or both',
    });
  if (problems.length) return { contests: [], problems };

  const codeOf = new Map(stations.map((s) => [searchKey(s.code), s.code]));
  const codesOfDistrict = new Map<string, string[]>();
  for (const s of stations) {
    const key = s.district.trim().toLowerCase();
    const codes = codesOfDistrict.get(key);
    if (codes) codes.push(s.code);
    else codesOfDistrict.set(key, [s.code]);
  }
  const cell = (record: string[], column: Column) =>
    columnOf.has(column) ? (record[columnOf.get(column)!] ?? '').trim() : '';
  const contests = new Map<string, Building>();

  rows.forEach((record, i) => {
    const row = i + 1;
    const problem = (field: Column, text: string) => problems.push({ row, field, problem: text });
    const contestId = cell(record, 'contest_id');
    if (!ID.test(contestId)) {
      problem('contest_id', contestId ? `"${contestId}" must be 1–64 letters, digits or _ . : -` : 'is empty');
      return;
    }
    let contest = contests.get(contestId);
    if (!contest) {
      if (contests.size === MAX_CONTESTS) {
        problem('contest_id', `at most ${MAX_CONTESTS} contests`);
        return;
      }
      contest = { row, id: contestId, name: '', kind: null, candidates: [], all: false, codes: new Set() };
      contests.set(contestId, contest);
    }
    const name = cell(record, 'contest_name');
    if (name.length > MAX_NAME) problem('contest_name', `must be at most ${MAX_NAME} characters`);
    else if (name && contest.name && name !== contest.name)
      problem('contest_name', `"${name}" differs from "${contest.name}" (row ${contest.row}) for contest ${contestId}`);
    else if (name) contest.name = name;
    const kind = cell(record, 'kind')
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if (kind) {
      if (!(CONTEST_KINDS as readonly string[]).includes(kind))
        problem('kind', `use ${CONTEST_KINDS.join(', ')}, not "${cell(record, 'kind')}"`);
      else if (contest.kind && contest.kind !== kind)
        problem('kind', `"${kind}" differs from "${contest.kind}" given earlier for contest ${contestId}`);
      else contest.kind = kind as ContestKind;
    }
    const candidateId = cell(record, 'candidate_id');
    const candidateName = cell(record, 'candidate_name');
    if (!ID.test(candidateId))
      problem('candidate_id', candidateId ? `"${candidateId}" must be 1–64 letters, digits or _ . : -` : 'is empty');
    else if (contest.candidates.some((c) => c.id === candidateId)) {
      const earlier = contest.candidates.find((c) => c.id === candidateId)!;
      problem('candidate_id', `candidate "${candidateId}" is already in contest ${contestId} (row ${earlier.row})`);
    } else if (!candidateName || candidateName.length > MAX_NAME)
      problem('candidate_name', candidateName ? `must be at most ${MAX_NAME} characters` : 'is empty');
    else if (contest.candidates.length === MAX_CANDIDATES)
      problem('candidate_id', `at most ${MAX_CANDIDATES} candidates in contest ${contestId}`);
    else contest.candidates.push({ id: candidateId, name: candidateName, row });
    for (const word of cell(record, 'stations')
      .split(/[\s,;|]+/)
      .filter(Boolean)) {
      if (word.toLowerCase() === 'all') contest.all = true;
      else {
        const code = codeOf.get(searchKey(word));
        if (code) contest.codes.add(code);
        else problem('stations', `no station with code "${word}" in this mission`);
      }
    }
    for (const district of cell(record, 'districts')
      .split(/[;|]/)
      .map((d) => d.trim())
      .filter(Boolean)) {
      const codes = codesOfDistrict.get(district.toLowerCase());
      if (codes) for (const code of codes) contest.codes.add(code);
      else problem('districts', `no district "${district}" in this mission`);
    }
  });
  for (const contest of contests.values()) {
    if (!contest.name)
      problems.push({ row: contest.row, field: 'contest_name', problem: `contest ${contest.id} has no name` });
    if (
      !contest.all &&
      contest.codes.size === 0 &&
      !problems.some((p) => p.field === 'stations' || p.field === 'districts')
    )
      problems.push({
        row: contest.row,
        field: columnOf.has('stations') ? 'stations' : 'districts',
        problem: `contest ${contest.id} covers no station: give station codes, all, or districts on one of its rows`,
      });
  }
  if (problems.length) return { contests: [], problems: problems.sort((a, b) => a.row - b.row) };
  return {
    problems,
    contests: [...contests.values()].map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind ?? 'constituency',
      candidates: c.candidates.map(({ id, name }) => ({ id, name })),
      stations: c.all ? 'all' : [...c.codes].sort(),
    })),
  };
}
