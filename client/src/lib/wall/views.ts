/**
 * What a wall display's map cycles through: the whole city, then each district, each fitted to its stations. Where the
 * list has regions above its districts, each region comes first with its own view, then its districts.
 */

/** [west, south, east, north] in degrees. */
export type Box = [number, number, number, number];

export interface WallView {
  /** 'city', the district's name, or `region:` and the region's name (a region may share a district's name). */
  id: string;
  kind: 'city' | 'region' | 'district';
  /** The district's or region's name ('' for the city). */
  name: string;
  label: string;
  bounds: Box;
}

export interface PlacedStation {
  lng: number;
  lat: number;
  district: string;
  region?: string | null;
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
  if (east - west < MIN_SPAN_DEG)
    [west, east] = [(west + east) / 2 - MIN_SPAN_DEG / 2, (west + east) / 2 + MIN_SPAN_DEG / 2];
  if (north - south < MIN_SPAN_DEG)
    [south, north] = [(south + north) / 2 - MIN_SPAN_DEG / 2, (south + north) / 2 + MIN_SPAN_DEG / 2];
  return [west, south, east, north];
}

/**
 * The city view holds every station and the city's outline (`outline`: its positions); each district its stations.
 * Regions: each region's view, then its districts; districts without a region after all regions.
 */
export function wallViews(
  stations: readonly PlacedStation[],
  cityLabel: string,
  districtLabel: (district: string, region: string | null) => string,
  outline: readonly { lng: number; lat: number }[] = [],
  regionLabel: (region: string) => string = (region) => region,
): WallView[] {
  if (stations.length === 0) return [];
  const city = boxAround([...stations, ...outline]);
  if (city === null) return [];
  const byDistrict = new Map<string, PlacedStation[]>();
  const regionOf = new Map<string, string | null>();
  for (const station of stations) {
    const list = byDistrict.get(station.district);
    if (list === undefined) byDistrict.set(station.district, [station]);
    else list.push(station);
    // As the coverage figures do: a district belongs to the first region (in name order) its stations name.
    const region = station.region ?? null;
    const known = regionOf.get(station.district);
    if (known === undefined || (region !== null && (known === null || region.localeCompare(known) < 0)))
      regionOf.set(station.district, region);
  }
  const views: WallView[] = [{ id: 'city', kind: 'city', name: '', label: cityLabel, bounds: city }];
  const byName = (a: string, b: string) => a.localeCompare(b);
  const districtView = (district: string): WallView | null => {
    const bounds = boxAround(byDistrict.get(district)!);
    return bounds === null
      ? null
      : {
          id: district,
          kind: 'district',
          name: district,
          label: districtLabel(district, regionOf.get(district) ?? null),
          bounds,
        };
  };
  const regions = [...new Set([...regionOf.values()].filter((r): r is string => r !== null))].sort(byName);
  // With one district (and no second region) the city view already is that district.
  if (byDistrict.size < 2 && regions.length < 2) return views;
  for (const region of regions) {
    const districts = [...byDistrict.keys()].filter((d) => regionOf.get(d) === region).sort(byName);
    const bounds = boxAround(districts.flatMap((d) => byDistrict.get(d)!));
    if (bounds !== null)
      views.push({ id: `region:${region}`, kind: 'region', name: region, label: regionLabel(region), bounds });
    // A region of one district: the region's view already shows it.
    if (districts.length < 2) continue;
    for (const district of districts) {
      const view = districtView(district);
      if (view !== null) views.push(view);
    }
  }
  for (const district of [...byDistrict.keys()].filter((d) => regionOf.get(d) === null).sort(byName)) {
    const view = districtView(district);
    if (view !== null) views.push(view);
  }
  return views;
}
