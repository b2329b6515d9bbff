/**
 * The small map on a route sheet, drawn as SVG from the stops alone: the city outline, the route as a line in plan
 * order and a numbered dot per stop, with a scale bar. No tiles and no WebGL, so it works offline and prints the same
 * on any printer (a MapLibre canvas may print blank).
 */
import type { Geometry, Position as GeoPosition } from 'geojson';
import type { RouteSheetStop } from '../../../../shared/schemas/route-sheets';

export interface SheetMapMarker {
  x: number;
  y: number;
  /** The stop's place in the route, from 1. */
  order: number;
  code: string;
}

export interface SheetMap {
  width: number;
  height: number;
  /** SVG path data of the city outline's rings, in map coordinates. */
  outline: string;
  /** The route's polyline points ("x,y x,y …"), stops without a position left out. */
  route: string;
  markers: SheetMapMarker[];
  scale: { lengthPx: number; label: string };
}

const EARTH_M_PER_DEGREE = 111_320;
/** A route of one stop (or stops in one building) still shows about this much ground around it. */
const MIN_SPAN_M = 800;
const PADDING_SHARE = 0.12;
const NICE_STEPS_M = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** Null when no stop has a position: there is nothing to draw. */
export function sheetMap(
  stops: readonly RouteSheetStop[],
  outline: Geometry | null,
  width = 360,
  height = 260,
): SheetMap | null {
  const placed = stops
    .map((stop, index) => ({ stop, order: index + 1 }))
    .filter((p): p is { stop: RouteSheetStop & { lat: number; lng: number }; order: number } => p.stop.lat !== null);
  if (placed.length === 0) return null;
  const lats = placed.map((p) => p.stop.lat);
  const lngs = placed.map((p) => p.stop.lng);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const midLng = (Math.min(...lngs) + Math.max(...lngs)) / 2;
  const mPerLng = EARTH_M_PER_DEGREE * Math.cos((midLat * Math.PI) / 180);
  // Metres east and north of the middle of the route.
  const local = (lng: number, lat: number) => ({ e: (lng - midLng) * mPerLng, n: (lat - midLat) * EARTH_M_PER_DEGREE });
  const spanE = Math.max((Math.max(...lngs) - Math.min(...lngs)) * mPerLng, MIN_SPAN_M);
  const spanN = Math.max((Math.max(...lats) - Math.min(...lats)) * EARTH_M_PER_DEGREE, MIN_SPAN_M);
  const pxPerM = Math.min(width / (spanE * (1 + 2 * PADDING_SHARE)), height / (spanN * (1 + 2 * PADDING_SHARE)));
  const project = (lng: number, lat: number): [number, number] => {
    const { e, n } = local(lng, lat);
    return [round(width / 2 + e * pxPerM), round(height / 2 - n * pxPerM)];
  };

  const markers = placed.map(({ stop, order }) => {
    const [x, y] = project(stop.lng, stop.lat);
    return { x, y, order, code: stop.code };
  });
  const step = NICE_STEPS_M.find((m) => m * pxPerM >= width / 6) ?? NICE_STEPS_M.at(-1)!;
  return {
    width,
    height,
    outline: outlinePath(outline, project),
    route: markers.map((m) => `${m.x},${m.y}`).join(' '),
    markers,
    scale: { lengthPx: round(step * pxPerM), label: step >= 1000 ? `${step / 1000} km` : `${step} m` },
  };
}

function outlinePath(geometry: Geometry | null, project: (lng: number, lat: number) => [number, number]): string {
  const rings: GeoPosition[][] =
    geometry?.type === 'Polygon'
      ? geometry.coordinates
      : geometry?.type === 'MultiPolygon'
        ? geometry.coordinates.flat()
        : [];
  return rings
    .map((ring) => {
      const points = ring.map(([lng, lat]) => project(lng!, lat!).join(','));
      return `M${points.join('L')}Z`;
    })
    .join(' ');
}

const round = (n: number) => Math.round(n * 10) / 10;
