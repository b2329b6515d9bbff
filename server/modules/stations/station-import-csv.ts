/**
 * Station lists as CSV, the way election commissions and spreadsheets export them: a header row, comma- or
 * semicolon-separated (Excel in most of the former USSR writes semicolons), possibly with a byte-order mark.
 */
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

function readRecords(text: string, collector: StationRowCollector): string[][] | null {
  const headerLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  try {
    return parse(text, {
      delimiter: detectDelimiter(headerLine),
      trim: true,
      skip_empty_lines: true,
      // Spreadsheets save rows of bare separators below the data; they are not stations.
      skip_records_with_empty_values: true,
      // Rows of the wrong length are reported per row below rather than failing the whole file.
      relax_column_count: true,
      // Header, the most rows allowed, and one more to notice that there are too many.
      to: MAX_IMPORT_ROWS + 2,
    });
  } catch (error) {
    collector.problems.add(0, '', `could not be read as CSV: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
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
      problems.add(0, column, `is mapped to ${CSV_COLUMN_OF[field]} but the file has no such ${noun} (found: ${found})`, 'error', 'mapping names a missing column');
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
        `(and optionally ${STATION_FIELDS.filter((f) => !REQUIRED_FIELDS.includes(f)).map((f) => CSV_COLUMN_OF[f]).join(', ')}): map them`,
      'error',
      `${CSV_COLUMN_OF[field]}: ${noun} is missing (map one)`,
    );
  }
  return columnOf;
}

export function readCsvStations(input: string, collector: StationRowCollector, mapping: ColumnMapping = {}): void {
  const text = input.startsWith(BYTE_ORDER_MARK) ? input.slice(1) : input;
  if (text.trim() === '') {
    collector.problems.add(0, '', 'the file is empty');
    return;
  }
  const records = readRecords(text, collector);
  if (!records) return;
  const [header = [], ...dataRows] = records;
  collector.columns = header;
  collector.sample = dataRows.slice(0, SAMPLE_ROWS);
  const columnOf = resolveColumns(header, mapping, collector.problems);
  collector.mapping = Object.fromEntries(STATION_FIELDS.map((f) => [f, columnOf.has(f) ? (header[columnOf.get(f)!] ?? null) : null]));
  if (dataRows.length === 0) collector.problems.add(0, '', 'the file has a header but no station rows');
  if (dataRows.length > MAX_IMPORT_ROWS) collector.problems.add(0, '', `the file has more than ${MAX_IMPORT_ROWS} rows`);
  if (!collector.problems.isEmpty) return; // with a broken header every row would repeat the same complaint

  for (const [index, record] of dataRows.entries()) {
    const row = index + 1;
    const extraValues = record.slice(header.length);
    if (record.length < header.length || extraValues.some((value) => value !== '')) {
      collector.problems.add(row, '', `has ${record.length} values but the header has ${header.length} columns`);
      continue;
    }
    const found: FoundFields = {};
    for (const [field, column] of columnOf) found[field] = { value: record[column], source: header[column] ?? '' };
    collector.add(row, found, (field) => CSV_COLUMN_OF[field]);
  }
}
