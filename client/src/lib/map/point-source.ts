/**
 * The small point sources drawn over the stations (conflict rings, off-station incidents): a handful of points replaced
 * whole whenever their list changes.
 */
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';

export interface PlacedPoint {
  lng: number;
  lat: number;
}

/**
 * Puts `points` in the source `sourceId`, each with the properties `propertiesOf` gives. True when the source was just
 * added: the caller then adds its layer (once); later calls only replace the data.
 */
export function replacePoints<P extends PlacedPoint>(
  map: MapLibreMap,
  sourceId: string,
  points: readonly P[],
  propertiesOf: (point: P) => GeoJSON.GeoJsonProperties,
): boolean {
  const data: GeoJSON.FeatureCollection<GeoJSON.Point> = {
    type: 'FeatureCollection',
    features: points.map((p) => ({
      type: 'Feature',
      properties: propertiesOf(p),
      geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
    })),
  };
  const source = map.getSource<GeoJSONSource>(sourceId);
  if (source !== undefined) {
    source.setData(data);
    return false;
  }
  map.addSource(sourceId, { type: 'geojson', data });
  return true;
}
