/** Distances between points on the Earth, for the server, the client and the demo seed alike. */

/** Mean Earth radius (IUGG), in metres. */
const EARTH_RADIUS_M = 6_371_000;

export interface LatLng {
  lat: number;
  lng: number;
}

/**
 * Great-circle (haversine) distance in metres. Exact for a sphere; the Earth's flattening makes it off by at most about
 * 0.5 %, far below what "nearest station" or a seed's spacing care about, and it stays right over any distance.
 */
export function distanceM(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  // Rounding can push h a hair above 1 for antipodal points, where asin would return NaN.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
