/**
 * Reads a station list a coordinator uploads (CSV or GeoJSON) into validated `StationImportRow`s. All or nothing:
 * either every row is good, or the answer lists every problem found (row, column or property, what is wrong) so the
 * file can be fixed in one go. Pure: no database, no I/O.
 */
import type { Static } from 'typebox';
import type { ImportFormat } from '../../../shared/schemas/stations';
import { readCsvStations } from './station-import-csv';
import { readGeoJsonStations } from './station-import-geojson';
import { StationRowCollector, type StationImportResult } from './station-import-row';

export { CSV_COLUMN_OF, MAX_IMPORT_PROBLEMS, MAX_IMPORT_ROWS, type StationImportResult } from './station-import-row';

export function parseStationImport(text: string, format: Static<typeof ImportFormat>): StationImportResult {
  const collector = new StationRowCollector();
  if (format === 'csv') readCsvStations(text, collector);
  else readGeoJsonStations(text, collector);
  return collector.result();
}
