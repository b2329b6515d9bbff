/**
 * Reads a station list a coordinator uploads (CSV or GeoJSON) into validated `StationImportRow`s, with every problem
 * found (row, column or property, what is wrong, how serious) so the file can be fixed in one go. Any error blocks the
 * import. Pure: no database, no I/O.
 */
import type { Static } from 'typebox';
import type { ImportFormat } from '../../../shared/schemas/stations';
import { readCsvStations, type ColumnMapping } from './station-import-csv';
import { readGeoJsonStations } from './station-import-geojson';
import { StationRowCollector, type StationImportResult } from './station-import-row';

export { CSV_COLUMN_OF, MAX_IMPORT_PROBLEMS, MAX_IMPORT_ROWS, type StationImportResult } from './station-import-row';
export type { ColumnMapping } from './station-import-csv';

export function parseStationImport(text: string, format: Static<typeof ImportFormat>, mapping: ColumnMapping = {}): StationImportResult {
  const collector = new StationRowCollector();
  if (format === 'csv') readCsvStations(text, collector, mapping);
  else readGeoJsonStations(text, collector, mapping);
  return collector.result();
}
