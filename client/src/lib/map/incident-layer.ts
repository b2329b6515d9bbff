/**
 * Findings away from any station (a blocked road, voters bussed in): their own layer, since they have no station symbol
 * to badge. A handful of points in a small source replaced whole when the feed changes, like the conflict rings. Each is
 * a square-ish ringed dot coloured by severity, so it reads apart from the station shapes; a click selects the finding.
 */
import type { Map as MapLibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import { replacePoints } from './point-source';
import type { Severity } from '../../../../shared/schemas/events';

export const INCIDENTS_SOURCE_ID = 'off-station-incidents';
export const INCIDENTS_LAYER_ID = 'off-station-incidents-dot';

/** Okabe–Ito colours by severity (the feed's order: info lightest, critical most urgent). */
export const SEVERITY_COLOURS: Record<Severity, string> = {
  info: '#56b4e9',
  minor: '#f0e442',
  serious: '#e69f00',
  critical: '#d55e00',
};

export interface IncidentPoint {
  findingId: string;
  severity: Severity;
  lng: number;
  lat: number;
}

/** What a finding list item must say for its incident to be drawn (the triage feed's and the wall ticker's both do). */
export interface IncidentSource {
  id: string;
  stationId: string | null;
  severity: Severity;
  status: string;
  position?: { lat: number; lng: number } | null;
}

/** The open incidents away from any station that have a position; resolved ones leave the map. */
export function openIncidentPoints(findings: readonly IncidentSource[]): IncidentPoint[] {
  return findings.flatMap((f) =>
    f.stationId === null && f.position && f.status !== 'resolved'
      ? [{ findingId: f.id, severity: f.severity, lng: f.position.lng, lat: f.position.lat }]
      : [],
  );
}

/** Shows `points` (replacing the previous set); the first call also makes a click on one call `onselect`. */
export function showIncidents(
  map: MapLibreMap,
  points: readonly IncidentPoint[],
  onselect: ((findingId: string) => void) | null,
): void {
  if (!replacePoints(map, INCIDENTS_SOURCE_ID, points, (p) => ({ findingId: p.findingId, severity: p.severity })))
    return;
  map.addLayer({
    id: INCIDENTS_LAYER_ID,
    type: 'circle',
    source: INCIDENTS_SOURCE_ID,
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 6, 15, 10],
      'circle-color': [
        'match',
        ['get', 'severity'],
        ...Object.entries(SEVERITY_COLOURS).flat(),
        '#999999',
      ] as unknown as string,
      // A thick dark ring: station symbols have none, so an incident never passes for a station.
      'circle-stroke-color': '#1a1a1a',
      'circle-stroke-width': 3,
    },
  });
  if (onselect !== null) {
    map.on('click', INCIDENTS_LAYER_ID, (event: MapLayerMouseEvent) => {
      const id = event.features?.[0]?.properties?.findingId;
      if (typeof id === 'string') onselect(id);
    });
    map.on('mouseenter', INCIDENTS_LAYER_ID, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', INCIDENTS_LAYER_ID, () => (map.getCanvas().style.cursor = ''));
  }
}
