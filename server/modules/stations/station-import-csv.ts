/**
 * Station lists as CSV, the way election commissions and spreadsheets export them: a header row, comma- or
 * semicolon-separated (Excel in most of the former USSR writes semicolons), possibly with a byte-order mark.
 * A national list runs to 200,000 rows, so the reader also takes the file as a stream and turns each record into a
 * station row as it arrives: neither the whole text nor every parsed record is ever held at once.
 */
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse as parseStream, type Options } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import {
  CSV_COLUMN_OF,
  MAX_IMPORT_ROWS,
  REQUIRED_FIELDS,
  STATION_FIELDS,
  aliasesOf,
  fieldNamed,
  type FoundFields,
  type StationField,
  type StationRowCollector,
} from './station-import-row';

const BYTE_ORDER_MARK = '\uFEFF';
const DELIMITER_CANDIDATES = [',', ';', '\t'] as const;

/** The candidate that occurs most often outside quotes in the header line; a comma when there is none. */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>();
  let inQuotes = false;
  for (const char of headerLine) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: string = ',';
  for (const candidate of DELIMITER_CANDIDATES) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}

function parseOptions(headerLine: string, stopAfterLimit: boolean): Options {
  return {
    delimiter: detectDelimiter(headerLine),
    trim: true,
    skip_empty_lines: true,
    // Spreadsheets save rows of bare separators below the data; they are not stations.
    skip_records_with_empty_values: true,
    // Rows of the wrong length are reported per row below rather than failing the whole file.
    relax_column_count: true,
    // Header, the most rows allowed, and one more to notice that there are too many. A stream that stops early would
    // end before its source does (a premature close); there the reader skips rows past the limit instead.
    ...(stopAfterLimit ? { to: MAX_IMPORT_ROWS + 2 } : {}),
  };
}

function reportUnreadable(collector: StationRowCollector, error: unknown): void {
  collector.problems.add(0, '', `could not be read as CSV: ${error instanceof Error ? error.message : String(error)}`);
}

/** A field → column mapping as the API takes it: column names, or null for "the file has no such column". */
export type ColumnMapping = Partial<Record<StationField, string | null>>;

const SAMPLE_ROWS = 5;

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Which column holds which field: the mapping's choices first, then the usual names for the rest. Reports a mapping
 * naming a column the file lacks, two columns for one field, and missing required fields, naming the columns found.
 */
export function resolveColumns(
  header: readonly string[],
  mapping: ColumnMapping,
  problems: StationRowCollector['problems'],
  noun = 'column',
): Map<StationField, number> {
  const columnOf = new Map<StationField, number>();
  const used = new Set<number>();
  const found = header.map((name) => `"${name}"`).join(', ');
  for (const [field, column] of Object.entries(mapping) as [StationField, string | null | undefined][]) {
    if (column === null || column === undefined) continue;
    const index = header.findIndex((name) => sameName(name, column));
    if (index < 0) {
      problems.add(
        0,
        column,
        `is mapped to ${CSV_COLUMN_OF[field]} but the file has no such ${noun} (found: ${found})`,
        'error',
        'mapping names a missing column',
      );
      continue;
    }
    if (used.has(index)) problems.add(0, column, `is mapped to two fields`, 'error', 'one column mapped to two fields');
    columnOf.set(field, index);
    used.add(index);
  }
  header.forEach((name, index) => {
    const field = fieldNamed(name);
    if (field === undefined || used.has(index) || field in mapping) return; // extra columns are allowed and ignored
    const earlier = columnOf.get(field);
    if (earlier === undefined) columnOf.set(field, index);
    // GeoJSON features may each name a field differently: two names are a problem only within one feature.
    else if (noun === 'column') problems.add(0, name, `is the same field as ${noun} "${header[earlier]}"`);
  });
  const missing = REQUIRED_FIELDS.filter((field) => !columnOf.has(field));
  for (const field of missing) {
    const aliases = aliasesOf(field);
    const hint = aliases.length > 0 ? ` (also accepted: ${aliases.join(', ')})` : '';
    problems.add(
      0,
      CSV_COLUMN_OF[field],
      `${noun} is missing${hint}. The file's ${noun}s are ${found || 'none'}; expected ${REQUIRED_FIELDS.map((f) => CSV_COLUMN_OF[f]).join(' and ')} ` +
        `(and optionally ${STATION_FIELDS.filter((f) => !REQUIRED_FIELDS.includes(f))
          .map((f) => CSV_COLUMN_OF[f])
          .join(', ')}): map them`,
      'error',
      `${CSV_COLUMN_OF[field]}: ${noun} is missing (map one)`,
    );
  }
  return columnOf;
}

/** Turns records into station rows one at a time: the header first, then data rows, then `end`. */
class CsvRecordReader {
  private header: string[] | null = null;
  private columnOf = new Map<StationField, number>();
  private sampleColumn: number | null = null;
  private dataRows = 0;
  /** Problems with the header (a mapping naming a missing column, a required field missing). */
  private headerBroken = false;

  constructor(
    private readonly collector: StationRowCollector,
    private readonly mapping: ColumnMapping,
  ) {}

  record(record: string[]): void {
    if (this.header === null) {
      this.header = record;
      this.collector.columns = record;
      this.columnOf = resolveColumns(record, this.mapping, this.collector.problems);
      this.sampleColumn = this.collector.sampleMarks.resolve(record, this.collector.problems, 'column');
      this.collector.mapping = Object.fromEntries(
        STATION_FIELDS.map((f) => [f, this.columnOf.has(f) ? (record[this.columnOf.get(f)!] ?? null) : null]),
      );
      this.headerBroken = !this.collector.problems.isEmpty;
      return;
    }
    // Counting stops one past the limit: enough to refuse the file.
    if (this.dataRows > MAX_IMPORT_ROWS) return;
    this.dataRows += 1;
    if (this.collector.sample.length < SAMPLE_ROWS) this.collector.sample.push(record);
    // With a broken header every row would repeat the same complaint; past the limit the file is refused anyway.
    if (this.headerBroken || this.dataRows > MAX_IMPORT_ROWS) return;
    const { header, columnOf } = this;
    const row = this.dataRows;
    const extraValues = record.slice(header.length);
    if (record.length < header.length || extraValues.some((value) => value !== '')) {
      this.collector.problems.add(row, '', `has ${record.length} values but the header has ${header.length} columns`);
      return;
    }
    const found: FoundFields = {};
    for (const [field, column] of columnOf) found[field] = { value: record[column], source: header[column] ?? '' };
    this.collector.add(row, found, (field) => CSV_COLUMN_OF[field]);
    if (this.sampleColumn !== null)
      this.collector.sampleMarks.mark(row, record[this.sampleColumn], this.collector.problems);
  }

  end(): void {
    if (this.header === null) {
      this.collector.problems.add(0, '', 'the file is empty');
      return;
    }
    if (this.dataRows === 0) this.collector.problems.add(0, '', 'the file has a header but no station rows');
    if (this.dataRows > MAX_IMPORT_ROWS) {
      // Only the header's problems (when it has any, no row was read) and this one: row problems would bury it.
      if (!this.headerBroken) this.collector.discardRows();
      this.collector.problems.add(0, '', `the file has more than ${MAX_IMPORT_ROWS} rows`);
    }
  }
}

/** A whole file already in memory (a mission set-up bundle, tests). */
export function readCsvStations(input: string, collector: StationRowCollector, mapping: ColumnMapping = {}): void {
  const text = input.startsWith(BYTE_ORDER_MARK) ? input.slice(1) : input;
  const reader = new CsvRecordReader(collector, mapping);
  if (text.trim() !== '') {
    let records: string[][];
    try {
      records = parse(text, parseOptions(text.split(/\r\n|\n|\r/, 1)[0] ?? '', true));
    } catch (error) {
      reportUnreadable(collector, error);
      return;
    }
    for (const record of records) reader.record(record);
  }
  reader.end();
}

/**
 * A file arriving as bytes (a request body): decoded as UTF-8 across chunk boundaries, the delimiter detected from
 * the header line once it has arrived, then parsed record by record. Errors of the source (a body too large, a
 * dropped connection) are thrown; a file that is not CSV is reported as a problem like any other.
 */
export async function readCsvStationStream(
  source: AsyncIterable<Buffer | string>,
  collector: StationRowCollector,
  mapping: ColumnMapping = {},
): Promise<void> {
  const reader = new CsvRecordReader(collector, mapping);
  const input = source[Symbol.asyncIterator]();
  const decoder = new StringDecoder('utf8');
  let head = '';
  let done = false;
  // Enough text to hold the header line (or the whole file, when it has one line).
  while (!done && !/[\r\n]/.test(head)) {
    const next = await input.next();
    if (next.done) {
      done = true;
      head += decoder.end();
    } else head += typeof next.value === 'string' ? next.value : decoder.write(next.value);
  }
  if (head.startsWith(BYTE_ORDER_MARK)) head = head.slice(1);
  async function* text() {
    yield head;
    if (done) return;
    for (let next = await input.next(); !next.done; next = await input.next()) {
      yield typeof next.value === 'string' ? next.value : decoder.write(next.value);
    }
    yield decoder.end();
  }
  const parser = parseStream(parseOptions(head.split(/\r\n|\n|\r/, 1)[0] ?? '', false));
  let sourceError: unknown = null;
  const fed = pipeline(Readable.from(text(), { objectMode: false }), parser).catch((error: unknown) => {
    sourceError = error;
  });
  try {
    for await (const record of parser as AsyncIterable<string[]>) reader.record(record);
  } catch (error) {
    await fed;
    if (sourceError !== null && !isCsvError(sourceError)) throw sourceError;
    reportUnreadable(collector, error);
    return;
  }
  await fed;
  if (sourceError !== null) {
    if (!isCsvError(sourceError)) throw sourceError;
    reportUnreadable(collector, sourceError);
    return;
  }
  reader.end();
}

/**
 * csv-parse's own errors are CsvErrors; anything else came from the source. (Their codes are no guide: most start with
 * CSV_, but INVALID_OPENING_QUOTE does not, and the fuzz test found it answered 500.)
 */
function isCsvError(error: unknown): boolean {
  return error instanceof CsvError;
}
