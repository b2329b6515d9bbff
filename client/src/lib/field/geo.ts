/** Distances for "the nearest stations": great-circle metres, good to a few metres at city scale. */
const EARTH_RADIUS_M = 6_371_000;

export interface LatLng {
  lat: number;
  lng: number;
}

export function distanceM(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The `count` places nearest to `from`, nearest first, each with its distance. */
export function nearest<T extends LatLng>(from: LatLng, places: readonly T[], count: number): { place: T; distanceM: number }[] {
  return places
    .map((place) => ({ place, distanceM: distanceM(from, place) }))
    .sort((a, b) => a.distanceM - b.distanceM)
    .slice(0, count);
}

/** "350 m", "1.2 km": short enough for a phone row. */
export function formatDistance(metres: number): string {
  return metres < 1000 ? `${Math.round(metres / 10) * 10} m` : `${(metres / 1000).toFixed(1)} km`;
}
