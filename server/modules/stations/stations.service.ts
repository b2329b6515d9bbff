/** Station list and station import. */
import type { Db } from '../../../db/client';
import type { ImportReply, StationsReply } from '../../../shared/schemas/stations';
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

  return { list, importFile };
}
