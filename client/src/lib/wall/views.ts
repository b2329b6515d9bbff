/** What a wall display's map cycles through: the whole city, then each district, each fitted to its stations. */

/** [west, south, east, north] in degrees. */
export type Box = [number, number, number, number];

export interface WallView {
  /** 'city', or the district's name. */
  id: string;
  label: string;
  bounds: Box;
}

export interface PlacedStation {
  lng: number;
  lat: number;
  district: string;
}

/** A box around the points, or null when there are none. A single point gets a small box around it. */
export function boxAround(points: Iterable<{ lng: number; lat: number }>): Box | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const { lng, lat } of points) {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) continue;
    west = Math.min(west, lng);
    east = Math.max(east, lng);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  if (west === Infinity) return null;
  // About 500 m: keeps a lone station (or a district with one) from being shown at street level.
  const MIN_SPAN_DEG = 0.005;
  if (east - west < MIN_SPAN_DEG) [west, east] = [(west + east) / 2 - MIN_SPAN_DEG / 2, (west + east) / 2 + MIN_SPAN_DEG / 2];
  if (north - south < MIN_SPAN_DEG) [south, north] = [(south + north) / 2 - MIN_SPAN_DEG / 2, (south + north) / 2 + MIN_SPAN_DEG / 2];
  return [west, south, east, north];
}

/** The city view holds every station and the city's outline (`outline`: its positions); each district its stations. */
export function wallViews(
  stations: readonly PlacedStation[],
  cityLabel: string,
  districtLabel: (district: string) => string,
  outline: readonly { lng: number; lat: number }[] = [],
): WallView[] {
  if (stations.length === 0) return [];
  const city = boxAround([...stations, ...outline]);
  if (city === null) return [];
  const byDistrict = new Map<string, PlacedStation[]>();
  for (const station of stations) {
    const list = byDistrict.get(station.district);
    if (list === undefined) byDistrict.set(station.district, [station]);
    else list.push(station);
  }
  const views: WallView[] = [{ id: 'city', label: cityLabel, bounds: city }];
  // With one district the city view already is that district.
  if (byDistrict.size < 2) return views;
  for (const district of [...byDistrict.keys()].sort((a, b) => a.localeCompare(b))) {
    const bounds = boxAround(byDistrict.get(district)!);
    if (bounds !== null) views.push({ id: district, label: districtLabel(district), bounds });
  }
  return views;
}
