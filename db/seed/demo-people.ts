/**
 * Synthetic observers for the demo: a Turkic-states / CIS style mission whose delegation is mostly Azerbaijani, with
 * colleagues from Kyrgyzstan, Kazakhstan, Uzbekistan, Russia and Türkiye. Every name is a random pairing of a common given
 * name and a common surname, so any likeness to a real person is coincidental; phone numbers are random.
 */
import type { SeededRandom } from './seeded-random';

interface Nationality {
  /** Languages a member of this nationality is assumed to work in (ISO 639-1). */
  languages: readonly string[];
  male: readonly string[];
  female: readonly string[];
  /** Surnames as [masculine, feminine]; identical where the language does not inflect them. */
  surnames: readonly (readonly [string, string])[];
}

function inflected(...stems: string[]): (readonly [string, string])[] {
  return stems.map((stem) => [stem, `${stem}a`] as const);
}

const NATIONALITIES = {
  azerbaijani: {
    languages: ['az', 'ru'],
    male: ['Elvin', 'Rashad', 'Tural', 'Farid', 'Orkhan', 'Kamran', 'Ilgar', 'Emin', 'Vusal', 'Anar'],
    female: ['Aynur', 'Leyla', 'Gunel', 'Sevinj', 'Nigar', 'Aytan', 'Konul', 'Narmin', 'Lala', 'Sabina'],
    surnames: inflected(
      'Mammadov',
      'Huseynov',
      'Hasanov',
      'Guliyev',
      'Ismayilov',
      'Rzayev',
      'Babayev',
      'Jafarov',
      'Abbasov',
    ),
  },
  kyrgyz: {
    languages: ['ky', 'ru'],
    male: ['Azamat', 'Bakyt', 'Nurlan', 'Talant', 'Kanat', 'Erlan', 'Ulan', 'Adilet', 'Bektur'],
    female: ['Aizhan', 'Cholpon', 'Zhyldyz', 'Begimai', 'Meerim', 'Aida', 'Elnura', 'Nazira'],
    surnames: inflected('Abdyldaev', 'Asanov', 'Toktogulov', 'Sydykov', 'Zhumabaev', 'Osmonov', 'Usenov', 'Imanaliev'),
  },
  kazakh: {
    languages: ['kk', 'ru'],
    male: ['Arman', 'Askar', 'Daniyar', 'Nurbol', 'Marat', 'Zhanibek', 'Yerlan', 'Daulet'],
    female: ['Aruzhan', 'Dana', 'Saule', 'Zhanar', 'Madina', 'Assel', 'Dinara', 'Gaukhar'],
    surnames: inflected('Akhmetov', 'Omarov', 'Kassymov', 'Zhaksylykov', 'Serikbayev', 'Bekov', 'Iskakov', 'Sultanov'),
  },
  uzbek: {
    languages: ['uz', 'ru'],
    male: ['Bobur', 'Jasur', 'Sardor', 'Otabek', 'Dilshod', 'Rustam', 'Farrukh', 'Sherzod'],
    female: ['Dilnoza', 'Nodira', 'Gulnoza', 'Malika', 'Feruza', 'Shahnoza', 'Zarina', 'Kamola'],
    surnames: inflected('Yusupov', 'Rakhimov', 'Tursunov', 'Nazarov', 'Saidov', 'Ergashev', 'Kholmatov', 'Abdullaev'),
  },
  russian: {
    languages: ['ru'],
    male: ['Aleksei', 'Dmitry', 'Sergei', 'Andrei', 'Ivan', 'Mikhail', 'Pavel', 'Nikolai'],
    female: ['Anna', 'Elena', 'Olga', 'Natalia', 'Tatiana', 'Irina', 'Maria', 'Svetlana'],
    surnames: inflected('Ivanov', 'Smirnov', 'Kuznetsov', 'Popov', 'Sokolov', 'Volkov', 'Morozov', 'Orlov'),
  },
  turkish: {
    languages: ['tr', 'en'],
    male: ['Emre', 'Murat', 'Burak', 'Kerem', 'Onur', 'Serkan', 'Mehmet', 'Can'],
    female: ['Elif', 'Zeynep', 'Ayşe', 'Derya', 'Selin', 'Esra', 'Merve', 'Ebru'],
    surnames: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Aydın', 'Öztürk', 'Arslan'].map((s) => [s, s] as const),
  },
} satisfies Record<string, Nationality>;

type NationalityName = keyof typeof NATIONALITIES;

/** The delegation that founded the scenario is Azerbaijani, so most teams have an Azerbaijani member. */
const FIRST_MEMBER_NATIONALITY = [
  { value: 'azerbaijani', weight: 6 },
  { value: 'kazakh', weight: 1 },
  { value: 'uzbek', weight: 1 },
  { value: 'turkish', weight: 1 },
] as const satisfies readonly { value: NationalityName; weight: number }[];

/** The second member is often a local or Russian-speaking colleague who knows the city. */
const SECOND_MEMBER_NATIONALITY = [
  { value: 'kyrgyz', weight: 4 },
  { value: 'russian', weight: 2 },
  { value: 'kazakh', weight: 1 },
  { value: 'uzbek', weight: 1 },
  { value: 'azerbaijani', weight: 1 },
] as const satisfies readonly { value: NationalityName; weight: number }[];

/** Kyrgyz mobile prefixes that begin with 5. */
const MOBILE_PREFIXES = ['500', '502', '505', '507', '508', '550', '551', '552', '554', '555', '556', '557', '559'];
/** Order in which a team's languages are listed: the mission's working languages first. */
const LANGUAGE_ORDER = ['en', 'ru', 'az', 'ky', 'kk', 'uz', 'tr'];
const ENGLISH_SPEAKER_SHARE = 0.4;
const ATTEMPTS_PER_PERSON = 100;

export interface ObserverPair {
  members: [string, string];
  languages: string[];
  phone: string;
}

/** Hands out two-person teams with distinct names and phone numbers. */
export class ObserverRoster {
  private readonly usedNames = new Set<string>();
  private readonly usedPhones = new Set<string>();

  constructor(private readonly random: SeededRandom) {}

  nextPair(): ObserverPair {
    const first = this.random.pickWeighted(FIRST_MEMBER_NATIONALITY);
    const second = this.random.pickWeighted(SECOND_MEMBER_NATIONALITY);
    const languages = new Set([...NATIONALITIES[first].languages, ...NATIONALITIES[second].languages]);
    if (this.random.chance(ENGLISH_SPEAKER_SHARE)) languages.add('en');
    return {
      members: [this.nextName(first), this.nextName(second)],
      languages: [...languages].sort((a, b) => LANGUAGE_ORDER.indexOf(a) - LANGUAGE_ORDER.indexOf(b)),
      phone: this.nextPhone(),
    };
  }

  private nextName(nationalityName: NationalityName): string {
    const nationality: Nationality = NATIONALITIES[nationalityName];
    for (let attempt = 0; attempt < ATTEMPTS_PER_PERSON; attempt++) {
      const isFemale = this.random.chance(0.5);
      const given = this.random.pick(isFemale ? nationality.female : nationality.male);
      const [masculine, feminine] = this.random.pick(nationality.surnames);
      const name = `${given} ${isFemale ? feminine : masculine}`;
      if (!this.usedNames.has(name)) {
        this.usedNames.add(name);
        return name;
      }
    }
    throw new Error(`ran out of distinct ${nationalityName} names`);
  }

  private nextPhone(): string {
    for (;;) {
      const digits = String(this.random.int(0, 999_999)).padStart(6, '0');
      const phone = `+996 ${this.random.pick(MOBILE_PREFIXES)} ${digits.slice(0, 3)} ${digits.slice(3)}`;
      if (!this.usedPhones.has(phone)) {
        this.usedPhones.add(phone);
        return phone;
      }
    }
  }
}
