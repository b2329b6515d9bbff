/**
 * The one i18n layer of the client (dashboard, wall display, field app): i18next with the four UI languages bundled
 * (no loading over the network: the field app must work offline), and a reactive current language so every `t(...)`
 * in a template re-renders when the language changes. Data texts (form questions, categories) come as LocalizedText and
 * go through `text(...)`, with English as the fallback.
 */
import i18next from 'i18next';
import { LANGUAGES, type Language, type LocalizedText } from '../../../../shared/schemas/forms';
import { az } from './locales/az';
import { en } from './locales/en';
import { ky } from './locales/ky';
import { ru } from './locales/ru';

export { LANGUAGES, type Language };

const STORAGE_KEY = 'vigil.language';

export const MESSAGES = { en, ru, az, ky } as const;

const instance = i18next.createInstance();
void instance.init({
  resources: Object.fromEntries(LANGUAGES.map((lang) => [lang, { translation: MESSAGES[lang] }])),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  // Svelte escapes what it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The saved choice, else the browser's first language we have, else English. */
function initialLanguage(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage disabled: fall through to the browser's languages.
  }
  for (const tag of globalThis.navigator?.languages ?? []) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** Every dotted path to a text in English: a key that is not one fails the type check, a typo included. */
type KeyPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : KeyPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = KeyPaths<typeof en>;

class I18n {
  language = $state<Language>(initialLanguage());

  /** A UI message in the current language; reading it in a template subscribes to language changes. */
  t = (key: MessageKey, values?: Record<string, string | number>): string =>
    instance.t(key, { ...values, lng: this.language });

  /** A mission's own text (a form question, a category) in the current language, English when it has none. */
  text = (value: LocalizedText | undefined): string => (value ? (value[this.language] ?? value.en) : '');

  /** Switch every t(...) to `language`; remembered for the next visit unless `remember` is false (a wall's mission language). */
  setLanguage(language: Language, { remember = true }: { remember?: boolean } = {}): void {
    this.language = language;
    if (remember) {
      try {
        globalThis.localStorage?.setItem(STORAGE_KEY, language);
      } catch {
        // Without storage the choice lasts for this page.
      }
    }
    if (typeof document !== 'undefined') document.documentElement.lang = language;
  }
}

export const i18n = new I18n();
export const t = i18n.t;

/** A finding category code as words ("ballot_stuffing" → "Ballot stuffing"), where the mission's own label is not at hand. */
export function categoryName(code: string): string {
  const words = code.replace(/[_.:-]+/g, ' ').trim();
  return words === '' ? code : words.charAt(0).toLocaleUpperCase('en') + words.slice(1);
}
