/** Station list, search, placement and import. */
import { stringify } from 'csv-stringify/sync';
import type { Db, Tx } from '../../../db/client';
import type {
  ImportPreviewReply,
  ImportReply,
  Station,
  StationSearchReply,
  StationsReply,
} from '../../../shared/schemas/stations';
import { HttpError } from '../../errors';
import { readHead, readHeadWithHash } from '../log/head';
import {
  applyStationImport,
  countStations,
  listStations,
  listStationsById,
  listStationsPageJson,
  listStationStatesPage,
  lockStationImport,
  missionsWithStations,
  readMissionBounds,
  readStation,
  readStationListVersion,
  refreshStationStatistics,
  readStoredStations,
  searchStations,
  setStationPosition,
  stationIdsByCode,
  type StationStateRow,
} from './stations.repository';
import { readStationImport, type ColumnMapping } from './station-import';
import { CLEARABLE_FIELDS, planStationImportInSteps, type ImportPlan, type PlannedRow } from './station-import-plan';
import { STATION_FIELDS, type StationField, type StationImportResult } from './station-import-row';

/**
 * Stations per page when the whole list is read for its cached reply. Postgres writes each page's JSON (see
 * listStationsPageJson), so a page costs the event loop one string however many rows it holds; 2,000 rows (about
 * 1 MB) keeps that string and the compressor's share of it small.
 */
const LIST_PAGE_ROWS = 2000;
/** Rows per page of the station tile grid's read (positions and state inputs only: a few hundred bytes a row). */
const STATE_PAGE_ROWS = 50_000;

/** A bulk write of this many stations refreshes the planner's statistics (see refreshStationStatistics). */
const REFRESH_STATISTICS_AFTER_ROWS = 1000;

/** Rows a dry run lists (new and changed first); the counts always cover the whole file. */
export const IMPORT_PREVIEW_ROWS = 2000;
/** Codes of stored stations missing from the file listed in a dry run; all are counted. */
const NOT_IN_FILE_LISTED = 200;

export interface StationImportOptions {
  format: 'csv' | 'geojson';
  /** JSON text as the API takes it: field → column name, or null. */
  mapping?: string;
  /** Comma-separated fields whose blank cells clear the stored value. */
  clear?: string;
}

/** A station file as it arrives: the request body's chunks (or one string). */
export type ImportSource = AsyncIterable<Buffer | string>;

/** Who hears that a station moved: the socket layer, wired in by the app. */
export interface StationsNotifier {
  stationsChanged(missionId: string, stations: Station[]): void;
}

/** The field → column mapping, and apart from it the quick-count `sample` column (undefined: by its usual names). */
function readMapping(text: string | undefined): { mapping: ColumnMapping; sampleColumn?: string | null } {
  if (text === undefined || text.trim() === '') return { mapping: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'mapping: must be a JSON object from station field to column name', 'MAPPING_INVALID');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'mapping: must be a JSON object from station field to column name', 'MAPPING_INVALID');
  }
  const mapping: ColumnMapping = {};
  let sampleColumn: string | null | undefined;
  for (const [field, column] of Object.entries(value)) {
    if (!(STATION_FIELDS as string[]).includes(field) && field !== 'sample') {
      throw new HttpError(
        400,
        `mapping: "${field}" is not a station field (use ${STATION_FIELDS.join(', ')}, or sample)`,
        'MAPPING_INVALID',
      );
    }
    if (column !== null && (typeof column !== 'string' || column.length > 200)) {
      throw new HttpError(400, `mapping: ${field} must name a column (text) or be null`, 'MAPPING_INVALID');
    }
    if (field === 'sample') sampleColumn = column === null ? null : column;
    else mapping[field as StationField] = column === null ? null : column;
  }
  return { mapping, sampleColumn };
}

function readClear(text: string | undefined): Set<StationField> {
  const fields = (text ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const field of fields) {
    if (!(CLEARABLE_FIELDS as readonly string[]).includes(field)) {
      throw new HttpError(
        400,
        `clear: "${field}" cannot be cleared (use ${CLEARABLE_FIELDS.join(', ')})`,
        'MAPPING_INVALID',
      );
    }
  }
  return new Set(fields as StationField[]);
}

/** The named stations of the mission with their status, for another area that must show them (an inbox item). */
/** Station id by code, read within the caller's transaction (plans and mission set-up name stations by code). */
export function readStationIdsByCode(reader: Db | Tx, missionId: string): Promise<Map<string, string>> {
  return stationIdsByCode(reader, missionId);
}

/** Mission set-up writes its whole list inside its own transaction, the same way an import does. */
export function writeStationRows(tx: Tx, missionId: string, rows: readonly PlannedRow[]): Promise<void> {
  return applyStationImport(tx, missionId, rows);
}

/**
 * After a bulk write of stations (an import, a mission's set-up), refreshes the planner's statistics when enough rows
 * were written for stale ones to matter (see refreshStationStatistics).
 */
export async function refreshStatisticsAfterBulkWrite(db: Db, rowsWritten: number): Promise<void> {
  if (rowsWritten >= REFRESH_STATISTICS_AFTER_ROWS) await refreshStationStatistics(db);
}

export function readStationsById(reader: Db | Tx, missionId: string, ids: readonly string[]): Promise<Station[]> {
  return listStationsById(reader, missionId, ids);
}

export function createStationsService(db: Db, notifier?: StationsNotifier) {
  async function list(missionId: string, changedAfter?: number): Promise<StationsReply> {
    // Head first: a station changed after it is re-sent live, one changed before it is in the list.
    const head = await readHead(db, missionId);
    return { head, stations: await listStations(db, missionId, changedAfter) };
  }

  /**
   * The version of the whole list: the log head (sequence and hash, so a wiped and replayed drill never matches an
   * older state) and the version of the stations' own fields. Read before the list, so the list is at least this new.
   */
  async function listVersion(missionId: string): Promise<string> {
    const [head, fields] = await Promise.all([readHeadWithHash(db, missionId), readStationListVersion(db, missionId)]);
    return `${head?.lastSeq ?? 0}.${head?.lastHash.slice(0, 16) ?? ''}.${fields}`;
  }

  /**
   * The version of the stations' own fields alone (codes, names, districts, positions): what changes the district
   * areas and nothing else a live event does.
   */
  async function fieldsVersion(missionId: string): Promise<number> {
    return readStationListVersion(db, missionId);
  }

  /** The missions with at least `min` stations, largest first. */
  function largeMissions(min: number): Promise<string[]> {
    return missionsWithStations(db, min);
  }

  /** How many stations the mission has, with the head it was counted at (read first, as for the list). */
  async function count(missionId: string): Promise<{ head: number; count: number }> {
    const head = await readHead(db, missionId);
    return { head, count: await countStations(db, missionId) };
  }

  /**
   * The whole list a page at a time, from one snapshot: the head first, then pages of stations in code order, each as
   * the JSON text of its `Station` objects joined by commas. For the cached, encoded reply of a national list, which
   * must not hold the event loop while it is read.
   */
  async function readListInPages(
    missionId: string,
    onHead: (head: number) => Promise<void> | void,
    onPage: (stationsJson: string) => Promise<void> | void,
  ): Promise<void> {
    await db.transaction(
      async (tx) => {
        await onHead(await readHead(tx, missionId));
        for (let after: string | null = null; ;) {
          const page = await listStationsPageJson(tx, missionId, after, LIST_PAGE_ROWS);
          if (page.count > 0) await onPage(page.json);
          if (page.count < LIST_PAGE_ROWS) return;
          after = page.lastCode;
        }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  /**
   * Every station's position and state inputs, a page at a time, from one snapshot (the head first): what the station
   * tile grid is built from, without the rest of the list.
   */
  async function readStatesInPages(
    missionId: string,
    onHead: (head: number) => void,
    onPage: (rows: StationStateRow[]) => void,
  ): Promise<void> {
    await db.transaction(
      async (tx) => {
        onHead(await readHead(tx, missionId));
        for (let after: string | null = null; ;) {
          const rows = await listStationStatesPage(tx, missionId, after, STATE_PAGE_ROWS);
          onPage(rows);
          if (rows.length < STATE_PAGE_ROWS) return;
          after = rows[rows.length - 1]!.code;
        }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  async function search(missionId: string, q: string, limit: number, near?: string): Promise<StationSearchReply> {
    const [lat, lng] = (near ?? '').split(',').map(Number);
    const point = near !== undefined && lat !== undefined && lng !== undefined ? { lat, lng } : undefined;
    if (point && (Math.abs(point.lat) > 90 || Math.abs(point.lng) > 180)) {
      throw new HttpError(
        400,
        'near: must be LAT,LNG with latitude within ±90 and longitude within ±180',
        'FST_ERR_VALIDATION',
      );
    }
    return { stations: await searchStations(db, missionId, q, limit, point) };
  }

  /** The stations of one team's plan, and the head to follow live events from. */
  async function ofPlan(missionId: string, stationIds: readonly string[]): Promise<StationsReply> {
    const head = await readHead(db, missionId);
    return { head, stations: await listStationsById(db, missionId, stationIds) };
  }

  /** Places (or moves) a station; every coordinator's map hears of it. */
  async function place(missionId: string, stationId: string, lat: number, lng: number): Promise<Station> {
    if (!(await db.transaction((tx) => setStationPosition(tx, missionId, stationId, lat, lng))))
      throw new HttpError(404, 'no such station in this mission', 'NOT_FOUND');
    const station = await readStation(db, missionId, stationId);
    if (!station) throw new HttpError(404, 'no such station in this mission', 'NOT_FOUND');
    notifier?.stationsChanged(missionId, [station]);
    return station;
  }

  /** The options are checked before the body is read, so a bad mapping is refused without reading 25 MB. */
  async function parse(
    source: ImportSource,
    options: StationImportOptions,
    keepProblems: 'all' | 'listed',
  ): Promise<{ parsed: StationImportResult; clear: Set<StationField> }> {
    const { mapping, sampleColumn } = readMapping(options.mapping);
    const clear = readClear(options.clear);
    return { parsed: await readStationImport(source, options.format, mapping, keepProblems, sampleColumn), clear };
  }

  async function planOf(
    reader: Parameters<typeof readStoredStations>[0],
    missionId: string,
    parsed: StationImportResult,
    clear: Set<StationField>,
  ): Promise<ImportPlan> {
    const [stored, bounds] = await Promise.all([
      readStoredStations(reader, missionId),
      readMissionBounds(reader, missionId),
    ]);
    return planStationImportInSteps(parsed.rows, parsed.lines, stored, { bounds, clear, problems: parsed.problems });
  }

  /**
   * Any error rejects the whole file with its problems; warnings and notices do not. When the file has a `sample`
   * column, `onSample` gets the codes of the marked stations inside the import's transaction, before anything is
   * written: it may refuse them (throw), and then nothing is imported.
   */
  async function importFile(
    missionId: string,
    source: ImportSource,
    options: StationImportOptions,
    onSample?: (codes: string[]) => Promise<void>,
  ): Promise<ImportReply> {
    const { parsed, clear } = await parse(source, options, 'listed');
    const rejected = () =>
      new HttpError(
        400,
        `the ${options.format} file has ${parsed.problems.errorCount} problem(s); nothing was imported`,
        'IMPORT_INVALID',
        undefined,
        {
          problems: parsed.problems.listed(),
          problemKinds: parsed.problems.kinds(),
          columns: parsed.columns,
        },
      );
    if (!parsed.problems.isEmpty) throw rejected();
    const plan = await db.transaction(async (tx) => {
      await lockStationImport(tx, missionId);
      const planned = await planOf(tx, missionId, parsed, clear);
      if (!parsed.problems.isEmpty) return null;
      const marks = parsed.sampleMarks;
      if (marks.column !== null)
        await onSample?.(planned.rows.filter((r) => marks.lines.has(r.line)).map((r) => r.row.code));
      await applyStationImport(tx, missionId, planned.rows);
      return planned;
    });
    if (!plan) throw rejected();
    await refreshStatisticsAfterBulkWrite(db, plan.counts.created + plan.counts.updated);
    return {
      rows: parsed.rows.length,
      ...plan.counts,
      ...(parsed.sampleMarks.column !== null ? { sampleStations: parsed.sampleMarks.lines.size } : {}),
      problemKinds: parsed.problems.kinds(),
    };
  }

  /** What importing the file would do, without writing: the same counts the import reports, and every problem. */
  async function previewFile(
    missionId: string,
    source: ImportSource,
    options: StationImportOptions,
  ): Promise<ImportPreviewReply> {
    const { parsed, clear } = await parse(source, options, 'listed');
    const plan = await planOf(db, missionId, parsed, clear);
    const order = { created: 0, updated: 1, unchanged: 2 } as const;
    const listed = [...plan.rows]
      .sort((a, b) => order[a.change] - order[b.change] || a.line - b.line)
      .slice(0, IMPORT_PREVIEW_ROWS);
    return {
      dryRun: true,
      columns: parsed.columns,
      sample: parsed.sample,
      mapping: {
        ...parsed.mapping,
        ...(parsed.sampleMarks.column !== null ? { sample: parsed.sampleMarks.column } : {}),
      },
      totalRows: parsed.rows.length,
      rows: listed.map(({ line, row, change, changedFields }) => ({ line, row, change, changedFields })),
      problems: parsed.problems.listed(),
      problemKinds: parsed.problems.kinds(),
      counts: plan.counts,
      ...(parsed.sampleMarks.column !== null ? { sampleStations: parsed.sampleMarks.lines.size } : {}),
      notInFileCount: plan.notInFile.length,
      notInFile: plan.notInFile.slice(0, NOT_IN_FILE_LISTED).map((s) => s.code),
    };
  }

  /** Every problem of the file (errors, warnings, notices) as CSV, for fixing the file in a spreadsheet. */
  async function problemsCsv(missionId: string, source: ImportSource, options: StationImportOptions): Promise<string> {
    const { parsed, clear } = await parse(source, options, 'all');
    await planOf(db, missionId, parsed, clear);
    const rows = parsed.problems.all().map((p) => [p.row, p.field, p.severity ?? 'error', p.kind ?? '', p.problem]);
    return stringify([['row', 'column', 'severity', 'kind', 'problem'], ...rows]);
  }

  return {
    list,
    listVersion,
    fieldsVersion,
    count,
    largeMissions,
    readListInPages,
    readStatesInPages,
    search,
    ofPlan,
    place,
    importFile,
    previewFile,
    problemsCsv,
  };
}
export type StationsService = ReturnType<typeof createStationsService>;
