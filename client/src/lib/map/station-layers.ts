/**
 * The map as data: sources and layers over an offline ground (city outline, approximate district areas) or an optional
 * basemap. The outline, the district areas, the teams and their trails are one "ground" source: every filled or stroked
 * layer of another source than the one before costs a stencil pass over the whole map per frame, and every source
 * changed is its own round of tiles and redraws. The plain ground colour is the container's CSS background, not a
 * full-screen layer. Together with filling only the chosen district, that took a frame of a 10,000-station map from
 * ~37 to ~25 ms in a software-rendered browser (BENCHMARKS.md). Stations are one clustered GeoJSON source whose
 * `state` and `rank` properties are patched by id; clusters carry the worst rank inside them (clusterProperties), so a
 * zoomed-out map still points at the worst station.
 * State is told by shape (state-shapes.ts) and colour together; station numbers and district names are drawn with
 * glyphs our server serves.
 */
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import type { Feature, FeatureCollection, GeoJSON, Geometry, LineString, Point, Polygon } from 'geojson';
import type { MissionSummary } from '../../../../shared/schemas/auth';
import type { Station } from '../../../../shared/schemas/stations';
import {
  STATION_STATES,
  STATION_STATE_COLOURS,
  stationStateRank,
  type FindingBadge,
  type StationState,
} from '../../../../shared/station-state';
import { TEAM_ICON, iconName } from './state-shapes';
import { tiledLayers, tiledStationSource } from './tiled-station-layers';

export const STATIONS_SOURCE_ID = 'stations';
export const GROUND_SOURCE_ID = 'ground';
export const LAYER_IDS = {
  outlineFill: 'mission-outline-fill',
  districtFill: 'district-fill',
  districtLine: 'district-line',
  outlineLine: 'mission-outline-line',
  trails: 'team-trails',
  clusters: 'stations-cluster',
  clusterIcon: 'stations-cluster-icon',
  stations: 'stations-icon',
  stationBadges: 'stations-finding-badge',
  stationLabels: 'stations-label',
  teams: 'teams-icon',
  districtLabels: 'district-label',
} as const;

/** Our own layers, bottom to top; a basemap's layers go underneath them. */
export const OVERLAY_LAYER_IDS: readonly string[] = Object.values(LAYER_IDS);

export interface StationFeatureProperties {
  id: string;
  number: string;
  name: string;
  district: string;
  state: StationState;
  /** Position of the state in STATION_STATES (0 = most urgent): clusters keep the smallest. */
  rank: number;
  /** The state whose small shape marks an open finding the state hides (findingBadge), or '' for none. */
  badge: string;
}
export type StationFeature = Feature<Point, StationFeatureProperties>;

export type PlacedStation = Station & { lat: number; lng: number };

/** Unplaced stations (no position yet) are listed beside the map, never drawn on it. */
export function isPlaced(station: Station): station is PlacedStation {
  return station.lat !== null && station.lng !== null;
}

export function stationFeature(station: PlacedStation, state: StationState, badge: FindingBadge): StationFeature {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [station.lng, station.lat] },
    properties: {
      id: station.id,
      number: station.code,
      name: station.name,
      district: station.district,
      state,
      rank: stationStateRank(state),
      badge: badge ?? '',
    },
  };
}

/** What a feature of the ground source is; `key` is its id there (promoted), unique across kinds. */
export type GroundFeatureProperties =
  | { key: string; kind: 'outline' }
  | { key: string; kind: 'district'; district: string }
  | { key: string; kind: 'trail'; id: string }
  | { key: string; kind: 'team'; id: string; callSign: string };
export type GroundKind = GroundFeatureProperties['kind'];
export const groundKey = {
  district: (district: string) => `district:${district}`,
  trail: (teamId: string) => `trail:${teamId}`,
  team: (teamId: string) => `team:${teamId}`,
};
export type TrailFeature = Feature<LineString, Extract<GroundFeatureProperties, { kind: 'trail' }>>;
export type TeamFeature = Feature<Point, Extract<GroundFeatureProperties, { kind: 'team' }>>;
export type GroundDistrictFeature = Feature<Polygon, Extract<GroundFeatureProperties, { kind: 'district' }>>;

const ofKind = (kind: GroundKind): ExpressionSpecification => ['==', ['get', 'kind'], kind];

export type MapTheme = 'light' | 'dark';

const THEMES: Readonly<
  Record<
    MapTheme,
    {
      background: string;
      land: string;
      landOpacity: number;
      border: string;
      stroke: string;
      text: string;
      halo: string;
      district: string;
    }
  >
> = {
  light: {
    background: '#f2f0eb',
    land: '#ffffff',
    landOpacity: 0.85,
    border: '#6b665c',
    stroke: '#1f1f1f',
    text: '#333a44',
    halo: '#ffffff',
    district: '#6f7c8f',
  },
  // The wall: a dark room, read from metres away; the city a shade lighter than the ground, its border clearly drawn.
  dark: {
    background: '#090c10',
    land: '#1a2330',
    landOpacity: 1,
    border: '#8a9bb0',
    stroke: '#05070a',
    text: '#dbe4ef',
    halo: '#090c10',
    district: '#8a9bb0',
  },
};

export interface StyleOptions {
  theme?: MapTheme;
  /** Multiplies sizes: a 3840 px wide wall at 100 % zoom needs twice the 1920 px sizes. */
  scale?: number;
  /** Group stations into clusters when zoomed out (the coordinator's map). Default false. */
  cluster?: boolean;
  /** Absolute glyph URL template; without it no text is drawn. */
  glyphs?: string | null;
  /** The font stack the glyph URL serves. */
  font?: string;
  /** Said under each district's name, in the page's language. */
  approximateAreaLabel?: string;
  /**
   * Absolute URL template of the station tiles: the stations come from them (clustered by the server) instead of a
   * GeoJSON source (tiled-station-layers.ts). Null or absent: the GeoJSON source.
   */
  tiles?: string | null;
}

/** A district's label: its name, and under it that its area is approximate (in the page's language). */
export function districtLabelText(approximateArea: string): ExpressionSpecification {
  return ['concat', ['get', 'district'], `\n${approximateArea}`];
}

/** Clusters dissolve into stations from this zoom on. */
export const CLUSTER_MAX_ZOOM = 12;
export const STATION_LABEL_MIN_ZOOM = 13;

const worstStateExpression = (rank: ExpressionSpecification): ExpressionSpecification =>
  ['at', ['to-number', rank], ['literal', [...STATION_STATES]]] as unknown as ExpressionSpecification;

const colourByRank = (rank: ExpressionSpecification): ExpressionSpecification =>
  [
    'match',
    ['to-number', rank],
    ...STATION_STATES.flatMap((state, i) => [i, STATION_STATE_COLOURS[state]]),
    STATION_STATE_COLOURS.never_visited,
  ] as unknown as ExpressionSpecification;

/** Urgent stations are drawn larger as well as in their own shape. */
function iconSize(base: number): ExpressionSpecification {
  return ['match', ['get', 'state'], ['critical', 'serious', 'bad_assessment'], base * 1.3, base];
}

/** Our sources: stations, and the ground (outline now; districts, teams and trails added later). */
export function overlaySources(
  mission: MissionSummary,
  stations: readonly StationFeature[],
  options: StyleOptions,
): Record<string, SourceSpecification> {
  const stationData: FeatureCollection<Point, StationFeatureProperties> = {
    type: 'FeatureCollection',
    features: [...stations],
  };
  const sources: Record<string, SourceSpecification> = {
    [STATIONS_SOURCE_ID]: options.tiles
      ? tiledStationSource(options.tiles)
      : {
          type: 'geojson',
          data: stationData,
          promoteId: 'id',
          ...(options.cluster
            ? {
                cluster: true,
                clusterRadius: 44,
                clusterMaxZoom: CLUSTER_MAX_ZOOM,
                clusterProperties: { worst: ['min', ['get', 'rank']] },
              }
            : {}),
        },
    [GROUND_SOURCE_ID]: {
      type: 'geojson',
      data: { type: 'FeatureCollection', features: outlineFeatures(mission) },
      promoteId: 'key',
    },
  };
  return sources;
}

/** The district fill's filter: the focused district only, or none. */
export function districtFillFilter(district: string | null): FilterSpecification {
  return ['all', ofKind('district'), ['==', ['get', 'district'], district ?? '']];
}

/** Our layers, bottom to top. `basemap`: a basemap lies underneath, so the city is not painted over it. */
export function overlayLayers(mission: MissionSummary, options: StyleOptions, basemap: boolean): LayerSpecification[] {
  if (!options.tiles) return geojsonOverlayLayers(mission, options, basemap);
  // The tiles carry the server's clusters whatever the page: their layers are always there.
  const layers = geojsonOverlayLayers(mission, { ...options, cluster: true }, basemap);
  return tiledLayers(layers, STATIONS_SOURCE_ID, LAYER_IDS);
}

function geojsonOverlayLayers(mission: MissionSummary, options: StyleOptions, basemap: boolean): LayerSpecification[] {
  const colours = THEMES[options.theme ?? 'light'];
  const scale = options.scale ?? 1;
  const font = [options.font ?? 'Noto Sans Regular'];
  const text = options.glyphs !== undefined && options.glyphs !== null;
  const layers: LayerSpecification[] = [];
  const hasOutline = outlineFeatures(mission).length > 0;
  if (hasOutline && !basemap) {
    layers.push({
      id: LAYER_IDS.outlineFill,
      type: 'fill',
      source: GROUND_SOURCE_ID,
      filter: ofKind('outline'),
      paint: { 'fill-color': colours.land, 'fill-opacity': colours.landOpacity },
    });
  }
  layers.push(
    {
      // Only the focused district is filled (see districtFillFilter): a translucent fill over every district is one
      // more pass over most of the map per frame, and the dashed borders and labels already tell the areas apart.
      id: LAYER_IDS.districtFill,
      type: 'fill',
      source: GROUND_SOURCE_ID,
      filter: districtFillFilter(null),
      paint: { 'fill-color': colours.district, 'fill-opacity': 0.16 },
    },
    {
      id: LAYER_IDS.districtLine,
      type: 'line',
      source: GROUND_SOURCE_ID,
      filter: ofKind('district'),
      paint: {
        'line-color': colours.district,
        'line-width': ['case', ['boolean', ['feature-state', 'focused'], false], 2.5 * scale, 1 * scale],
        'line-dasharray': [3, 2],
        'line-opacity': 0.8,
      },
    },
  );
  if (hasOutline) {
    layers.push({
      id: LAYER_IDS.outlineLine,
      type: 'line',
      source: GROUND_SOURCE_ID,
      filter: ofKind('outline'),
      paint: {
        'line-color': colours.border,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1 * scale, 15, 3 * scale],
      },
    });
  }
  layers.push({
    id: LAYER_IDS.trails,
    type: 'line',
    source: GROUND_SOURCE_ID,
    filter: ofKind('trail'),
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': '#1d2633', 'line-width': 2 * scale, 'line-dasharray': [1, 1.6], 'line-opacity': 0.65 },
  });
  if (text) {
    layers.push({
      id: LAYER_IDS.districtLabels,
      type: 'symbol',
      source: GROUND_SOURCE_ID,
      filter: ofKind('district'),
      maxzoom: 14,
      layout: {
        'text-field': districtLabelText(options.approximateAreaLabel ?? '(approximate area)'),
        'text-font': font,
        'text-size': 12 * scale,
        'symbol-placement': 'point',
        // The least important words on the map: drawn under the stations and placed after them, they move aside or
        // wait rather than cover a cluster, a station or a team.
        'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right'],
        'text-radial-offset': 0.8,
        'text-allow-overlap': false,
        'text-padding': 4,
        'symbol-sort-key': 100,
      },
      paint: { 'text-color': colours.district, 'text-halo-color': colours.halo, 'text-halo-width': 1.5 },
    });
  }
  if (options.cluster) {
    layers.push(
      {
        id: LAYER_IDS.clusters,
        type: 'circle',
        source: STATIONS_SOURCE_ID,
        filter: ['has', 'point_count'],
        paint: {
          'circle-color': '#ffffff',
          'circle-opacity': 0.95,
          'circle-radius': [
            'step',
            ['get', 'point_count'],
            17 * scale,
            50,
            20 * scale,
            500,
            24 * scale,
            5000,
            29 * scale,
          ],
          'circle-stroke-color': colourByRank(['get', 'worst']),
          'circle-stroke-width': 5 * scale,
        },
      },
      {
        id: LAYER_IDS.clusterIcon,
        type: 'symbol',
        source: STATIONS_SOURCE_ID,
        filter: ['has', 'point_count'],
        layout: {
          'icon-image': ['concat', 'vigil-state-', worstStateExpression(['get', 'worst'])],
          'icon-size': 0.55 * scale,
          // Always drawn, and in the collision index: labels (district names, call signs) give way to clusters.
          'icon-allow-overlap': true,
          'icon-ignore-placement': false,
          'icon-offset': text ? [0, -9] : [0, 0],
          ...(text
            ? {
                'text-field': ['get', 'point_count_abbreviated'],
                'text-font': font,
                'text-size': 11 * scale,
                'text-offset': [0, 0.55],
                'text-allow-overlap': true,
                'text-ignore-placement': false,
              }
            : {}),
        },
        paint: { 'text-color': '#111111' },
      },
    );
  }
  layers.push({
    id: LAYER_IDS.stations,
    type: 'symbol',
    source: STATIONS_SOURCE_ID,
    ...(options.cluster ? { filter: ['!', ['has', 'point_count']] } : {}),
    layout: {
      'icon-image': ['concat', 'vigil-state-', ['get', 'state']],
      'icon-size': [
        'interpolate',
        ['linear'],
        ['zoom'],
        9,
        iconSize(0.42 * scale),
        12,
        iconSize(0.6 * scale),
        16,
        iconSize(1 * scale),
      ],
      'icon-allow-overlap': true,
      // In the collision index: labels give way to stations, never the other way round.
      'icon-ignore-placement': false,
      // The most urgent drawn last, on top.
      'symbol-sort-key': ['-', 10, ['get', 'rank']],
    },
    paint: { 'icon-opacity': ['case', ['boolean', ['feature-state', 'dimmed'], false], 0.25, 1] },
  });
  layers.push({
    // An open finding the station's shape does not show (a team's star over minor findings): that finding's own
    // shape, smaller, at the shape's upper left. Team markers sit at the upper right, so neither covers the other.
    id: LAYER_IDS.stationBadges,
    type: 'symbol',
    source: STATIONS_SOURCE_ID,
    filter: options.cluster
      ? ['all', ['!', ['has', 'point_count']], ['!=', ['get', 'badge'], '']]
      : ['!=', ['get', 'badge'], ''],
    layout: {
      'icon-image': ['concat', 'vigil-state-', ['get', 'badge']],
      'icon-size': ['interpolate', ['linear'], ['zoom'], 9, 0.3 * scale, 12, 0.4 * scale, 16, 0.6 * scale],
      'icon-offset': [-20, -20],
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
    },
    paint: { 'icon-opacity': ['case', ['boolean', ['feature-state', 'dimmed'], false], 0.25, 1] },
  });
  if (text) {
    layers.push({
      id: LAYER_IDS.stationLabels,
      type: 'symbol',
      source: STATIONS_SOURCE_ID,
      minzoom: STATION_LABEL_MIN_ZOOM,
      ...(options.cluster ? { filter: ['!', ['has', 'point_count']] } : {}),
      layout: {
        'text-field': ['get', 'number'],
        'text-font': font,
        'text-size': 11 * scale,
        'text-offset': [0, 1.25],
        'text-anchor': 'top',
        'text-optional': true,
      },
      paint: { 'text-color': colours.text, 'text-halo-color': colours.halo, 'text-halo-width': 1.5 },
    });
  }
  layers.push({
    id: LAYER_IDS.teams,
    type: 'symbol',
    source: GROUND_SOURCE_ID,
    filter: ofKind('team'),
    layout: {
      'icon-image': TEAM_ICON,
      'icon-size': 0.8 * scale,
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
      // Beside the station, not on it: the station's shape stays visible.
      'icon-offset': [16, -16],
      ...(text
        ? {
            'text-field': ['get', 'callSign'],
            'text-font': font,
            'text-size': 12 * scale,
            // Call signs never pile up on each other: each takes the first free side of its marker, or waits.
            'text-variable-anchor': ['left', 'right', 'top', 'bottom'],
            'text-radial-offset': 1.6,
            'text-justify': 'auto',
            'text-allow-overlap': false,
            'text-optional': true,
          }
        : {}),
    },
    paint: { 'text-color': '#1d2633', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
  });
  return layers;
}

/** The whole offline style: the mission's outline and our layers over the container's ground colour. No tiles, no sprites. */
export function buildOfflineStyle(
  mission: MissionSummary,
  stations: readonly StationFeature[],
  options: StyleOptions = {},
): StyleSpecification {
  return {
    version: 8,
    name: 'vigil-offline',
    ...(options.glyphs ? { glyphs: options.glyphs } : {}),
    sources: overlaySources(mission, stations, options),
    layers: overlayLayers(mission, options, false),
  };
}

/** The plain ground around the city: the map container's CSS background (the canvas is transparent where nothing is drawn). */
export function groundColour(theme: MapTheme = 'light'): string {
  return THEMES[theme].background;
}

/** [west, south, east, north], or null when the mission has no usable bounds. */
export function missionBounds(mission: MissionSummary): [number, number, number, number] | null {
  const [southWest, northEast] = mission.bounds;
  const box = [southWest?.[0], southWest?.[1], northEast?.[0], northEast?.[1]];
  if (!box.every((value): value is number => typeof value === 'number' && Number.isFinite(value))) return null;
  const [west, south, east, north] = box as [number, number, number, number];
  return west < east && south < north ? [west, south, east, north] : null;
}

/** The mission's outline (a geometry, feature or collection) as ground features; none when it has no usable outline. */
function outlineFeatures(mission: MissionSummary): Feature<Geometry, GroundFeatureProperties>[] {
  const outline = mission.outline as GeoJSON | null;
  if (outline === null || typeof (outline as { type?: unknown }).type !== 'string') return [];
  const geometries: Geometry[] =
    outline.type === 'FeatureCollection'
      ? outline.features.flatMap((feature) => (feature.geometry ? [feature.geometry] : []))
      : outline.type === 'Feature'
        ? outline.geometry
          ? [outline.geometry]
          : []
        : [outline];
  return geometries.map((geometry, i) => ({
    type: 'Feature',
    geometry,
    properties: { key: `outline:${i}`, kind: 'outline' },
  }));
}

export { iconName };
