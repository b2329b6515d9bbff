/**
 * A new mission from files, for the set-up CLI: the station list (CSV or GeoJSON, as the import reads it), the teams
 * (CSV: call_sign, members separated by `;`, phone, languages separated by `;`) or just a number of teams, and an
 * optional deployment plan (the plan import's CSV). Pure: reads text, returns the MissionPlan for setUpMission or
 * every problem found. Each part is checked against the schema the API checks the same thing with (a team as
 * POST /api/teams takes it, the coordinator's login, a display link's label), so the CLI stores nothing the API refuses.
 */
import { parse } from 'csv-parse/sync';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { LoginBody } from '../../../shared/schemas/auth';
import { DisplayLabel } from '../../../shared/schemas/displays';
import { CreateTeamBody } from '../../../shared/schemas/teams';
import type { Bounds } from '../../../db/schema/missions';
import { LANGUAGES } from '../../../shared/schemas/forms';
import { parseStationImport } from '../stations/station-import';
import { planStationImport } from '../stations/station-import-plan';
import { searchKey } from '../../../shared/station-search';
import { parsePlanCsv } from '../teams/plan-import';
import { schemaProblems } from '../../schema-validation';
import type { MissionPlan } from './mission-setup';

export interface MissionFiles {
  name: string;
  electionDate: string;
  timeZone: string;
  languages: string[];
  stations: { text: string; format: 'csv' | 'geojson' };
  teams: { text: string } | { count: number };
  plan?: string;
  coordinator: { username: string; displayName: string; password: string };
  displayLabel: string;
}

export type MissionFilesResult = { ok: true; plan: MissionPlan } | { ok: false; problems: string[] };

const WHOLE_WORLD: Bounds = [
  [-180, -85],
  [180, 85],
];

/** The stations' bounding box with a margin, so the map opens on the whole city. */
export function boundsOf(points: { lat: number; lng: number }[]): Bounds {
  const lats = points.map((p) => p.lat);
  const lngs = points.map((p) => p.lng);
  const margin = (a: number[]) => Math.max((Math.max(...a) - Math.min(...a)) * 0.05, 0.005);
  return [
    [Math.min(...lngs) - margin(lngs), Math.min(...lats) - margin(lats)],
    [Math.max(...lngs) + margin(lngs), Math.max(...lats) + margin(lats)],
  ];
}

const checkTeam = Compile(CreateTeamBody);
const checkLogin = Compile(LoginBody);
const checkDisplayLabel = Compile(DisplayLabel);

/** Every way `value` breaks the API's schema, as "where field: problem" lines naming the file's own columns. */
function fileProblems<T extends TSchema>(
  check: ReturnType<typeof Compile<T>>,
  value: unknown,
  where: string,
  fields: Record<string, string> = {},
): string[] {
  return schemaProblems(check, value).map(({ path, problem }) => {
    const field = path.split('/')[1] ?? '';
    return `${where}${field ? ` ${fields[field] ?? field}` : ''}: ${problem}`;
  });
}

/** CSV column of each CreateTeamBody field, so a problem names what the user wrote. */
const TEAM_COLUMNS: Record<string, string> = {
  callSign: 'call_sign',
  members: 'members',
  phone: 'phone',
  languages: 'languages',
};

function readTeams(files: MissionFiles, problems: string[]): MissionPlan['teams'] {
  if ('count' in files.teams) {
    const n = files.teams.count;
    if (!Number.isInteger(n) || n < 1 || n > 999) problems.push('teams: give a number of teams from 1 to 999');
    const width = String(n).length < 2 ? 2 : String(n).length;
    problems.push(
      ...fileProblems(checkTeam, { callSign: 'T01', members: [], phone: null, languages: files.languages }, 'teams', {
        languages: 'languages (--languages)',
      }),
    );
    return Array.from({ length: Math.max(0, Math.min(n, 999)) }, (_, i) => ({
      callSign: `T${String(i + 1).padStart(width, '0')}`,
      members: [],
      phone: null,
      languages: files.languages,
      assignedStationNumbers: [],
    }));
  }
  let records: Record<string, string>[];
  try {
    records = parse(files.teams.text.replace(/^\uFEFF/, ''), {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
  } catch (error) {
    problems.push(`teams: could not be read as CSV: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
  const seen = new Set<string>();
  return records.flatMap((r, i) => {
    const callSign = r.call_sign ?? r.callsign ?? r.team ?? '';
    const row = `teams row ${i + 1}`;
    if (!callSign) return (problems.push(`${row}: call_sign is empty`), []);
    if (seen.has(callSign)) return (problems.push(`${row}: call sign ${callSign} appears twice`), []);
    seen.add(callSign);
    const languages = (r.languages ?? '').split(/[;,\s]+/).filter(Boolean);
    const unknown = languages.filter((l) => !(LANGUAGES as readonly string[]).includes(l));
    if (unknown.length) problems.push(`${row}: unknown language ${unknown.join(', ')} (use ${LANGUAGES.join(', ')})`);
    const team: CreateTeamBody = {
      callSign,
      members: (r.members ?? '')
        .split(';')
        .map((m) => m.trim())
        .filter(Boolean),
      phone: r.phone ? r.phone : null,
      languages: languages.length ? languages : files.languages,
    };
    const wrong = fileProblems(checkTeam, team, row, TEAM_COLUMNS);
    if (wrong.length) return (problems.push(...wrong), []);
    return [{ ...team, phone: team.phone ?? null, assignedStationNumbers: [] }];
  });
}

export function missionPlanFromFiles(files: MissionFiles): MissionFilesResult {
  const problems: string[] = [];
  if (!files.name.trim()) problems.push('name: is empty');
  problems.push(
    ...fileProblems(
      checkLogin,
      { username: files.coordinator.username, password: files.coordinator.password },
      'coordinator',
    ),
  );
  problems.push(...fileProblems(checkDisplayLabel, files.displayLabel, 'display label'));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(files.electionDate) || Number.isNaN(Date.parse(files.electionDate)))
    problems.push('election date: use YYYY-MM-DD');
  try {
    new Intl.DateTimeFormat('en', { timeZone: files.timeZone });
  } catch {
    problems.push(`time zone: "${files.timeZone}" is not an IANA zone such as Asia/Bishkek`);
  }
  const parsed = parseStationImport(files.stations.text, files.stations.format);
  const stations = planStationImport(parsed.rows, parsed.lines, [], {
    bounds: null,
    clear: new Set(),
    problems: parsed.problems,
  }).rows.map((p) => p.row);
  if (parsed.problems.isEmpty && stations.length === 0) problems.push('stations: the file holds no stations');
  for (const p of parsed.problems.all()) {
    if (p.severity === undefined || p.severity === 'error')
      problems.push(`stations row ${p.row}${p.field ? ` ${p.field}` : ''}: ${p.problem}`);
  }
  const teams = readTeams(files, problems);
  if (parsed.problems.isEmpty && files.plan !== undefined) {
    const byCallSign = new Map(teams.map((t) => [t.callSign, t.callSign]));
    const byCode = new Map(stations.map((s) => [searchKey(s.code), s.code]));
    const plan = parsePlanCsv(files.plan, byCallSign, byCode);
    for (const p of plan.problems) problems.push(`plan row ${p.row}${p.field ? ` ${p.field}` : ''}: ${p.problem}`);
    for (const route of plan.teams) {
      const team = teams.find((t) => t.callSign === route.callSign)!;
      team.assignedStationNumbers = route.stations.map((s) => s.stationId);
      team.assignedPhases = route.stations.map((s) => s.phases);
    }
  }
  if (problems.length > 0 || !parsed.problems.isEmpty || stations.length === 0) return { ok: false, problems };
  const placed = stations.filter((s): s is typeof s & { lat: number; lng: number } => s.lat !== null && s.lng !== null);
  // A list without any position opens on the whole world until stations are placed.
  const lat = placed.length ? placed.reduce((sum, s) => sum + s.lat, 0) / placed.length : 0;
  const lng = placed.length ? placed.reduce((sum, s) => sum + s.lng, 0) / placed.length : 0;
  return {
    ok: true,
    plan: {
      mission: {
        name: files.name.trim(),
        electionDate: files.electionDate,
        timeZone: files.timeZone,
        centerLat: lat,
        centerLng: lng,
        bounds: placed.length ? boundsOf(placed) : WHOLE_WORLD,
        outline: null,
        languages: files.languages,
      },
      stations,
      teams,
      coordinator: files.coordinator,
      displayLabel: files.displayLabel,
    },
  };
}
