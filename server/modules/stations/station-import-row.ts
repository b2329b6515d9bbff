/**
 * What CSV and GeoJSON station imports share: the names a field may go by, turning found values into a
 * `StationImportRow` (with strict number parsing), validation against the shared TypeBox schema, duplicate station
 * numbers, and the capped list of problems.
 *
 * The rules (which fields are required, ranges, lengths) are read from the `StationImportRow` schema itself, so the
 * import and the API can never disagree about what a valid station is.
 */
import { Compile } from 'typebox/compile';
import {
  StationImportRow,
  type ImportProblem,
  type ImportProblemKind,
  type ProblemSeverity,
  type StationImportField,
} from '../../../shared/schemas/stations';
import { searchKey } from '../../../shared/station-search';
import { SampleMarks } from './station-import-sample';

/** Beyond this many data rows a file is refused unread: a national list runs to 20,000–200,000 stations. */
export const MAX_IMPORT_ROWS = 200_000;
/** Longest problem list in a JSON reply; every problem is counted by kind and downloadable as CSV. */
export const MAX_IMPORT_PROBLEMS = 500;

export type StationField = StationImportField;
export const STATION_FIELDS = Object.keys(StationImportRow.properties) as StationField[];

/** Column names in CSV files and documentation: snake_case as spreadsheet users expect. */
export const CSV_COLUMN_OF: Readonly<Record<StationField, string>> = {
  number: 'number',
  district: 'district',
  code: 'code',
  name: 'name',
  address: 'address',
  region: 'region',
  electoralDistrict: 'electoral_district',
  lat: 'lat',
  lng: 'lng',
  registeredVoters: 'registered_voters',
};

/** Every name a field goes by, compared after `normalizeName`, so camelCase, snake_case and "Station Number" all match. */
const NAMES_OF: Readonly<Record<StationField, readonly string[]>> = {
  number: ['number', 'station', 'stationnumber'],
  district: ['district'],
  code: ['code', 'stationcode'],
  name: ['name'],
  address: ['address'],
  region: ['region', 'oblast'],
  electoralDistrict: ['electoraldistrict', 'okrug'],
  lat: ['lat', 'latitude'],
  lng: ['lng', 'lon', 'long', 'longitude'],
  registeredVoters: ['registeredvoters', 'voters'],
};

function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

const FIELD_OF_NAME = new Map(STATION_FIELDS.flatMap((field) => NAMES_OF[field].map((name) => [name, field] as const)));

export function fieldNamed(name: string): StationField | undefined {
  return FIELD_OF_NAME.get(normalizeName(name));
}

/** Other names a field is accepted under, for "column is missing" hints. */
export function aliasesOf(field: StationField): string[] {
  const canonical = normalizeName(CSV_COLUMN_OF[field]);
  return NAMES_OF[field].filter((name) => name !== canonical && name !== normalizeName(field));
}

// ---- Rules, read from the schema -------------------------------------------------------------------------------

interface FieldRule {
  kind: 'string' | 'number' | 'integer';
  /** Null allowed: the field may be left empty. */
  optional: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

function ruleOf(schema: unknown): FieldRule {
  const node = schema as { anyOf?: unknown[]; type?: string; minimum?: number; maximum?: number; maxLength?: number };
  if (Array.isArray(node.anyOf)) {
    const [value, ...others] = node.anyOf.filter((member) => (member as { type?: string }).type !== 'null');
    if (!value || others.length > 0) throw new Error('station import supports only "T" and "T or null" fields');
    return { ...ruleOf(value), optional: true };
  }
  if (node.type !== 'string' && node.type !== 'number' && node.type !== 'integer') {
    throw new Error(`station import does not support fields of type ${String(node.type)}`);
  }
  return { kind: node.type, optional: false, minimum: node.minimum, maximum: node.maximum, maxLength: node.maxLength };
}

const RULE_OF = Object.fromEntries(
  STATION_FIELDS.map((field) => [field, ruleOf(StationImportRow.properties[field])]),
) as Record<StationField, FieldRule>;

export const REQUIRED_FIELDS = STATION_FIELDS.filter((field) => !RULE_OF[field].optional);

/** The rule as a sentence, used for every kind of violation so users see one consistent message per field. */
function describeRule(rule: FieldRule): string {
  if (rule.kind === 'string')
    return rule.maxLength === undefined ? 'must be text' : `must be at most ${rule.maxLength} characters`;
  const noun = rule.kind === 'integer' ? 'a whole number' : 'a number';
  if (rule.minimum !== undefined && rule.maximum !== undefined)
    return `must be ${noun} between ${rule.minimum} and ${rule.maximum}`;
  if (rule.minimum !== undefined) return `must be ${noun} of at least ${rule.minimum}`;
  if (rule.maximum !== undefined) return `must be ${noun} of at most ${rule.maximum}`;
  return `must be ${noun}`;
}

// ---- Values ------------------------------------------------------------------------------------------------------

/** Plain decimal notation only: what the import documents, and what no locale setting can misread. */
const DECIMAL_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DECIMAL_COMMA_PATTERN = /^[+-]?\d+,\d+$/;
const INTEGER_PATTERN = /^[+-]?\d+$/;
const GROUPED_INTEGER_PATTERN = /^\d{1,3}([ ,.'\u00a0\u202f]\d{3})+$/;

type Converted = { ok: true; value: string | number | null } | { ok: false; problem: string };

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function convert(value: unknown, rule: FieldRule): Converted {
  if (isBlank(value)) return rule.optional ? { ok: true, value: null } : { ok: false, problem: 'is required' };
  if (rule.kind === 'string') {
    if (typeof value === 'string') return { ok: true, value: value.trim() };
    // GeoJSON writers often store station numbers and okrugs as JSON numbers.
    if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: String(value) };
    return { ok: false, problem: 'must be text' };
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, problem: describeRule(rule) };
  if (typeof value !== 'string') return { ok: false, problem: describeRule(rule) };
  const text = value.trim();
  if (rule.kind === 'integer') {
    if (INTEGER_PATTERN.test(text)) return { ok: true, value: Number(text) };
    if (GROUPED_INTEGER_PATTERN.test(text)) {
      return {
        ok: false,
        problem: `must be written without thousands separators (${text.replace(/\D/g, '')}, not "${text}")`,
      };
    }
    return { ok: false, problem: `${describeRule(rule)} (found "${text}")` };
  }
  if (DECIMAL_PATTERN.test(text)) return { ok: true, value: Number(text) };
  if (DECIMAL_COMMA_PATTERN.test(text)) {
    return { ok: false, problem: `must use a decimal point, not a comma (${text.replace(',', '.')}, not "${text}")` };
  }
  return { ok: false, problem: `${describeRule(rule)} (found "${text}")` };
}

// ---- Problems ----------------------------------------------------------------------------------------------------

/** "must be a number (found "x")" and "duplicates row 12" group as one kind each. */
function kindOf(field: string, problem: string): string {
  const general = problem
    .replace(/\s*\((found|[\d.]+, not|also accepted)[^)]*\)\s*$/, '')
    .replace(/\brow \d+\b/, 'an earlier row')
    .replace(/"[^"]*"/g, '"…"');
  return field ? `${field}: ${general}` : general;
}

const SEVERITY_ORDER: Record<ProblemSeverity, number> = { error: 0, warning: 1, notice: 2 };

const bySeverityThenRow = (a: ImportProblem, b: ImportProblem) =>
  SEVERITY_ORDER[a.severity ?? 'error'] - SEVERITY_ORDER[b.severity ?? 'error'] || a.row - b.row;

/**
 * The problems of a file; errors block the import, warnings and notices do not. Every problem is counted by kind as it
 * comes. `keep: 'all'` keeps every problem (for the problems CSV); `keep: 'listed'` keeps only the ones a reply lists,
 * so a 200,000-row file with a notice on every third row costs a few hundred problems' memory, not 60,000.
 */
export class ProblemList {
  private problems: ImportProblem[] = [];
  private readonly byKind = new Map<string, ImportProblemKind>();
  private errors = 0;
  private readonly keepAll: boolean;

  constructor(options: { keep: 'all' | 'listed' } = { keep: 'all' }) {
    this.keepAll = options.keep === 'all';
  }

  add(
    row: number,
    field: string,
    problem: string,
    severity: ProblemSeverity = 'error',
    kind = kindOf(field, problem),
  ): void {
    if (severity === 'error') this.errors += 1;
    const key = `${severity}\u0000${kind}`;
    const entry = this.byKind.get(key) ?? { kind, severity, count: 0, rows: [] };
    entry.count += 1;
    if (entry.rows.length < 5) entry.rows.push(row);
    this.byKind.set(key, entry);
    this.problems.push({ row, field, problem, severity, kind });
    // Trimming in batches keeps adding cheap; the kept ones are still the first to list.
    if (!this.keepAll && this.problems.length >= 2 * MAX_IMPORT_PROBLEMS)
      this.problems = this.problems.sort(bySeverityThenRow).slice(0, MAX_IMPORT_PROBLEMS);
  }

  /** Forgets every problem: the file is refused as a whole for a reason that makes its rows' problems moot. */
  clear(): void {
    this.problems = [];
    this.byKind.clear();
    this.errors = 0;
  }

  get errorCount(): number {
    return this.errors;
  }

  /** No errors (warnings and notices allowed). */
  get isEmpty(): boolean {
    return this.errors === 0;
  }

  /** Every problem in the order found; only a list that keeps them all has them. */
  all(): ImportProblem[] {
    if (!this.keepAll) throw new Error('this problem list keeps only the listed problems');
    return this.problems;
  }

  /** The first MAX_IMPORT_PROBLEMS, errors first, then warnings, then notices. */
  listed(): ImportProblem[] {
    return [...this.problems].sort(bySeverityThenRow).slice(0, MAX_IMPORT_PROBLEMS);
  }

  kinds(): ImportProblemKind[] {
    return [...this.byKind.values()].sort(
      (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.count - a.count,
    );
  }
}

// ---- Rows --------------------------------------------------------------------------------------------------------

/** A value as found in the file, with the column or property name it was found under, for problem reports. */
export interface FoundValue {
  value: unknown;
  source: string;
}
export type FoundFields = Partial<Record<StationField, FoundValue>>;

/**
 * What a file holds: its good rows (with their 1-based line), every problem, and what the mapping step shows.
 * `ok` is false when any problem is an error; the good rows are still there for a preview.
 */
export interface StationImportResult {
  ok: boolean;
  rows: StationImportRow[];
  lines: number[];
  problems: ProblemList;
  /** The `sample` column's marks (its name null when the file has none). */
  sampleMarks: SampleMarks;
  columns: string[];
  sample: string[][];
  mapping: Partial<Record<StationField, string | null>>;
}

const validator = Compile(StationImportRow);
/** Fields whose values repeat across many rows (a few hundred districts, a few dozen regions and okrugs). */
const SHARED_VALUE_FIELDS: readonly StationField[] = ['district', 'region', 'electoralDistrict'];
const MAX_SHARED_VALUES = 50_000;
const POSITION_FIELDS: readonly StationField[] = ['lat', 'lng'];

/** Collects the rows of one file, reporting every problem. */
export class StationRowCollector {
  readonly problems: ProblemList;
  columns: string[] = [];
  sample: string[][] = [];
  mapping: Partial<Record<StationField, string | null>> = {};
  private readonly rows: StationImportRow[] = [];
  private readonly lines: number[] = [];
  private readonly rowOfKey = new Map<string, number>();
  private readonly rowOfCode = new Map<string, number>();
  private readonly sharedValues = new Map<string, string>();

  readonly sampleMarks: SampleMarks;

  /** `sampleColumn`: the mapping's column for the quick-count sample, null for none, undefined to look for it. */
  constructor(options: { keepProblems: 'all' | 'listed'; sampleColumn?: string | null } = { keepProblems: 'all' }) {
    this.problems = new ProblemList({ keep: options.keepProblems });
    this.sampleMarks = new SampleMarks(options.sampleColumn);
  }

  /**
   * `row` is 1-based over data rows. `nameOfMissing` names a field the file does not have at all (a GeoJSON property
   * that is absent). `alreadyReported` lists fields the format reader has complained about already.
   */
  add(
    row: number,
    found: FoundFields,
    nameOfMissing: (field: StationField) => string,
    alreadyReported: readonly StationField[] = [],
  ): void {
    const candidate: Record<string, unknown> = {};
    // Problems keyed by field, so a row's problems come out in field order whichever check found them.
    const problemOf = new Map<StationField, string>();
    const isSettled = (field: StationField) => problemOf.has(field) || alreadyReported.includes(field);
    for (const field of STATION_FIELDS) {
      if (isSettled(field)) continue;
      const converted = convert(found[field]?.value, RULE_OF[field]);
      if (converted.ok)
        candidate[field] =
          typeof converted.value === 'string' && SHARED_VALUE_FIELDS.includes(field)
            ? this.shared(converted.value)
            : converted.value;
      else problemOf.set(field, converted.problem);
    }
    // Checking is cheap and nearly every row passes; listing errors is not, so only for rows that fail.
    const valid = validator.Check(candidate);
    if (!valid)
      for (const error of validator.Errors(candidate)) {
        const field = error.instancePath.split('/')[1] as StationField | undefined;
        if (field === undefined || !RULE_OF[field] || isSettled(field)) continue; // "required" errors: found above
        problemOf.set(field, describeRule(RULE_OF[field]));
      }
    const positionGiven = POSITION_FIELDS.map((f) => candidate[f] !== null && candidate[f] !== undefined);
    if (positionGiven[0] !== positionGiven[1] && !POSITION_FIELDS.some(isSettled)) {
      problemOf.set(
        positionGiven[0] ? 'lng' : 'lat',
        'is blank while the other coordinate is given: give both or neither',
      );
    }
    const sourceOf = (field: StationField) => found[field]?.source ?? nameOfMissing(field);
    for (const field of STATION_FIELDS) {
      const problem = problemOf.get(field);
      if (problem) this.problems.add(row, sourceOf(field), problem);
    }
    if (
      !isSettled('number') &&
      !isSettled('district') &&
      typeof candidate.number === 'string' &&
      typeof candidate.district === 'string'
    ) {
      const key = stationKey(candidate.district, candidate.number);
      const earlierRow = this.rowOfKey.get(key);
      if (earlierRow === undefined) this.rowOfKey.set(key, row);
      else
        this.problems.add(row, sourceOf('number'), `duplicates row ${earlierRow} (same number in the same district)`);
    }
    if (!isSettled('code') && typeof candidate.code === 'string') {
      const code = normalizeCode(candidate.code);
      const earlierRow = this.rowOfCode.get(code);
      if (earlierRow === undefined) this.rowOfCode.set(code, row);
      else this.problems.add(row, sourceOf('code'), `duplicates the code of row ${earlierRow}`);
    }
    if (problemOf.size === 0 && alreadyReported.length === 0 && valid) {
      if (candidate.lat === null) {
        this.problems.add(
          row,
          sourceOf('lat'),
          'no position: the station will be unplaced',
          'notice',
          'no position → unplaced (not on the map)',
        );
      }
      this.rows.push(candidate);
      this.lines.push(row);
    }
  }

  /** One string for each distinct value: a district's name repeats on thousands of rows, each its own copy as parsed. */
  private shared(value: string): string {
    const earlier = this.sharedValues.get(value);
    if (earlier !== undefined) return earlier;
    if (this.sharedValues.size < MAX_SHARED_VALUES) this.sharedValues.set(value, value);
    return value;
  }

  /** Drops the rows and their problems (a file refused whole, read as a stream before that was known). */
  discardRows(): void {
    this.problems.clear();
    this.rows.length = 0;
    this.lines.length = 0;
    this.rowOfKey.clear();
    this.rowOfCode.clear();
    this.sampleMarks.lines.clear();
  }

  result(): StationImportResult {
    this.sampleMarks.finish(this.problems);
    return {
      ok: this.problems.isEmpty,
      rows: this.rows,
      lines: this.lines,
      problems: this.problems,
      sampleMarks: this.sampleMarks,
      columns: this.columns,
      sample: this.sample,
      mapping: this.mapping,
    };
  }
}

/** (district, number): how a station is matched. */
export function stationKey(district: string, number: string): string {
  return `${district}\u0000${number}`;
}

/** Codes compare like searches do: case, spaces and dashes do not count. */
export const normalizeCode = searchKey;
