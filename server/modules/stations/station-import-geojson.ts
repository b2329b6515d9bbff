/**
 * Station lists as GeoJSON, the way GIS tools (QGIS, geojson.io) export them: a FeatureCollection of Point features
 * whose properties carry the station's fields and whose coordinates are [longitude, latitude]. A feature whose
 * geometry is null is an unplaced station.
 */
import { resolveColumns, type ColumnMapping } from './station-import-csv';
import {
  MAX_IMPORT_ROWS,
  STATION_FIELDS,
  fieldNamed,
  type FoundFields,
  type StationField,
  type StationRowCollector,
} from './station-import-row';

const BYTE_ORDER_MARK = '\uFEFF';
/** Where the position is reported from: the geometry is the truth, never lat/lng properties. */
const LNG_SOURCE = 'coordinates[0]';
const LAT_SOURCE = 'coordinates[1]';
const POSITION_FIELDS: readonly StationField[] = ['lat', 'lng'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The point's coordinates (null for an unplaced station), or a problem with the geometry. */
function readPoint(geometry: unknown): { lng: unknown; lat: unknown } | { field: string; problem: string } {
  if (geometry === null) return { lng: null, lat: null };
  if (geometry === undefined) {
    return {
      field: 'geometry',
      problem: 'is required: a Point with coordinates [longitude, latitude], or null for an unplaced station',
    };
  }
  if (!isObject(geometry) || geometry.type !== 'Point') {
    const type = isObject(geometry) && typeof geometry.type === 'string' ? geometry.type : typeof geometry;
    return { field: 'geometry', problem: `must be a Point, not ${type}` };
  }
  const { coordinates } = geometry;
  if (!Array.isArray(coordinates) || coordinates.length < 2) {
    return { field: 'coordinates', problem: 'must be [longitude, latitude]' };
  }
  return { lng: coordinates[0], lat: coordinates[1] };
}

/** The station fields among the properties: mapped ones by their mapped name, the others by their usual names. */
function readProperties(
  properties: Record<string, unknown>,
  mapping: ColumnMapping,
  row: number,
  collector: StationRowCollector,
): FoundFields {
  const found: FoundFields = {};
  for (const [field, name] of Object.entries(mapping) as [StationField, string | null | undefined][]) {
    if (typeof name === 'string' && name in properties) found[field] = { value: properties[name], source: name };
  }
  const mappedNames = new Set(Object.values(mapping));
  for (const [name, value] of Object.entries(properties)) {
    const field = fieldNamed(name);
    if (field === undefined || POSITION_FIELDS.includes(field) || field in mapping || mappedNames.has(name)) continue;
    const earlier = found[field];
    if (earlier) collector.problems.add(row, name, `is the same field as property "${earlier.source}"`);
    else found[field] = { value, source: name };
  }
  return found;
}

function readFeature(feature: unknown, row: number, mapping: ColumnMapping, collector: StationRowCollector): void {
  if (!isObject(feature) || feature.type !== 'Feature') {
    collector.problems.add(row, 'type', 'must be "Feature"');
    return;
  }
  const point = readPoint(feature.geometry);
  const positionProblem = 'problem' in point;
  if (positionProblem) collector.problems.add(row, point.field, point.problem);
  if (!isObject(feature.properties)) {
    collector.problems.add(row, 'properties', 'is required: an object with the station fields');
    return;
  }
  const found = readProperties(feature.properties, mapping, row, collector);
  if (!positionProblem) {
    found.lng = { value: point.lng, source: LNG_SOURCE };
    found.lat = { value: point.lat, source: LAT_SOURCE };
  }
  collector.add(row, found, (field) => field, positionProblem ? POSITION_FIELDS : []);
  const { column } = collector.sampleMarks;
  if (column !== null) collector.sampleMarks.mark(row, feature.properties[column], collector.problems);
}

/** Every property name used by the features, in order of first use. */
function propertyNames(features: unknown[]): string[] {
  const names = new Set<string>();
  for (const feature of features) {
    if (isObject(feature) && isObject(feature.properties))
      for (const name of Object.keys(feature.properties)) names.add(name);
  }
  return [...names];
}

export function readGeoJsonStations(input: string, collector: StationRowCollector, mapping: ColumnMapping = {}): void {
  const text = input.startsWith(BYTE_ORDER_MARK) ? input.slice(1) : input;
  if (text.trim() === '') {
    collector.problems.add(0, '', 'the file is empty');
    return;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    collector.problems.add(0, '', `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (!isObject(document) || document.type !== 'FeatureCollection' || !Array.isArray(document.features)) {
    collector.problems.add(0, 'type', 'must be a GeoJSON FeatureCollection with a "features" array');
    return;
  }
  const { features } = document;
  if (features.length === 0) collector.problems.add(0, 'features', 'has no station features');
  if (features.length > MAX_IMPORT_ROWS)
    collector.problems.add(0, 'features', `has more than ${MAX_IMPORT_ROWS} features`);
  if (!collector.problems.isEmpty) return;
  const names = propertyNames(features).filter(
    (name) => !['lat', 'lng', 'latitude', 'longitude', 'lon', 'long'].includes(name.toLowerCase()),
  );
  collector.columns = names;
  collector.sample = features.slice(0, 5).map((f) =>
    names.map((n) => {
      const value = isObject(f) && isObject(f.properties) ? f.properties[n] : undefined;
      return value === undefined || value === null ? '' : String(value);
    }),
  );
  const columnOf = resolveColumns(names, { ...mapping, lat: null, lng: null }, collector.problems, 'property');
  collector.sampleMarks.resolve(names, collector.problems, 'property');
  const nameOf = new Map([...columnOf].map(([field, index]) => [field, names[index]!] as const));
  collector.mapping = Object.fromEntries(STATION_FIELDS.map((f) => [f, nameOf.get(f) ?? null]));
  collector.mapping.lat = LAT_SOURCE;
  collector.mapping.lng = LNG_SOURCE;
  if (!collector.problems.isEmpty) return;

  for (const [index, feature] of features.entries()) readFeature(feature, index + 1, mapping, collector);
}
