/**
 * The demo mission: a synthetic observation of Bishkek's 30 November 2025 snap parliamentary election, built as plain
 * data (no database access) so a seed script, the tests and a "reset demo" button all get exactly the same mission.
 *
 * Stations follow the January 2021 count per district and Bishkek's four-digit numbering from 1001; positions, venues,
 * voter counts, teams and people are invented (see demo-venues.ts, demo-people.ts).
 */
import type { Polygon } from 'geojson';
import type { missions } from '../schema/missions';
import type { teams } from '../schema/teams';
import type { StationImportResolvedRow } from '../../shared/schemas/stations';
import { BISHKEK_BOUNDS, BISHKEK_CENTER, BISHKEK_OUTLINE } from './bishkek-outline';
import { DISTRICT_NAMES, ELECTORAL_DISTRICT_OF, districtPolygon, type DistrictName } from './districts';
import { distanceM, pointInPolygon, polygonBounds } from './geometry';
import { SeededRandom } from './seeded-random';
import { VenueNamer } from './demo-venues';
import { ObserverRoster } from './demo-people';

export const DEFAULT_DEMO_SEED = 2025;

/** Polling stations per district in the January 2021 election (228 in all). */
export const DEMO_STATION_COUNTS: Readonly<Record<DistrictName, number>> = {
  Leninsky: 62,
  Oktyabrsky: 59,
  Pervomaisky: 49,
  Sverdlovsky: 58,
};
const FIRST_STATION_NUMBER = 1001;

/** Stations closer than this look like one dot on the city-wide map. */
const MIN_STATION_SPACING_M = 150;
const PLACEMENT_ATTEMPTS_PER_STATION = 400;
/** Stations are numbered along west–east bands of this height, so neighbouring numbers are near each other. */
const NUMBERING_BAND_DEG = 0.012;

const MIN_REGISTERED_VOTERS = 1200;
const MAX_REGISTERED_VOTERS = 3600;
/** Voters of electoral districts 21–24 in 2025, so demo turnout figures look like the city's. */
const TOTAL_REGISTERED_VOTERS = 542_939;

const TEAM_COUNT = 20;
const MIN_STATIONS_PER_ROUTE = 8;
const MAX_STATIONS_PER_ROUTE = 12;
/** Real plans leave stations unvisited; keeping some free makes coverage gaps visible in the demo. */
const MAX_PLANNED_SHARE_OF_DISTRICT = 0.85;

export type DemoMissionRecord = Omit<
  typeof missions.$inferSelect,
  | 'lastSeq'
  | 'lastHash'
  | 'createdAt'
  | 'outline'
  | 'isDemo'
  | 'displayShowsFindingText'
  | 'displayShowsTeamPositions'
  | 'displayShowsQuickCount'
  | 'drill'
  | 'recordStartsAt'
  | 'drillStartedAt'
  | 'drillClock'
  // Alert thresholds: the column defaults (45 min silent, polling 07:00–20:00, 15 min for critical findings).
  | 'silentTeamAlertMinutes'
  | 'pollingStartsAt'
  | 'pollingEndsAt'
  | 'criticalAckMinutes'
> & { outline: Polygon; isDemo: true };

/** Demo stations are all placed and numbered uniquely across the city, so each one's code is its number. */
export type DemoStation = StationImportResolvedRow & {
  id: string;
  district: DistrictName;
  electoralDistrict: string;
  lat: number;
  lng: number;
};

export type DemoTeam = Pick<typeof teams.$inferSelect, 'id' | 'callSign' | 'languages'> & {
  members: [string, string];
  phone: string;
  /** Planned stations in route order: a nearest-neighbour walk within one district. */
  assignedStationNumbers: string[];
};

export interface DemoMission {
  mission: DemoMissionRecord;
  stations: DemoStation[];
  teams: DemoTeam[];
}

interface LngLat {
  lng: number;
  lat: number;
}

export function buildDemoMission(seed = DEFAULT_DEMO_SEED): DemoMission {
  // One stream per concern, so changing how one part draws numbers leaves the others as they were.
  const ids = new SeededRandom(seed, 'ids');
  const places = new SeededRandom(seed, 'places');
  const details = new SeededRandom(seed, 'station details');
  const people = new SeededRandom(seed, 'people');

  const mission: DemoMissionRecord = {
    id: ids.uuid(),
    name: 'Demo — Bishkek snap parliamentary election (synthetic data)',
    electionDate: '2025-11-30',
    timeZone: 'Asia/Bishkek',
    centerLat: BISHKEK_CENTER.lat,
    centerLng: BISHKEK_CENTER.lng,
    bounds: BISHKEK_BOUNDS,
    outline: BISHKEK_OUTLINE,
    languages: ['en', 'ru', 'az', 'ky'],
    isDemo: true,
    // Made-up numbers (no Kyrgyz operator code starts 000), so a printed demo sheet never sends anyone to a real phone.
    emergencyContacts: [
      { name: 'Core team desk', role: 'Coordination', phone: '+996 000 000 101' },
      { name: 'Aida Sultanova', role: 'Security officer', phone: '+996 000 000 102' },
      { name: 'Legal help line', role: 'Lawyer on duty', phone: '+996 000 000 103' },
    ],
  };

  const positionsByDistrict = placeStations(places);
  const venues = new VenueNamer(details);
  const stations: DemoStation[] = [];
  let nextNumber = FIRST_STATION_NUMBER;
  for (const district of DISTRICT_NAMES) {
    for (const position of positionsByDistrict.get(district) ?? []) {
      stations.push({
        id: ids.uuid(),
        number: String(nextNumber),
        code: String(nextNumber++),
        ...venues.next(),
        district,
        region: null,
        electoralDistrict: ELECTORAL_DISTRICT_OF[district],
        lat: roundCoordinate(position.lat),
        lng: roundCoordinate(position.lng),
        registeredVoters: 0,
      });
    }
  }
  assignRegisteredVoters(stations, details);

  const roster = new ObserverRoster(people);
  const teams = planRoutes(stations, people).map((route, index): DemoTeam => {
    const pair = roster.nextPair();
    return {
      id: ids.uuid(),
      callSign: `T${String(index + 1).padStart(2, '0')}`,
      members: pair.members,
      phone: pair.phone,
      languages: pair.languages,
      assignedStationNumbers: route.map((station) => station.number),
    };
  });

  return { mission, stations, teams };
}

/** Six decimals is about 10 cm: enough for a map, and the numbers survive a CSV round trip unchanged. */
function roundCoordinate(degrees: number): number {
  return Math.round(degrees * 1e6) / 1e6;
}

/** Random points in each district, spread apart where the district leaves room, in numbering order. */
function placeStations(random: SeededRandom): Map<DistrictName, LngLat[]> {
  const placed: LngLat[] = [];
  const byDistrict = new Map<DistrictName, LngLat[]>();
  for (const district of DISTRICT_NAMES) {
    const polygon = districtPolygon(district);
    const points: LngLat[] = [];
    for (let i = 0; i < DEMO_STATION_COUNTS[district]; i++) {
      const point = spacedPointIn(polygon, placed, random);
      placed.push(point);
      points.push(point);
    }
    byDistrict.set(district, sortForNumbering(points));
  }
  return byDistrict;
}

/** Rejection sampling; when no candidate keeps the spacing, the one farthest from its nearest neighbour wins. */
function spacedPointIn(polygon: Polygon, placed: readonly LngLat[], random: SeededRandom): LngLat {
  const [[west, south], [east, north]] = polygonBounds(polygon);
  let best: { point: LngLat; clearanceM: number } | null = null;
  for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS_PER_STATION; attempt++) {
    const point = { lng: random.between(west, east), lat: random.between(south, north) };
    const rounded = { lng: roundCoordinate(point.lng), lat: roundCoordinate(point.lat) };
    // The rounded point is the one that is stored, so it is the one that must be inside.
    if (!pointInPolygon(rounded.lng, rounded.lat, polygon)) continue;
    const clearanceM = Math.min(Infinity, ...placed.map((other) => distanceM(rounded, other)));
    if (clearanceM >= MIN_STATION_SPACING_M) return rounded;
    if (!best || clearanceM > best.clearanceM) best = { point: rounded, clearanceM };
  }
  if (!best) throw new Error('could not place a station inside its district');
  return best.point;
}

/** North to south in bands, alternately west→east and east→west, the way a commission might have numbered them. */
function sortForNumbering(points: LngLat[]): LngLat[] {
  const northmost = Math.max(...points.map((p) => p.lat));
  const band = (p: LngLat) => Math.floor((northmost - p.lat) / NUMBERING_BAND_DEG);
  return [...points].sort((a, b) => {
    const byBand = band(a) - band(b);
    if (byBand !== 0) return byBand;
    return band(a) % 2 === 0 ? a.lng - b.lng : b.lng - a.lng;
  });
}

/** Random sizes within the range, then nudged one voter at a time until the city total matches exactly. */
function assignRegisteredVoters(stations: DemoStation[], random: SeededRandom): void {
  const drawn = stations.map(() => random.int(MIN_REGISTERED_VOTERS, MAX_REGISTERED_VOTERS));
  const scale = TOTAL_REGISTERED_VOTERS / drawn.reduce((sum, v) => sum + v, 0);
  const voters = drawn.map((v) => clampVoters(Math.round(v * scale)));
  let difference = TOTAL_REGISTERED_VOTERS - voters.reduce((sum, v) => sum + v, 0);
  for (let i = 0; difference !== 0; i = (i + 1) % voters.length) {
    const step = Math.sign(difference);
    const adjusted = (voters[i] as number) + step;
    if (adjusted !== clampVoters(adjusted)) continue;
    voters[i] = adjusted;
    difference -= step;
  }
  stations.forEach((station, i) => (station.registeredVoters = voters[i] as number));
}

function clampVoters(voters: number): number {
  return Math.min(MAX_REGISTERED_VOTERS, Math.max(MIN_REGISTERED_VOTERS, voters));
}

/**
 * Teams are shared out between districts in proportion to their stations. Each route starts at the free station
 * farthest from the centre of the district's free stations and walks to the nearest free station each time, so routes sweep
 * in from the district's edge and the stations left over stay close together.
 */
function planRoutes(stations: readonly DemoStation[], random: SeededRandom): DemoStation[][] {
  const routes: DemoStation[][] = [];
  const teamsPerDistrict = apportion(TEAM_COUNT, DEMO_STATION_COUNTS);
  for (const district of DISTRICT_NAMES) {
    const free = stations.filter((s) => s.district === district);
    const budget = Math.floor(free.length * MAX_PLANNED_SHARE_OF_DISTRICT);
    for (const size of routeSizes(teamsPerDistrict[district], budget, random)) {
      const route = [takeFarthestFromCentre(free)];
      while (route.length < size && free.length > 0)
        route.push(takeNearest(free, route[route.length - 1] as DemoStation));
      routes.push(route);
    }
  }
  return routes;
}

/** Largest-remainder apportionment of `total` seats over the weights. */
function apportion<K extends string>(total: number, weights: Readonly<Record<K, number>>): Record<K, number> {
  const keys = Object.keys(weights) as K[];
  const weightSum = keys.reduce((sum, key) => sum + weights[key], 0);
  const quotas = keys.map((key) => ({ key, quota: (total * weights[key]) / weightSum }));
  const shares = Object.fromEntries(quotas.map(({ key, quota }) => [key, Math.floor(quota)])) as Record<K, number>;
  let left = total - keys.reduce((sum, key) => sum + shares[key], 0);
  for (const { key } of [...quotas].sort((a, b) => (b.quota % 1) - (a.quota % 1))) {
    if (left-- <= 0) break;
    shares[key] += 1;
  }
  return shares;
}

function routeSizes(teamCount: number, stationBudget: number, random: SeededRandom): number[] {
  if (teamCount * MIN_STATIONS_PER_ROUTE > stationBudget) {
    throw new Error(
      `${teamCount} routes of ${MIN_STATIONS_PER_ROUTE} stations do not fit in ${stationBudget} stations`,
    );
  }
  const sizes = Array.from({ length: teamCount }, () => random.int(MIN_STATIONS_PER_ROUTE, MAX_STATIONS_PER_ROUTE));
  while (sizes.reduce((sum, size) => sum + size, 0) > stationBudget) {
    const largest = sizes.indexOf(Math.max(...sizes));
    sizes[largest] = (sizes[largest] as number) - 1;
  }
  return sizes;
}

function takeFarthestFromCentre(free: DemoStation[]): DemoStation {
  const centre = {
    lng: free.reduce((sum, s) => sum + s.lng, 0) / free.length,
    lat: free.reduce((sum, s) => sum + s.lat, 0) / free.length,
  };
  return takeBest(free, (s) => distanceM(s, centre));
}

function takeNearest(free: DemoStation[], from: LngLat): DemoStation {
  return takeBest(free, (s) => -distanceM(s, from));
}

/** Removes and returns the station with the highest score (the first one on ties, for determinism). */
function takeBest(free: DemoStation[], score: (station: DemoStation) => number): DemoStation {
  let bestIndex = 0;
  for (let i = 1; i < free.length; i++) {
    if (score(free[i] as DemoStation) > score(free[bestIndex] as DemoStation)) bestIndex = i;
  }
  const [best] = free.splice(bestIndex, 1);
  if (!best) throw new Error('no free station left to plan');
  return best;
}
