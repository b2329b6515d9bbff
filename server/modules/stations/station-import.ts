/**
 * Reads a station list a coordinator uploads (CSV or GeoJSON) into validated `StationImportRow`s, with every problem
 * found (row, column or property, what is wrong, how serious) so the file can be fixed in one go. Any error blocks the
 * import. No database; the streaming reader reads only its source.
 */
import type { Static } from 'typebox';
import type { ImportFormat } from '../../../shared/schemas/stations';
import { readCsvStationStream, readCsvStations, type ColumnMapping } from './station-import-csv';
import { readGeoJsonStations } from './station-import-geojson';
import { StationRowCollector, type StationImportResult } from './station-import-row';

export { CSV_COLUMN_OF, MAX_IMPORT_PROBLEMS, MAX_IMPORT_ROWS, type StationImportResult } from './station-import-row';
export type { ColumnMapping } from './station-import-csv';

export function parseStationImport(
  text: string,
  format: Static<typeof ImportFormat>,
  mapping: ColumnMapping = {},
  sampleColumn?: string | null,
): StationImportResult {
  const collector = new StationRowCollector({ keepProblems: 'all', sampleColumn });
  if (format === 'csv') readCsvStations(text, collector, mapping);
  else readGeoJsonStations(text, collector, mapping);
  return collector.result();
}

/**
 * The same from a stream of bytes (a request body). CSV is parsed as it arrives; a GeoJSON document is one JSON value
 * and is read whole. `keepProblems: 'listed'` keeps only the problems a reply lists (all are still counted by kind).
 * `sampleColumn` names the quick-count `sample` column (null: none; undefined: found by its usual names).
 */
export async function readStationImport(
  source: AsyncIterable<Buffer | string>,
  format: Static<typeof ImportFormat>,
  mapping: ColumnMapping,
  keepProblems: 'all' | 'listed',
  sampleColumn?: string | null,
): Promise<StationImportResult> {
  const collector = new StationRowCollector({ keepProblems, sampleColumn });
  if (format === 'csv') await readCsvStationStream(source, collector, mapping);
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of source) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    readGeoJsonStations(Buffer.concat(chunks).toString('utf8'), collector, mapping);
  }
  return collector.result();
}
