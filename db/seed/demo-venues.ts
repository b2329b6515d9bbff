/**
 * Plausible, synthetic polling-station venues and addresses for the Bishkek demo. Venue types follow what Bishkek
 * uses (schools above all, then kindergartens, gymnasiums, universities, cultural centres); numbers, houses and the
 * pairing of venue and street are invented.
 */
import type { SeededRandom } from './seeded-random';

/** Main streets, for addresses that read as real. */
export const BISHKEK_STREETS = [
  'Chui Ave',
  'Zhibek-Zholu Ave',
  'Manas Ave',
  'Mira Ave',
  'Aitmatov Ave',
  'Abdrakhmanov St',
  'Baitik-Baatyr St',
  'Togolok Moldo St',
  'Akhunbaev St',
  'Kurmanjan Datka St',
  'Ibraimov St',
  'Moskovskaya St',
  'Kievskaya St',
  'Frunze St',
] as const;

const HIGHEST_HOUSE_NUMBER = 260;

/** Institutions that exist once in the city, so each may host one station of the demo. */
const UNIQUE_VENUES = [
  'Kyrgyz-Turkish Manas University',
  'Kyrgyz National University',
  'Kyrgyz-Russian Slavic University',
  'Kyrgyz State Technical University',
  'Kyrgyz State Medical Academy',
  'Kyrgyz National Agrarian University',
  'Bishkek State University',
  'International University of Kyrgyzstan',
  'Kyrgyz State University of Construction',
  'Cultural Centre "Manas"',
  'Cultural Centre "Ala-Too"',
  'House of Culture "Kelechek"',
  'House of Culture "Asanbai"',
  'Youth Centre "Umut"',
  'Sports Palace "Kozhomkul"',
  'Residents\' Council "Dzhal"',
  'Residents\' Council "Tunguch"',
  'Residents\' Council "Vostok-5"',
  'Residents\' Council "Kok-Zhar"',
  'Residents\' Council "Uchkun"',
];

interface NumberedVenueKind {
  label: string;
  highestNumber: number;
}

/** Numbered venue kinds, weighted roughly as polling stations are spread over them. */
const NUMBERED_VENUE_KINDS: readonly { value: NumberedVenueKind; weight: number }[] = [
  { value: { label: 'School', highestNumber: 110 }, weight: 48 },
  { value: { label: 'Secondary School', highestNumber: 110 }, weight: 8 },
  { value: { label: 'Gymnasium', highestNumber: 40 }, weight: 10 },
  { value: { label: 'Lyceum', highestNumber: 30 }, weight: 5 },
  { value: { label: 'Kindergarten', highestNumber: 180 }, weight: 12 },
  { value: { label: 'Vocational Lyceum', highestNumber: 20 }, weight: 2 },
  { value: { label: 'Music School', highestNumber: 10 }, weight: 2 },
  { value: { label: 'Sports School', highestNumber: 12 }, weight: 2 },
];

const UNIQUE_VENUE_SHARE = 0.08;
const ATTEMPTS_PER_NAME = 50;

export interface Venue {
  name: string;
  address: string;
}

/** Hands out venues with distinct names (and so distinct name-and-address pairs) for one mission. */
export class VenueNamer {
  private readonly usedNames = new Set<string>();
  private readonly uniqueVenuesLeft: string[];

  constructor(private readonly random: SeededRandom) {
    this.uniqueVenuesLeft = [...UNIQUE_VENUES];
  }

  next(): Venue {
    return { name: this.nextName(), address: this.nextAddress() };
  }

  private nextName(): string {
    if (this.uniqueVenuesLeft.length > 0 && this.random.chance(UNIQUE_VENUE_SHARE)) {
      const index = this.random.int(0, this.uniqueVenuesLeft.length - 1);
      const [name] = this.uniqueVenuesLeft.splice(index, 1);
      if (name) return this.claim(name);
    }
    for (let attempt = 0; attempt < ATTEMPTS_PER_NAME; attempt++) {
      const kind = this.random.pickWeighted(NUMBERED_VENUE_KINDS);
      const name = `${kind.label} No. ${this.random.int(1, kind.highestNumber)}`;
      if (!this.usedNames.has(name)) return this.claim(name);
    }
    // Only reached once the numbered kinds are nearly used up: count on past them rather than repeat a name.
    let number = 1;
    while (this.usedNames.has(`School No. ${number}`)) number++;
    return this.claim(`School No. ${number}`);
  }

  private claim(name: string): string {
    this.usedNames.add(name);
    return name;
  }

  private nextAddress(): string {
    return `${this.random.pick(BISHKEK_STREETS)} ${this.random.int(1, HIGHEST_HOUSE_NUMBER)}`;
  }
}
