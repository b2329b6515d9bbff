/**
 * Small planar geometry on [longitude, latitude] pairs, enough for a city-sized demo: point-in-polygon, clipping a
 * polygon with an axis-aligned line, bounds and short distances. Not meant for shapes that span hundreds of kilometres.
 */
import type { Polygon, Position } from 'geojson';

// The seed's spacing and routes measure distances as the phone's "nearest stations" does: one formula for both.
export { distanceM } from '../../shared/geo';

/** [[west, south], [east, north]] in degrees. */
export type LngLatBounds = [[number, number], [number, number]];

/**
 * Ray casting towards +longitude. The comparisons are half-open (a point on a bottom or left edge is inside, on a top
 * or right edge outside), so polygons that share an edge never both claim a point on it.
 */
export function pointInRing(lng: number, lat: number, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the outer ring and outside every hole. */
export function pointInPolygon(lng: number, lat: number, polygon: Polygon): boolean {
  const [outer, ...holes] = polygon.coordinates;
  if (!outer || !pointInRing(lng, lat, outer)) return false;
  return holes.every((hole) => !pointInRing(lng, lat, hole));
}

/**
 * One side of an axis-aligned line: `lng < value` ('below') or `lng >= value` ('above'), likewise for latitude.
 * The split is half-open like `pointInRing`, so the two sides of one line partition the plane.
 */
export interface HalfPlane {
  axis: 'lng' | 'lat';
  side: 'below' | 'above';
  value: number;
}

function isInside(point: Position, halfPlane: HalfPlane): boolean {
  const coordinate = (halfPlane.axis === 'lng' ? point[0] : point[1]) as number;
  return halfPlane.side === 'below' ? coordinate < halfPlane.value : coordinate >= halfPlane.value;
}

/** Where segment a→b crosses the line; the crossing coordinate is set exactly so neighbours share their border exactly. */
function crossing(a: Position, b: Position, halfPlane: HalfPlane): Position {
  const [ax, ay] = a as [number, number];
  const [bx, by] = b as [number, number];
  if (halfPlane.axis === 'lng') {
    const t = (halfPlane.value - ax) / (bx - ax);
    return [halfPlane.value, ay + t * (by - ay)];
  }
  const t = (halfPlane.value - ay) / (by - ay);
  return [ax + t * (bx - ax), halfPlane.value];
}

function samePoint(a: Position | undefined, b: Position | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}

/**
 * Sutherland–Hodgman against one half-plane. Takes and returns a closed GeoJSON ring (first point repeated last).
 * Exact for shapes the line cuts into one piece per side, as it does for the city outline; a ring the line cuts
 * into several pieces on one side comes back joined by zero-width bridges along the line.
 */
export function clipRing(ring: readonly Position[], halfPlane: HalfPlane): Position[] {
  const open = samePoint(ring[0], ring[ring.length - 1]) ? ring.slice(0, -1) : ring.slice();
  const clipped: Position[] = [];
  const push = (point: Position) => {
    if (!samePoint(clipped[clipped.length - 1], point)) clipped.push(point);
  };
  for (let i = 0; i < open.length; i++) {
    const current = open[i] as Position;
    const previous = open[(i + open.length - 1) % open.length] as Position;
    const currentInside = isInside(current, halfPlane);
    const previousInside = isInside(previous, halfPlane);
    if (currentInside !== previousInside) push(crossing(previous, current, halfPlane));
    if (currentInside) push(current);
  }
  if (samePoint(clipped[0], clipped[clipped.length - 1])) clipped.pop();
  if (clipped.length < 3) return [];
  return [...clipped, clipped[0] as Position];
}

/** The polygon's outer ring clipped by every half-plane in turn (holes are not supported: the outline has none). */
export function clipPolygon(polygon: Polygon, halfPlanes: readonly HalfPlane[]): Polygon {
  let ring: Position[] = polygon.coordinates[0] ?? [];
  for (const halfPlane of halfPlanes) ring = clipRing(ring, halfPlane);
  return { type: 'Polygon', coordinates: ring.length > 0 ? [ring] : [] };
}

export function polygonBounds(polygon: Polygon): LngLatBounds {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const [lng, lat] of (polygon.coordinates[0] ?? []) as [number, number][]) {
    west = Math.min(west, lng);
    east = Math.max(east, lng);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  return [
    [west, south],
    [east, north],
  ];
}

/** Shoelace area in square degrees, positive for a counter-clockwise ring; only good for comparing shapes. */
export function ringSignedArea(ring: readonly Position[]): number {
  let twiceArea = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    twiceArea += xj * yi - xi * yj;
  }
  return twiceArea / 2;
}
