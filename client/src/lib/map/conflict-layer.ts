/**
 * A ring around each station with an open conflict (two teams' reports that disagree), above the station symbols.
 * Its own small source, not a property of the clustered stations: a handful of points, replaced whole when the list
 * changes, and visible over a cluster too (a conflict inside it is worth zooming in for).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { replacePoints } from './point-source';

export const CONFLICTS_SOURCE_ID = 'open-conflicts';
export const CONFLICTS_LAYER_ID = 'open-conflicts-ring';
/** Reddish purple of the Okabe–Ito palette: apart from the station states' colours. */
const CONFLICT_RING_COLOUR = '#cc79a7';

export interface ConflictPoint {
  stationId: string;
  lng: number;
  lat: number;
}

export function showOpenConflicts(map: MapLibreMap, points: readonly ConflictPoint[]): void {
  if (!replacePoints(map, CONFLICTS_SOURCE_ID, points, (p) => ({ stationId: p.stationId }))) return;
  map.addLayer({
    id: CONFLICTS_LAYER_ID,
    type: 'circle',
    source: CONFLICTS_SOURCE_ID,
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 9, 15, 15],
      'circle-color': 'rgba(0, 0, 0, 0)',
      'circle-stroke-color': CONFLICT_RING_COLOUR,
      'circle-stroke-width': 3,
    },
  });
}
