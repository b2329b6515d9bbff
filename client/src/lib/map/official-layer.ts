/**
 * A sky-blue ring around each observed station whose protocol differs from the official result: a state of its
 * own, drawn over whatever the station's live state is (a station can be fine all day and still have a wrong official
 * count). Its own small source like the conflict rings, replaced whole when the comparison changes, so the clustered
 * station source is never touched.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { replacePoints } from './point-source';

export const OFFICIAL_DIFF_SOURCE_ID = 'official-differences';
export const OFFICIAL_DIFF_LAYER_ID = 'official-differences-ring';
/** Sky blue of the Okabe–Ito palette: no station state's colour, and apart from the conflicts' reddish purple. */
export const OFFICIAL_DIFF_COLOUR = '#56b4e9';

export interface OfficialDiffPoint {
  stationId: string;
  lng: number;
  lat: number;
}

export function showOfficialDifferences(map: MapLibreMap, points: readonly OfficialDiffPoint[]): void {
  if (!replacePoints(map, OFFICIAL_DIFF_SOURCE_ID, points, (p) => ({ stationId: p.stationId }))) return;
  map.addLayer({
    id: OFFICIAL_DIFF_LAYER_ID,
    type: 'circle',
    source: OFFICIAL_DIFF_SOURCE_ID,
    paint: {
      // Wider than the conflict ring, so a station with both shows both.
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 12, 15, 19],
      'circle-color': 'rgba(0, 0, 0, 0)',
      'circle-stroke-color': OFFICIAL_DIFF_COLOUR,
      'circle-stroke-width': 3,
    },
  });
}
