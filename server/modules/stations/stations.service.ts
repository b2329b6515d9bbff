/** Station list and station import. */
import type { Db } from '../../../db/client';
import type { ImportPreviewReply, ImportReply, StationImportRow, StationsReply } from '../../../shared/schemas/stations';
import { HttpError } from '../../errors';
import { readHead } from '../events/events.repository';
import { listStations, upsertStations } from './stations.repository';
import { parseStationImport } from './station-import';

export function createStationsService(db: Db) {
  async function list(missionId: string, changedAfter?: number): Promise<StationsReply> {
    // Head first: a station changed after it is re-sent live, one changed before it is in the list.
    const head = await readHead(db, missionId);
    return { head, stations: await listStations(db, missionId, changedAfter) };
  }

  /** All rows or none: any bad row rejects the file with every problem listed. */
  async function importFile(missionId: string, text: string, format: 'csv' | 'geojson'): Promise<ImportReply> {
    const parsed = parseStationImport(text, format);
    if (!parsed.ok) {
      throw new HttpError(400, `the ${format} file has ${parsed.problems.length} problem(s); nothing was imported`, 'IMPORT_INVALID', undefined, {
        problems: parsed.problems,
      });
    }
    const counts = await db.transaction((tx) => upsertStations(tx, missionId, parsed.rows));
    return { rows: parsed.rows.length, ...counts };
  }

  /** What importing the file would do, row by row, without writing: good rows, their changes, every problem. */
  async function previewFile(missionId: string, text: string, format: 'csv' | 'geojson'): Promise<ImportPreviewReply> {
    const parsed = parseStationImport(text, format);
    const stored = new Map((await listStations(db, missionId)).map((s) => [s.number, s]));
    const fields = ['name', 'address', 'district', 'electoralDistrict', 'lat', 'lng', 'registeredVoters'] as const satisfies (keyof StationImportRow)[];
    const rows = parsed.rows.map((row) => {
      const current = stored.get(row.number);
      if (!current) return { row, change: 'created' as const, changedFields: [] };
      const changedFields = fields.filter((f) => current[f] !== row[f]);
      return { row, change: changedFields.length ? ('updated' as const) : ('unchanged' as const), changedFields };
    });
    const named = new Set(parsed.rows.map((r) => r.number));
    return {
      dryRun: true,
      rows,
      problems: parsed.ok ? [] : parsed.problems,
      counts: {
        created: rows.filter((r) => r.change === 'created').length,
        updated: rows.filter((r) => r.change === 'updated').length,
        unchanged: rows.filter((r) => r.change === 'unchanged').length,
      },
      notInFile: [...stored.keys()].filter((n) => !named.has(n)),
    };
  }

  return { list, importFile, previewFile };
}
