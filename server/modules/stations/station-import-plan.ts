/**
 * What importing a file does to the stored stations, decided once so the dry run and the real import report the same
 * counts: each row matched by (district, number), the file's values merged over the stored ones (a blank optional cell
 * keeps the stored value unless the field is to be cleared), codes decided, implausible positions warned about.
 * Pure: the caller supplies the stored stations and the mission's bounds.
 */
import type { StationImportResolvedRow, StationImportRow } from '../../../shared/schemas/stations';
import type { Bounds } from '../../../db/schema/missions';
import { normalizeCode, stationKey, type ProblemList, type StationField } from './station-import-row';
import { distanceM } from '../../../shared/geo';

export interface StoredStation extends StationImportResolvedRow {
  id: string;
}

export type StationChangeKind = 'created' | 'updated' | 'unchanged';

export interface PlannedRow {
  line: number;
  /** The stored station's id; null for a new one. */
  id: string | null;
  /** Id to give a new station (seeds keep theirs); a random one when absent. */
  newId?: string;
  row: StationImportResolvedRow;
  change: StationChangeKind;
  changedFields: (keyof StationImportResolvedRow)[];
}

export interface ImportPlan {
  rows: PlannedRow[];
  counts: { created: number; updated: number; unchanged: number; unplaced: number };
  /** Stored stations the file does not name. */
  notInFile: StoredStation[];
}

/** Fields a blank cell may clear when asked to; number and district are the key, name and address fall back. */
export const CLEARABLE_FIELDS = [
  'code',
  'name',
  'address',
  'region',
  'electoralDistrict',
  'lat',
  'lng',
  'registeredVoters',
] as const satisfies StationField[];

const COMPARED_FIELDS = [
  'code',
  'name',
  'address',
  'region',
  'electoralDistrict',
  'lat',
  'lng',
  'registeredVoters',
] as const satisfies (keyof StationImportResolvedRow)[];

/** A point further than this from its district's median, and further than DISTRICT_SPREAD_FACTOR times the district's median spread, is suspicious. */
const DISTRICT_OUTLIER_MIN_KM = 10;
const DISTRICT_SPREAD_FACTOR = 6;
/** Districts with fewer placed stations have no "usual place" to compare with. */
const DISTRICT_MIN_STATIONS = 4;
/** The mission's bounds are widened by this share of their size before a point counts as outside. */
const BOUNDS_MARGIN_SHARE = 0.1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The shared haversine distance (shared/geo.ts), in kilometres as the warnings speak. */
function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  return distanceM({ lat: aLat, lng: aLng }, { lat: bLat, lng: bLng }) / 1000;
}

function outsideBounds(lat: number, lng: number, bounds: Bounds): boolean {
  const [[west, south], [east, north]] = bounds;
  const marginLng = (east - west) * BOUNDS_MARGIN_SHARE;
  const marginLat = (north - south) * BOUNDS_MARGIN_SHARE;
  return lng < west - marginLng || lng > east + marginLng || lat < south - marginLat || lat > north + marginLat;
}

/** Shared by every row without changes: a national list has 200,000 of them. Never mutated. */
const NO_CHANGES: PlannedRow['changedFields'] = [];

type PlanOptions = { bounds: Bounds | null; clear: ReadonlySet<StationField>; problems: ProblemList };

/**
 * Rows planned between two pauses. A national list of 200,000 rows is about 1.4 s of planning; in steps of this many
 * rows (a few tens of milliseconds each) the server's event loop answers other requests in between.
 */
const ROWS_PER_STEP = 4000;

/** Visits every item, pausing (yield) every ROWS_PER_STEP of them. */
function* inSteps<T>(items: readonly T[], visit: (item: T, index: number) => void): Generator<void, void> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % ROWS_PER_STEP === 0) yield;
    visit(items[i]!, i);
  }
}

/** Plans the import in one go: for a mission's set-up files, read before any server runs. */
export function planStationImport(
  rows: readonly StationImportRow[],
  lines: readonly number[],
  stored: readonly StoredStation[],
  options: PlanOptions,
): ImportPlan {
  const steps = planSteps(rows, lines, stored, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Plans the import a step at a time, letting the event loop run between steps: for imports into a running server. */
export async function planStationImportInSteps(
  rows: readonly StationImportRow[],
  lines: readonly number[],
  stored: readonly StoredStation[],
  options: PlanOptions,
): Promise<ImportPlan> {
  const steps = planSteps(rows, lines, stored, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The planning itself, pausing (yield) every ROWS_PER_STEP rows of each pass over the list. */
function* planSteps(
  rows: readonly StationImportRow[],
  lines: readonly number[],
  stored: readonly StoredStation[],
  options: PlanOptions,
): Generator<void, ImportPlan> {
  const { bounds, clear, problems } = options;
  const storedByKey = new Map<string, StoredStation>();
  yield* inSteps(stored, (s) => storedByKey.set(stationKey(s.district, s.number), s));
  const fileKeys = new Set<string>();
  yield* inSteps(rows, (r) => fileKeys.add(stationKey(r.district, r.number)));

  // Numbers "repeat" when one number is used in two districts, stored or in the file: new codes then carry the district.
  const districtOfNumber = new Map<string, string>();
  let numbersRepeat = false;
  const noteNumber = (s: { number: string; district: string }) => {
    const earlier = districtOfNumber.get(s.number);
    if (earlier === undefined) districtOfNumber.set(s.number, s.district);
    else if (earlier !== s.district) numbersRepeat = true;
  };
  yield* inSteps(stored, noteNumber);
  yield* inSteps(rows, noteNumber);

  const pick = <F extends StationField & keyof StationImportResolvedRow>(
    row: StationImportRow,
    current: StoredStation | undefined,
    field: F,
  ) => {
    const value = row[field];
    if (value !== null) return value;
    if (current && !clear.has(field)) return current[field];
    return null;
  };

  /** Rows whose code Vigil made up (no code in the file or stored): those may be given another to stay unique. */
  const madeUpCode = new Set<number>();
  const planned: PlannedRow[] = [];
  yield* inSteps(rows, (row, index) => planned.push(planRow(row, index)));
  function planRow(row: StationImportRow, index: number): PlannedRow {
    const current = storedByKey.get(stationKey(row.district, row.number));
    const givenCode = pick(row, current, 'code');
    if (givenCode === null) madeUpCode.add(lines[index]!);
    const code = givenCode ?? (numbersRepeat ? `${row.district}-${row.number}` : row.number);
    const address = pick(row, current, 'address') ?? '';
    const keepPosition = row.lat === null && current && !clear.has('lat') && !clear.has('lng');
    const resolved: StationImportResolvedRow = {
      number: row.number,
      district: row.district,
      code: String(code),
      name: (pick(row, current, 'name') as string | null) || address || String(code),
      address: String(address),
      region: pick(row, current, 'region') as string | null,
      electoralDistrict: pick(row, current, 'electoralDistrict') as string | null,
      lat: keepPosition ? current.lat : row.lat,
      lng: keepPosition ? current.lng : row.lng,
      registeredVoters: pick(row, current, 'registeredVoters') as number | null,
    };
    if (!current) return { line: lines[index]!, id: null, row: resolved, change: 'created', changedFields: NO_CHANGES };
    const changedFields = COMPARED_FIELDS.filter((f) => current[f] !== resolved[f]);
    if (changedFields.length === 0)
      return { line: lines[index]!, id: current.id, row: resolved, change: 'unchanged', changedFields: NO_CHANGES };
    return { line: lines[index]!, id: current.id, row: resolved, change: 'updated', changedFields };
  }
  yield;

  // Codes stay unique in the mission, compared the way phones search them.
  // Holders are stored stations or file lines (numbers, not "row N" texts: a national list has 200,000 of them).
  const holderOfCode = new Map<string, StoredStation | number>();
  yield* inSteps(stored, (s) => {
    if (!fileKeys.has(stationKey(s.district, s.number))) holderOfCode.set(normalizeCode(s.code), s);
  });
  // Codes the file gives (or stations keep) first, so a made-up one never takes a code the file asks for.
  const givenFirst = [
    ...planned.filter((p) => !madeUpCode.has(p.line)),
    ...planned.filter((p) => madeUpCode.has(p.line)),
  ];
  yield* inSteps(givenFirst, (p) => {
    const code = normalizeCode(p.row.code);
    const holder = holderOfCode.get(code);
    if (holder === undefined) holderOfCode.set(code, p.line);
    else if (madeUpCode.has(p.line) && !holderOfCode.has(normalizeCode(`${p.row.district}/${p.row.number}`))) {
      // "Sector 1-12" and "Sector 11-2" read the same when searched (spaces and dashes are ignored); a slash is not, so
      // the second station becomes "Sector 11/2" rather than refusing a list that gave no codes at all.
      const other = `${p.row.district}/${p.row.number}`;
      if (p.row.name === p.row.code) p.row.name = other;
      problems.add(
        p.line,
        'code',
        `"${p.row.code}" would be searched like the code of another station: given "${other}"`,
        'notice',
        'code: made unique with "/"',
      );
      p.row.code = other;
      holderOfCode.set(normalizeCode(other), p.line);
    } else {
      const named = typeof holder === 'number' ? `row ${holder}` : `station ${holder.code} (${holder.district})`;
      problems.add(
        p.line,
        'code',
        `"${p.row.code}" is already the code of ${named}`,
        'error',
        'code: already used by another station',
      );
    }
  });

  yield* warnAboutPositions(planned, stored, fileKeys, bounds, problems);

  const counts = { created: 0, updated: 0, unchanged: 0, unplaced: 0 };
  for (const p of planned) {
    counts[p.change] += 1;
    if (p.row.lat === null) counts.unplaced += 1;
  }
  return { rows: planned, counts, notInFile: stored.filter((s) => !fileKeys.has(stationKey(s.district, s.number))) };
}

function* warnAboutPositions(
  planned: readonly PlannedRow[],
  stored: readonly StoredStation[],
  fileKeys: ReadonlySet<string>,
  bounds: Bounds | null,
  problems: ProblemList,
): Generator<void, void> {
  const pointsOfDistrict = new Map<string, { lat: number; lng: number }[]>();
  const addPoint = (district: string, lat: number | null, lng: number | null) => {
    if (lat === null || lng === null || (lat === 0 && lng === 0)) return;
    const list = pointsOfDistrict.get(district) ?? [];
    list.push({ lat, lng });
    pointsOfDistrict.set(district, list);
  };
  yield* inSteps(stored, (s) => {
    if (!fileKeys.has(stationKey(s.district, s.number))) addPoint(s.district, s.lat, s.lng);
  });
  yield* inSteps(planned, (p) => addPoint(p.row.district, p.row.lat, p.row.lng));

  const usualPlace = new Map<string, { lat: number; lng: number; limitKm: number }>();
  let pointsSinceStep = 0;
  for (const [district, points] of pointsOfDistrict) {
    pointsSinceStep += points.length;
    if (pointsSinceStep >= ROWS_PER_STEP) {
      pointsSinceStep = 0;
      yield;
    }
    if (points.length < DISTRICT_MIN_STATIONS) continue;
    const lat = median(points.map((p) => p.lat));
    const lng = median(points.map((p) => p.lng));
    const spread = median(points.map((p) => distanceKm(lat, lng, p.lat, p.lng)));
    usualPlace.set(district, { lat, lng, limitKm: Math.max(DISTRICT_OUTLIER_MIN_KM, spread * DISTRICT_SPREAD_FACTOR) });
  }

  yield;
  yield* inSteps(planned, ({ line, row }) => {
    if (row.lat === null || row.lng === null) return;
    if (row.lat === 0 && row.lng === 0) {
      problems.add(
        line,
        'lat',
        'is 0,0 (in the Gulf of Guinea): probably a missing position',
        'warning',
        'position 0,0',
      );
      return;
    }
    if (bounds && outsideBounds(row.lat, row.lng, bounds)) {
      problems.add(
        line,
        'lat',
        `${row.lat},${row.lng} is outside the mission's map area`,
        'warning',
        "position outside the mission's map area",
      );
      return;
    }
    const usual = usualPlace.get(row.district);
    if (!usual) return;
    const km = distanceKm(usual.lat, usual.lng, row.lat, row.lng);
    if (km > usual.limitKm) {
      problems.add(
        line,
        'lat',
        `is ${Math.round(km)} km from the other stations of ${row.district}`,
        'warning',
        "position far from its district's other stations",
      );
    }
  });
}
