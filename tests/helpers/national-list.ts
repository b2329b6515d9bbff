/**
 * Synthetic national station lists, shaped like what a commission hands over (never real data): numbering that
 * restarts in each district, headers that need mapping, a share without coordinates, diacritics, quoted commas,
 * and a few positions at 0,0 or far outside the mission's area.
 */
import { SeededRandom } from '../../db/seed/seeded-random';

export interface NationalListOptions {
  stations: number;
  districts?: number;
  /** Share of stations without coordinates. */
  unplacedShare?: number;
  /** Where placed stations go: [[west, south], [east, north]]. */
  bounds: [[number, number], [number, number]];
  /** How many stations get 0,0 and how many a point far outside `bounds`. */
  zeroPoints?: number;
  farPoints?: number;
  /** How many regions (counties) group the districts, in turn; 0 leaves the region column blank (a list with no such level). */
  regions?: number;
  seed?: number;
}

/** The headers of the generated file: none is one Vigil knows, so the import needs the mapping below. */
export const NATIONAL_HEADERS = [
  'Nr. secție',
  'Județ',
  'Localitate',
  'Denumire',
  'Adresă',
  'Latitudine',
  'Longitudine',
  'Alegători',
] as const;
export const NATIONAL_MAPPING = {
  number: 'Nr. secție',
  region: 'Județ',
  district: 'Localitate',
  name: 'Denumire',
  address: 'Adresă',
  lat: 'Latitudine',
  lng: 'Longitudine',
  registeredVoters: 'Alegători',
} as const;

const STREETS = [
  'Strada Mihai Eminescu',
  'Bulevardul Ștefan cel Mare',
  'Calea Victoriei',
  'Strada Ion Creangă',
  'Piața Unirii',
];
const VENUES = ['Școala Gimnazială', 'Liceul Teoretic', 'Grădinița', 'Căminul Cultural', 'Primăria'];

export interface NationalList {
  csv: string;
  /** Expected facts, for assertions. */
  districts: string[];
  /** Each district's region (null without a region level), by district name. */
  regionOf: Map<string, string | null>;
  regions: string[];
  unplaced: number;
  zeroPoints: number;
  farPoints: number;
}

const ROMAN: [number, string][] = [
  [100, 'C'],
  [90, 'XC'],
  [50, 'L'],
  [40, 'XL'],
  [10, 'X'],
  [9, 'IX'],
  [5, 'V'],
  [4, 'IV'],
  [1, 'I'],
];
function roman(n: number): string {
  let out = '';
  for (const [value, letters] of ROMAN) for (; n >= value; n -= value) out += letters;
  return out;
}

/**
 * District names as hard as real ones: Roman-numeral sectors that prefix one another ("Sector I", "Sector II", "Sector
 * III"), diacritics, and names with commas and quotes that a CSV must quote. Always unique.
 */
const PLACES = [
  'Sfântu Gheorghe',
  'Târgu Mureș',
  'Râmnicu Vâlcea',
  'Călărași',
  'Brașov',
  'Piatra-Neamț',
  'Bistrița',
  'Săcele',
  'Ștefănești',
  'Țăndărei',
  'Iași',
  'Făgăraș',
  'Mioveni',
  'Bârlad',
];
export function districtName(i: number): string {
  if (i % 3 === 0) return `Sector ${roman(Math.floor(i / 3) + 1)}`;
  const place = PLACES[i % PLACES.length]!;
  const round = Math.floor(i / PLACES.length);
  if (i % 3 === 1) return `Comuna ${place}${round > 0 ? ` ${roman(round + 1)}` : ''}`;
  return `Orașul ${place}, cartierul "${roman(round + 1)}"`;
}

function cell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function nationalList(options: NationalListOptions): NationalList {
  const {
    stations,
    districts = 40,
    unplacedShare = 0.3,
    bounds,
    zeroPoints = 3,
    farPoints = 3,
    regions = 8,
    seed = 2026,
  } = options;
  const random = new SeededRandom(seed, 'national-list');
  const [[west, south], [east, north]] = bounds;
  const districtNames = Array.from({ length: districts }, (_, i) => districtName(i));
  if (new Set(districtNames).size !== districts) throw new Error('national list: district names repeat');
  const regionNames = Array.from({ length: regions }, (_, r) => `Județul ${r}`);
  const regionOf = new Map(districtNames.map((name, d) => [name, regions === 0 ? null : regionNames[d % regions]!]));
  const centres = districtNames.map(() => ({
    lat: random.between(south + (north - south) * 0.2, north - (north - south) * 0.2),
    lng: random.between(west + (east - west) * 0.2, east - (east - west) * 0.2),
  }));
  const lines = [NATIONAL_HEADERS.map(cell).join(',')];
  let unplaced = 0;
  for (let i = 0; i < stations; i++) {
    const d = i % districts;
    const number = Math.floor(i / districts) + 1;
    const street = STREETS[i % STREETS.length]!;
    const venue = VENUES[i % VENUES.length]!;
    let lat: number | null = null;
    let lng: number | null = null;
    if (i < zeroPoints) {
      lat = 0;
      lng = 0;
    } else if (i < zeroPoints + farPoints) {
      lat = -33.86 + i * 0.01; // Sydney: another continent
      lng = 151.2;
    } else if (random.chance(unplacedShare)) {
      unplaced += 1;
    } else {
      lat = Math.round((centres[d]!.lat + random.between(-0.01, 0.01)) * 1e6) / 1e6;
      lng = Math.round((centres[d]!.lng + random.between(-0.01, 0.01)) * 1e6) / 1e6;
    }
    lines.push(
      [
        number,
        regionOf.get(districtNames[d]!) ?? '',
        districtNames[d]!,
        i % 7 === 0 ? '' : `${venue} nr. ${number}`,
        `${street} ${number}, bloc ${d}, scara "B"`,
        lat,
        lng,
        random.int(300, 2500),
      ]
        .map(cell)
        .join(','),
    );
  }
  return {
    csv: lines.join('\n') + '\n',
    districts: districtNames,
    regionOf,
    regions: regionNames,
    unplaced,
    zeroPoints,
    farPoints,
  };
}
