/**
 * The Bishkek city outline shipped beside this file (see README.md for its provenance), loaded once and checked, so a
 * damaged file fails at start-up rather than as a strange map.
 */
import { readFileSync } from 'node:fs';
import type { Polygon } from 'geojson';
import { polygonBounds, type LngLatBounds } from './geometry';

const OUTLINE_FILE_URL = new URL('./bishkek-boundary.geojson', import.meta.url);

function loadOutline(): Polygon {
  const parsed: unknown = JSON.parse(readFileSync(OUTLINE_FILE_URL, 'utf8'));
  const geometry = (parsed as { features?: { geometry?: Polygon }[] }).features?.[0]?.geometry;
  const ring = geometry?.coordinates?.[0];
  if (geometry?.type !== 'Polygon' || !Array.isArray(ring) || ring.length < 4) {
    throw new Error(`${OUTLINE_FILE_URL.pathname}: expected a FeatureCollection whose first feature is a Polygon`);
  }
  return { type: 'Polygon', coordinates: geometry.coordinates };
}

export const BISHKEK_OUTLINE: Polygon = loadOutline();
export const BISHKEK_BOUNDS: LngLatBounds = polygonBounds(BISHKEK_OUTLINE);

/** Ala-Too Square, the city's centre. */
export const BISHKEK_CENTER = { lat: 42.8758, lng: 74.6037 } as const;
