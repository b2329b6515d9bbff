/**
 * The offline map as data: one style object, no tiles, glyphs or sprites, so it draws with no network at all.
 * Symbol layers are deliberately absent (they need glyphs); state is told by colour and size here and in words beside
 * the map.
 */
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection, GeoJSON, Point } from 'geojson';
import type { MissionSummary } from '../../../../shared/schemas/auth';
import type { Station } from '../../../../shared/schemas/stations';
import { STATION_STATES, STATION_STATE_COLOURS, type StationState } from '../../../../shared/station-state';

export const STATIONS_SOURCE_ID = 'stations';
export const OUTLINE_SOURCE_ID = 'mission-outline';
export const LAYER_IDS = {
  background: 'background',
  outlineFill: 'mission-outline-fill',
  outlineLine: 'mission-outline-line',
  stations: 'stations-circle',
} as const;

/** Feature-state key holding the live station state; the `state` property holds the state when the map was built. */
export const STATE_KEY = 'state';

export interface StationFeatureProperties {
  id: string;
  number: string;
  name: string;
  state: StationState;
}
export type StationFeature = Feature<Point, StationFeatureProperties>;

export function stationFeature(station: Station, state: StationState): StationFeature {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [station.lng, station.lat] },
    properties: { id: station.id, number: station.number, name: station.name, state },
  };
}

// Live changes go to feature-state (cheap: no re-tiling); a station not touched since load falls back to its property.
const currentState: ExpressionSpecification = ['coalesce', ['feature-state', STATE_KEY], ['get', 'state']];

const colourByState: ExpressionSpecification = [
  'match',
  currentState,
  ...STATION_STATES.flatMap((state) => [state, STATION_STATE_COLOURS[state]]),
  STATION_STATE_COLOURS.never_visited,
] as ExpressionSpecification;

/** Urgent stations are drawn larger, so severity is not told by colour alone. */
function radiusAt(base: number): ExpressionSpecification {
  return ['match', currentState, ['critical', 'serious', 'bad_assessment'], base * 1.6, base];
}

export type MapTheme = 'light' | 'dark';

/** Ground colours per theme; station colours are the same everywhere (shared/station-state.ts). */
const THEMES: Readonly<Record<MapTheme, { background: string; land: string; landOpacity: number; border: string; stroke: string }>> = {
  light: { background: '#f2f0eb', land: '#ffffff', landOpacity: 0.85, border: '#6b665c', stroke: '#1f1f1f' },
  // The wall: a dark room, read from metres away; the city a shade lighter than the ground, its border clearly drawn.
  dark: { background: '#090c10', land: '#1a2330', landOpacity: 1, border: '#8a9bb0', stroke: '#05070a' },
};

export interface StyleOptions {
  theme?: MapTheme;
  /** Multiplies station sizes and line widths: a 3840 px wide wall at 100 % zoom needs twice the 1920 px sizes. */
  scale?: number;
}

export function buildOfflineStyle(
  mission: MissionSummary,
  stations: readonly StationFeature[],
  options: StyleOptions = {},
): StyleSpecification {
  const colours = THEMES[options.theme ?? 'light'];
  const scale = options.scale ?? 1;
  const outline = missionOutline(mission);
  const stationData: FeatureCollection<Point, StationFeatureProperties> = {
    type: 'FeatureCollection',
    features: [...stations],
  };
  const style: StyleSpecification = {
    version: 8,
    name: 'vigil-offline',
    sources: {
      [STATIONS_SOURCE_ID]: { type: 'geojson', data: stationData, promoteId: 'id' },
    },
    layers: [{ id: LAYER_IDS.background, type: 'background', paint: { 'background-color': colours.background } }],
  };
  if (outline !== null) {
    style.sources[OUTLINE_SOURCE_ID] = { type: 'geojson', data: outline };
    style.layers.push(
      {
        id: LAYER_IDS.outlineFill,
        type: 'fill',
        source: OUTLINE_SOURCE_ID,
        paint: { 'fill-color': colours.land, 'fill-opacity': colours.landOpacity },
      },
      {
        id: LAYER_IDS.outlineLine,
        type: 'line',
        source: OUTLINE_SOURCE_ID,
        paint: { 'line-color': colours.border, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1 * scale, 15, 3 * scale] },
      },
    );
  }
  style.layers.push({
    id: LAYER_IDS.stations,
    type: 'circle',
    source: STATIONS_SOURCE_ID,
    paint: {
      'circle-color': colourByState,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, radiusAt(3 * scale), 12, radiusAt(6 * scale), 16, radiusAt(12 * scale)],
      'circle-stroke-color': colours.stroke,
      'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 9, 0.5 * scale, 14, 1.5 * scale],
      'circle-opacity': 0.95,
    },
  });
  return style;
}

/** [west, south, east, north], or null when the mission has no usable bounds. */
export function missionBounds(mission: MissionSummary): [number, number, number, number] | null {
  const [southWest, northEast] = mission.bounds;
  const box = [southWest?.[0], southWest?.[1], northEast?.[0], northEast?.[1]];
  if (!box.every((value): value is number => typeof value === 'number' && Number.isFinite(value))) return null;
  const [west, south, east, north] = box as [number, number, number, number];
  return west < east && south < north ? [west, south, east, north] : null;
}

function missionOutline(mission: MissionSummary): GeoJSON | null {
  const outline = mission.outline as { type?: unknown } | null;
  return outline !== null && typeof outline.type === 'string' ? (outline as GeoJSON) : null;
}
