/**
 * Reads the commission's per-station results CSV: one row per station, contest and candidate with its votes, the
 * protocol totals (registered, valid, invalid...) repeated on each row of the station. A national file runs to
 * 177,000 stations × their candidates, so it is parsed as a stream and folded record by record into one compact entry
 * per station and contest (typed arrays, not objects per row). Every row is checked before anything is written; the
 * first problems are kept with their row and column, all are counted. No database: the caller passes the frame.
 */
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse as parseStream } from 'csv-parse';
import { searchKey } from '../../../shared/station-search';
import { PROTOCOL_FIGURES, type Candidate, type ProtocolFigure } from '../../../shared/schemas/results';
import { OFFICIAL_RESULT_FIELDS, type OfficialResultField } from '../../../shared/schemas/official-results';
import type { ImportProblem } from '../../../shared/schemas/stations';

/** Problems a reply lists; all are counted. */
export const MAX_LISTED_PROBLEMS = 100;
const SAMPLE_ROWS = 5;
const BYTE_ORDER_MARK = '\uFEFF';
const NO_FIGURE = -1;
const MAX_COUNT = 10_000_000;

/** Every name a field goes by, compared lower-case without spaces, dashes and underscores. */
const NAMES_OF: Readonly<Record<OfficialResultField, readonly string[]>> = {
  stationCode: ['stationcode', 'station', 'code', 'precinct', 'pollingstation', 'uik', 'stationid'],
  contest: ['contest', 'contestid', 'race', 'election'],
  candidate: ['candidate', 'candidateid', 'party', 'list', 'choice'],
  votes: ['votes', 'vote', 'candidatevotes'],
  registered: ['registered', 'registeredvoters', 'voters', 'electors'],
  ballotsReceived: ['ballotsreceived', 'received'],
  issued: ['issued', 'ballotsissued'],
  foundInBoxes: ['foundinboxes', 'ballotsfound', 'found', 'ballotscast', 'cast'],
  valid: ['valid', 'validballots'],
  invalid: ['invalid', 'invalidballots'],
  spoilt: ['spoilt', 'spoiled', 'spoiltballots'],
  unused: ['unused', 'unusedballots'],
};
const normalizeName = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const FIELD_OF_NAME = new Map<string, OfficialResultField>(
  OFFICIAL_RESULT_FIELDS.flatMap((field) => NAMES_OF[field].map((name) => [name, field] as const)),
);

/** A field → column mapping as the API takes it: column names, or null for "the file has no such column". */
export type OfficialMapping = Partial<Record<OfficialResultField, string | null>>;

export interface OfficialFrame {
  /** The mission's stations by `searchKey(code)`. */
  stations: ReadonlyMap<string, { id: string; code: string }>;
  contests: readonly { id: string; name: string; candidates: readonly Candidate[]; stations: 'all' | string[] }[];
}

/** One station's result for one contest: figures and votes in the order of PROTOCOL_FIGURES and the candidates. */
export interface OfficialEntry {
  stationId: string;
  contestId: string;
  figures: Int32Array;
  votes: Int32Array;
  /** The row that set each figure, then each candidate's votes: named when a later row disagrees. */
  rowOf: Int32Array;
}

export interface OfficialImportResult {
  columns: string[];
  sample: string[][];
  mapping: Record<string, string | null>;
  rows: number;
  entries: Map<string, OfficialEntry>;
  problems: ImportProblem[];
  problemCount: number;
  sha256: string;
}

interface ContestIndex {
  id: string;
  candidates: readonly Candidate[];
  candidateIndex: Map<string, number>;
  covers: (code: string) => boolean;
}

export class OfficialRowReader {
  readonly result: OfficialImportResult = {
    columns: [],
    sample: [],
    mapping: {},
    rows: 0,
    entries: new Map(),
    problems: [],
    problemCount: 0,
    sha256: '',
  };
  #header: string[] | null = null;
  #columnOf = new Map<OfficialResultField, number>();
  #headerBroken = false;
  readonly #contests = new Map<string, ContestIndex>();

  constructor(
    private readonly frame: OfficialFrame,
    private readonly mapping: OfficialMapping,
    private readonly contestId: string | undefined,
  ) {
    for (const contest of frame.contests) {
      const candidateIndex = new Map<string, number>();
      contest.candidates.forEach((c, i) => {
        candidateIndex.set(c.id, i);
        // A name is accepted too (files name parties), unless it is another candidate's id.
        const byName = c.name.trim().toLowerCase();
        if (!candidateIndex.has(byName)) candidateIndex.set(byName, i);
      });
      const covered = contest.stations === 'all' ? null : new Set(contest.stations.map(searchKey));
      const index: ContestIndex = {
        id: contest.id,
        candidates: contest.candidates,
        candidateIndex,
        covers: (code) => covered === null || covered.has(searchKey(code)),
      };
      this.#contests.set(contest.id, index);
      const byName = contest.name.trim().toLowerCase();
      if (!this.#contests.has(byName)) this.#contests.set(byName, index);
    }
  }

  #problem(row: number, field: string, problem: string): void {
    this.result.problemCount += 1;
    if (this.result.problems.length < MAX_LISTED_PROBLEMS) this.result.problems.push({ row, field, problem });
  }

  #resolveHeader(header: string[]): void {
    const found = header.map((name) => `"${name}"`).join(', ');
    const used = new Set<number>();
    for (const [field, column] of Object.entries(this.mapping) as [OfficialResultField, string | null | undefined][]) {
      if (!OFFICIAL_RESULT_FIELDS.includes(field)) {
        this.#problem(0, field, `is not a field of official results (fields: ${OFFICIAL_RESULT_FIELDS.join(', ')})`);
        continue;
      }
      if (column === null || column === undefined) continue;
      const index = header.findIndex((name) => normalizeName(name) === normalizeName(column));
      if (index < 0) {
        this.#problem(0, column, `is mapped to ${field} but the file has no such column (found: ${found})`);
        continue;
      }
      if (used.has(index)) this.#problem(0, column, 'is mapped to two fields');
      used.add(index);
      this.#columnOf.set(field, index);
    }
    header.forEach((name, index) => {
      const field = FIELD_OF_NAME.get(normalizeName(name));
      if (field === undefined || used.has(index) || field in this.mapping || this.#columnOf.has(field)) return;
      this.#columnOf.set(field, index);
      used.add(index);
    });
    const required: OfficialResultField[] = ['stationCode', 'candidate', 'votes'];
    // A file of one contest may leave the contest out: the query names it, or the ballot has only one.
    if (this.contestId === undefined && this.frame.contests.length !== 1) required.push('contest');
    for (const field of required)
      if (!this.#columnOf.has(field))
        this.#problem(
          0,
          field,
          `no column for ${field} (accepted names: ${NAMES_OF[field].join(', ')}); the file's columns are ${found || 'none'}: map one` +
            (field === 'contest' ? ', or name the contest with ?contestId=' : ''),
        );
    if (this.contestId !== undefined && !this.#contests.has(this.contestId))
      this.#problem(0, 'contestId', `no contest "${this.contestId}" in the ballot`);
    this.result.mapping = Object.fromEntries(
      OFFICIAL_RESULT_FIELDS.map((f) => [f, this.#columnOf.has(f) ? (header[this.#columnOf.get(f)!] ?? null) : null]),
    );
    this.#headerBroken = this.result.problemCount > 0;
  }

  record(record: string[]): void {
    if (this.#header === null) {
      this.#header = record;
      this.result.columns = record;
      this.#resolveHeader(record);
      return;
    }
    const row = ++this.result.rows;
    if (this.result.sample.length < SAMPLE_ROWS) this.result.sample.push(record);
    if (this.#headerBroken) return;
    const header = this.#header;
    if (record.length < header.length || record.slice(header.length).some((v) => v !== '')) {
      this.#problem(row, '', `has ${record.length} values but the header has ${header.length} columns`);
      return;
    }
    const cell = (field: OfficialResultField) => {
      const column = this.#columnOf.get(field);
      return column === undefined ? undefined : { value: record[column] ?? '', column: header[column] ?? field };
    };
    const station = cell('stationCode')!;
    const found = this.frame.stations.get(searchKey(station.value));
    if (!found) {
      this.#problem(row, station.column, `no station with code "${station.value}" in this mission`);
      return;
    }
    const contestCell = cell('contest');
    const contestName = contestCell?.value ?? this.contestId ?? this.frame.contests[0]?.id ?? '';
    const contest =
      this.#contests.get(contestName) ?? this.#contests.get(contestName.trim().toLowerCase()) ?? undefined;
    if (!contest) {
      this.#problem(row, contestCell?.column ?? 'contestId', `no contest "${contestName}" in the ballot`);
      return;
    }
    if (!contest.covers(found.code)) {
      this.#problem(row, station.column, `station "${found.code}" does not vote in contest "${contest.id}"`);
      return;
    }
    const candidate = cell('candidate')!;
    const candidateIndex =
      contest.candidateIndex.get(candidate.value) ?? contest.candidateIndex.get(candidate.value.trim().toLowerCase());
    if (candidateIndex === undefined) {
      this.#problem(
        row,
        candidate.column,
        `no candidate "${candidate.value}" in contest "${contest.id}" (its candidates: ${contest.candidates
          .slice(0, 10)
          .map((c) => c.id)
          .join(', ')}${contest.candidates.length > 10 ? ', ...' : ''})`,
      );
      return;
    }
    const votesCell = cell('votes')!;
    const votes = this.#count(row, votesCell, true);
    const figures: [number, ProtocolFigure, number][] = [];
    PROTOCOL_FIGURES.forEach((figure, i) => {
      const figureCell = cell(figure);
      if (!figureCell || figureCell.value === '') return;
      const value = this.#count(row, figureCell, false);
      if (value !== null) figures.push([i, figure, value]);
    });
    if (votes === null) return;
    const key = `${found.id}|${contest.id}`;
    let entry = this.result.entries.get(key);
    if (!entry) {
      entry = {
        stationId: found.id,
        contestId: contest.id,
        figures: new Int32Array(PROTOCOL_FIGURES.length).fill(NO_FIGURE),
        votes: new Int32Array(contest.candidates.length).fill(NO_FIGURE),
        rowOf: new Int32Array(PROTOCOL_FIGURES.length + contest.candidates.length),
      };
      this.result.entries.set(key, entry);
    }
    const candidateSlot = PROTOCOL_FIGURES.length + candidateIndex;
    if (entry.votes[candidateIndex] !== NO_FIGURE) {
      const first = entry.rowOf[candidateSlot];
      this.#problem(
        row,
        candidate.column,
        `candidate "${contest.candidates[candidateIndex]!.id}" of station "${found.code}" already has votes on row ${first}`,
      );
    } else {
      entry.votes[candidateIndex] = votes;
      entry.rowOf[candidateSlot] = row;
    }
    for (const [i, figure, value] of figures) {
      const held = entry.figures[i]!;
      if (held === NO_FIGURE) {
        entry.figures[i] = value;
        entry.rowOf[i] = row;
      } else if (held !== value)
        this.#problem(
          row,
          cell(figure)!.column,
          `${figure} is ${value} but row ${entry.rowOf[i]} gives ${held} for station "${found.code}"`,
        );
    }
  }

  #count(row: number, cell: { value: string; column: string }, required: boolean): number | null {
    const text = cell.value.replace(/[\s\u00a0]/g, '');
    if (text === '' && required) {
      this.#problem(row, cell.column, 'is empty');
      return null;
    }
    if (!/^\d+$/.test(text) || Number(text) > MAX_COUNT) {
      this.#problem(row, cell.column, `"${cell.value}" is not a whole number from 0 to ${MAX_COUNT}`);
      return null;
    }
    return Number(text);
  }

  end(): void {
    if (this.#header === null) this.#problem(0, '', 'the file is empty');
    else if (this.result.rows === 0) this.#problem(0, '', 'the file has a header but no rows');
  }
}

function detectDelimiter(headerLine: string): string {
  const count = (c: string) => headerLine.split(c).length - 1;
  return [';', '\t'].find((c) => count(c) > count(',')) ?? ',';
}

/** The official results CSV of a request body, read as it arrives and hashed as read. */
export async function readOfficialResults(
  source: AsyncIterable<Buffer | string>,
  frame: OfficialFrame,
  mapping: OfficialMapping,
  contestId: string | undefined,
): Promise<OfficialImportResult> {
  const reader = new OfficialRowReader(frame, mapping, contestId);
  const hash = createHash('sha256');
  const input = source[Symbol.asyncIterator]();
  const decoder = new StringDecoder('utf8');
  const next = async () => {
    const chunk = await input.next();
    if (chunk.done) return null;
    hash.update(chunk.value);
    return typeof chunk.value === 'string' ? chunk.value : decoder.write(chunk.value);
  };
  let head = '';
  let done = false;
  // Enough text to hold the header line, to choose the delimiter.
  while (!done && !/[\r\n]/.test(head)) {
    const text = await next();
    if (text === null) {
      done = true;
      head += decoder.end();
    } else head += text;
  }
  if (head.startsWith(BYTE_ORDER_MARK)) head = head.slice(1);
  async function* text() {
    yield head;
    if (done) return;
    for (let t = await next(); t !== null; t = await next()) yield t;
    yield decoder.end();
  }
  const parser = parseStream({
    delimiter: detectDelimiter(head.split(/\r\n|\n|\r/, 1)[0] ?? ''),
    trim: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    relax_column_count: true,
  });
  let sourceError: unknown = null;
  const fed = pipeline(Readable.from(text(), { objectMode: false }), parser).catch((error: unknown) => {
    sourceError = error;
  });
  let unreadable: unknown = null;
  try {
    for await (const record of parser as AsyncIterable<string[]>) reader.record(record);
  } catch (error) {
    unreadable = error;
  }
  await fed;
  if (sourceError !== null && !(sourceError instanceof CsvError)) throw sourceError;
  const csvError = unreadable ?? sourceError;
  if (csvError !== null) {
    reader.result.problemCount += 1;
    reader.result.problems.push({
      row: 0,
      field: '',
      problem: `could not be read as CSV: ${csvError instanceof Error ? csvError.message : String(csvError)}`,
    });
  } else reader.end();
  reader.result.sha256 = hash.digest('hex');
  return reader.result;
}

/** An entry as stored: figures the file gave, votes per candidate id (a candidate the file left out has none). */
export function entryRow(entry: OfficialEntry, candidates: readonly Candidate[]) {
  const figures: Partial<Record<ProtocolFigure, number>> = {};
  PROTOCOL_FIGURES.forEach((figure, i) => {
    if (entry.figures[i] !== NO_FIGURE) figures[figure] = entry.figures[i]!;
  });
  const votes: Record<string, number> = {};
  candidates.forEach((c, i) => {
    if (entry.votes[i] !== NO_FIGURE) votes[c.id] = entry.votes[i]!;
  });
  return { figures, votes };
}
