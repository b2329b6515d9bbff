/**
 * A deployment plan as CSV, one row per stop: team call sign, station number, order in the team's route, and the
 * phases the team observes there (`opening`, `voting`, `closing` separated by spaces, `;` or `|`; empty or `all` for
 * all three). Header names: team|call_sign, station|station_number|number, order|route_order, phases.
 * Pure: the caller supplies the mission's teams and stations; every bad row is reported, and any problem rejects the file.
 */
import { parse } from 'csv-parse/sync';
import { PHASES, MAX_PLAN_STOPS, type Phase } from '../../../shared/schemas/events';
import { detectDelimiter } from '../stations/station-import-csv';
import { searchKey } from '../../../shared/station-search';

export interface PlanProblem {
  row: number;
  field: string;
  problem: string;
}

export interface ParsedPlan {
  teams: { teamId: string; callSign: string; stations: { stationId: string; number: string; phases: Phase[] }[] }[];
  problems: PlanProblem[];
}

const MAX_PLAN_ROWS = 20_000;
const COLUMNS = {
  team: ['team', 'call_sign', 'callsign', 'team_call_sign'],
  station: ['station', 'station_code', 'code', 'station_number', 'number'],
  order: ['order', 'route_order'],
  phases: ['phases', 'phase'],
} as const;
type Column = keyof typeof COLUMNS;

const normalise = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export function parsePhases(text: string): Phase[] | null {
  const words = text
    .trim()
    .toLowerCase()
    .split(/[\s;|,]+/)
    .filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0] === 'all')) return [...PHASES];
  if (!words.every((w): w is Phase => (PHASES as readonly string[]).includes(w))) return null;
  return PHASES.filter((p) => words.includes(p));
}

/** `stationsByCode` is keyed by `searchKey(code)`: the station column takes a code however it is spaced or cased. */
export function parsePlanCsv(
  text: string,
  teamsByCallSign: Map<string, string>,
  stationsByCode: Map<string, string>,
): ParsedPlan {
  const problems: PlanProblem[] = [];
  const clean = text.replace(/^\uFEFF/, '');
  let records: string[][];
  try {
    records = parse(clean, {
      delimiter: detectDelimiter(clean.split(/\r\n|\n|\r/, 1)[0] ?? ''),
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      to: MAX_PLAN_ROWS + 2,
    });
  } catch (error) {
    return {
      teams: [],
      problems: [
        {
          row: 0,
          field: '',
          problem: `could not be read as CSV: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
  const [header, ...rows] = records;
  if (!header)
    return {
      teams: [],
      problems: [{ row: 0, field: '', problem: 'the file is empty: a header row and one row per stop are needed' }],
    };
  if (rows.length > MAX_PLAN_ROWS) problems.push({ row: 0, field: '', problem: `at most ${MAX_PLAN_ROWS} rows` });
  const columnOf = new Map<Column, number>();
  header.forEach((name, index) => {
    for (const [column, aliases] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
      if (aliases.includes(normalise(name)) && !columnOf.has(column)) columnOf.set(column, index);
    }
  });
  for (const column of ['team', 'station', 'order'] as const) {
    if (!columnOf.has(column))
      problems.push({ row: 0, field: column, problem: `missing column (one of ${COLUMNS[column].join(', ')})` });
  }
  if (problems.length) return { teams: [], problems };

  const stops = new Map<string, { order: number; stationId: string; number: string; phases: Phase[]; row: number }[]>();
  const cell = (record: string[], column: Column) =>
    columnOf.has(column) ? (record[columnOf.get(column)!] ?? '') : '';
  rows.slice(0, MAX_PLAN_ROWS).forEach((record, i) => {
    const row = i + 1;
    const callSign = cell(record, 'team');
    const number = cell(record, 'station');
    const orderText = cell(record, 'order');
    const teamId = teamsByCallSign.get(callSign);
    const stationId = stationsByCode.get(searchKey(number));
    const order = Number(orderText);
    const phases = parsePhases(cell(record, 'phases'));
    const before = problems.length;
    if (!teamId)
      problems.push({ row, field: 'team', problem: callSign ? `no team "${callSign}" in this mission` : 'is empty' });
    if (!stationId)
      problems.push({ row, field: 'station', problem: number ? `no station "${number}" in this mission` : 'is empty' });
    if (!Number.isInteger(order) || order < 1)
      problems.push({ row, field: 'order', problem: `"${orderText}" is not a whole number from 1` });
    if (!phases)
      problems.push({
        row,
        field: 'phases',
        problem: `use opening, voting, closing (or all), not "${cell(record, 'phases')}"`,
      });
    if (problems.length > before) return;
    const route = stops.get(teamId!) ?? [];
    if (route.some((s) => s.order === order))
      problems.push({ row, field: 'order', problem: `team ${callSign} has two stops numbered ${order}` });
    else if (route.some((s) => s.stationId === stationId))
      problems.push({ row, field: 'station', problem: `station ${number} is twice in team ${callSign}'s route` });
    else route.push({ order, stationId: stationId!, number, phases: phases!, row });
    stops.set(teamId!, route);
  });
  const callSignOf = new Map([...teamsByCallSign].map(([callSign, id]) => [id, callSign]));
  for (const [teamId, route] of stops) {
    if (route.length > MAX_PLAN_STOPS)
      problems.push({
        row: 0,
        field: 'team',
        problem: `team ${callSignOf.get(teamId)} has more than ${MAX_PLAN_STOPS} stops`,
      });
  }
  if (problems.length) return { teams: [], problems };
  return {
    problems,
    teams: [...stops].map(([teamId, route]) => ({
      teamId,
      callSign: callSignOf.get(teamId)!,
      stations: route
        .sort((a, b) => a.order - b.order)
        .map(({ stationId, number, phases }) => ({ stationId, number, phases })),
    })),
  };
}
