/**
 * Vigil's own APPROXIMATION of Bishkek's four administrative districts (rayons), made for the demo mission and the map:
 * the city outline cut into quadrants by one north–south and one east–west line near Ala-Too Square. The real borders
 * wind along streets and rivers; these are not official boundaries and must not be shown as such.
 *
 * The lines are axis-aligned so that neighbouring districts share their border exactly: every point of the outline lies
 * in exactly one district.
 */
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { BISHKEK_OUTLINE } from './bishkek-outline';
import { clipPolygon, pointInPolygon, type HalfPlane } from './geometry';

export { pointInPolygon };

export const DISTRICT_NAMES = ['Leninsky', 'Oktyabrsky', 'Pervomaisky', 'Sverdlovsky'] as const;
export type DistrictName = (typeof DISTRICT_NAMES)[number];

/** Electoral districts (okrugs) of the 30 November 2025 parliamentary election, one per administrative district. */
export const ELECTORAL_DISTRICT_OF: Readonly<Record<DistrictName, string>> = {
  Leninsky: '21',
  Oktyabrsky: '22',
  Pervomaisky: '23',
  Sverdlovsky: '24',
};

/**
 * The north–south split runs about 700 m east of Ala-Too Square and the east–west split about 650 m south of it, so
 * the square (the centre) falls in Pervomaisky as it does in reality.
 */
const SPLIT_LNG_DEG = 74.612;
const SPLIT_LAT_DEG = 42.87;

const WEST: HalfPlane = { axis: 'lng', side: 'below', value: SPLIT_LNG_DEG };
const EAST: HalfPlane = { axis: 'lng', side: 'above', value: SPLIT_LNG_DEG };
const SOUTH: HalfPlane = { axis: 'lat', side: 'below', value: SPLIT_LAT_DEG };
const NORTH: HalfPlane = { axis: 'lat', side: 'above', value: SPLIT_LAT_DEG };

const QUADRANT_OF: Readonly<Record<DistrictName, readonly HalfPlane[]>> = {
  Leninsky: [WEST, SOUTH],
  Oktyabrsky: [EAST, SOUTH],
  Pervomaisky: [WEST, NORTH],
  Sverdlovsky: [EAST, NORTH],
};

export interface DistrictProperties {
  name: DistrictName;
  electoralDistrict: string;
  /** Always true: a reminder to every reader of the data that these are not official borders. */
  approximate: true;
}
export type DistrictFeature = Feature<Polygon, DistrictProperties>;

export const BISHKEK_DISTRICTS: FeatureCollection<Polygon, DistrictProperties> = {
  type: 'FeatureCollection',
  features: DISTRICT_NAMES.map((name): DistrictFeature => ({
    type: 'Feature',
    id: name,
    properties: { name, electoralDistrict: ELECTORAL_DISTRICT_OF[name], approximate: true },
    geometry: clipPolygon(BISHKEK_OUTLINE, QUADRANT_OF[name]),
  })),
};

export function districtPolygon(name: DistrictName): Polygon {
  const feature = BISHKEK_DISTRICTS.features.find((f) => f.properties.name === name);
  if (!feature) throw new Error(`no district named ${name}`);
  return feature.geometry;
}

/** The (approximate) district a point lies in, or null outside the city outline. */
export function districtOf(lng: number, lat: number): DistrictName | null {
  const feature = BISHKEK_DISTRICTS.features.find((f) => pointInPolygon(lng, lat, f.geometry));
  return feature?.properties.name ?? null;
}
