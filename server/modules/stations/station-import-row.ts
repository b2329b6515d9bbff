/**
 * What CSV and GeoJSON station imports share: the names a field may go by, turning found values into a
 * `StationImportRow` (with strict number parsing), validation against the shared TypeBox schema, duplicate station
 * numbers, and the capped list of problems.
 *
 * The rules (which fields are required, ranges, lengths) are read from the `StationImportRow` schema itself, so the
 * import and the API can never disagree about what a valid station is.
 */
import { Compile } from 'typebox/compile';
import { StationImportRow, type ImportProblem } from '../../../shared/schemas/stations';

/** Beyond this many data rows a file is refused unread: Bishkek has about 230 stations, the whole country about 2,600. */
export const MAX_IMPORT_ROWS = 200_000;
/** Longest problem list returned, the last entry saying that more were found. A file this broken needs redoing anyway. */
export const MAX_IMPORT_PROBLEMS = 500;

export type StationField = keyof StationImportRow;
export const STATION_FIELDS = Object.keys(StationImportRow.properties) as StationField[];

/** Column names in CSV files and documentation: snake_case as spreadsheet users expect. */
export const CSV_COLUMN_OF: Readonly<Record<StationField, string>> = {
  number: 'number',
  name: 'name',
  address: 'address',
  district: 'district',
  electoralDistrict: 'electoral_district',
  lat: 'lat',
  lng: 'lng',
  registeredVoters: 'registered_voters',
};

/** Every name a field goes by, compared after `normalizeName`, so camelCase, snake_case and "Station Number" all match. */
const NAMES_OF: Readonly<Record<StationField, readonly string[]>> = {
  number: ['number', 'station', 'stationnumber'],
  name: ['name'],
  address: ['address'],
  district: ['district'],
  electoralDistrict: ['electoraldistrict', 'okrug'],
  lat: ['lat', 'latitude'],
  lng: ['lng', 'lon', 'long', 'longitude'],
  registeredVoters: ['registeredvoters', 'voters'],
};

function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '');
}

const FIELD_OF_NAME = new Map(
  STATION_FIELDS.flatMap((field) => NAMES_OF[field].map((name) => [name, field] as const)),
);

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
  if (rule.kind === 'string') return rule.maxLength === undefined ? 'must be text' : `must be at most ${rule.maxLength} characters`;
  const noun = rule.kind === 'integer' ? 'a whole number' : 'a number';
  if (rule.minimum !== undefined && rule.maximum !== undefined) return `must be ${noun} between ${rule.minimum} and ${rule.maximum}`;
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
  if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, value } : { ok: false, problem: describeRule(rule) };
  if (typeof value !== 'string') return { ok: false, problem: describeRule(rule) };
  const text = value.trim();
  if (rule.kind === 'integer') {
    if (INTEGER_PATTERN.test(text)) return { ok: true, value: Number(text) };
    if (GROUPED_INTEGER_PATTERN.test(text)) {
      return { ok: false, problem: `must be written without thousands separators (${text.replace(/\D/g, '')}, not "${text}")` };
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

/** Problems in file order, capped at MAX_IMPORT_PROBLEMS with a last entry saying the list was cut. */
export class ProblemList {
  private readonly problems: ImportProblem[] = [];
  private cut = false;

  add(row: number, field: string, problem: string): void {
    if (this.cut) return;
    if (this.problems.length < MAX_IMPORT_PROBLEMS - 1) {
      this.problems.push({ row, field, problem });
      return;
    }
    this.problems.push({ row: 0, field: '', problem: `too many problems: only the first ${MAX_IMPORT_PROBLEMS - 1} are listed` });
    this.cut = true;
  }

  /** Once full, parsers stop reading: nothing more would be reported. */
  get isFull(): boolean {
    return this.cut;
  }

  get isEmpty(): boolean {
    return this.problems.length === 0;
  }

  toArray(): ImportProblem[] {
    return [...this.problems];
  }
}

// ---- Rows --------------------------------------------------------------------------------------------------------

/** A value as found in the file, with the column or property name it was found under, for problem reports. */
export interface FoundValue {
  value: unknown;
  source: string;
}
export type FoundFields = Partial<Record<StationField, FoundValue>>;

/** On failure `rows` still holds the rows that were good, for a preview beside the problems. */
export type StationImportResult = { ok: true; rows: StationImportRow[] } | { ok: false; problems: ImportProblem[]; rows: StationImportRow[] };

const validator = Compile(StationImportRow);

/** Collects the rows of one file, reporting every problem, and answers with all rows or all problems. */
export class StationRowCollector {
  readonly problems = new ProblemList();
  private readonly rows: StationImportRow[] = [];
  private readonly rowOfNumber = new Map<string, number>();

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
      if (converted.ok) candidate[field] = converted.value;
      else problemOf.set(field, converted.problem);
    }
    for (const error of validator.Errors(candidate)) {
      const field = error.instancePath.split('/')[1] as StationField | undefined;
      if (field === undefined || !RULE_OF[field] || isSettled(field)) continue; // "required" errors: found above
      problemOf.set(field, describeRule(RULE_OF[field]));
    }
    const sourceOf = (field: StationField) => found[field]?.source ?? nameOfMissing(field);
    for (const field of STATION_FIELDS) {
      const problem = problemOf.get(field);
      if (problem) this.problems.add(row, sourceOf(field), problem);
    }
    if (!isSettled('number') && typeof candidate.number === 'string') {
      const earlierRow = this.rowOfNumber.get(candidate.number);
      if (earlierRow === undefined) this.rowOfNumber.set(candidate.number, row);
      else this.problems.add(row, sourceOf('number'), `duplicates row ${earlierRow}`);
    }
    if (problemOf.size === 0 && alreadyReported.length === 0 && validator.Check(candidate)) this.rows.push(candidate);
  }

  result(): StationImportResult {
    return this.problems.isEmpty ? { ok: true, rows: this.rows } : { ok: false, problems: this.problems.toArray(), rows: this.rows };
  }
}
