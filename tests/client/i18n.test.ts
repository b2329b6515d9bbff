/** The four UI languages say the same things: same keys, nothing empty, the same {{placeholders}}. */
import { describe, expect, it, vi } from 'vitest';
import { en } from '../../client/src/lib/i18n/locales/en';
import { ru } from '../../client/src/lib/i18n/locales/ru';
import { az } from '../../client/src/lib/i18n/locales/az';
import { ky } from '../../client/src/lib/i18n/locales/ky';
import { categoryName, i18n } from '../../client/src/lib/i18n/i18n.svelte';

function leaves(tree: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value as object, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('UI languages', () => {
  const reference = leaves(en);
  it('English itself has no empty text', () => {
    expect(reference.size).toBeGreaterThan(300);
    for (const [key, text] of reference) expect(text.trim(), key).not.toBe('');
  });

  it.each([
    ['ru', ru],
    ['az', az],
    ['ky', ky],
  ] as const)('%s has every English key, none empty, with the same placeholders', (_name, messages) => {
    const own = leaves(messages);
    expect([...own.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [key, text] of own) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(text), key).toEqual(placeholders(reference.get(key)!));
    }
  });

  it('switches language for every caller of t() and falls back to English for data without a translation', () => {
    i18n.setLanguage('ky');
    expect(i18n.t('field.plan.title')).toBe('Бүгүнкү план');
    expect(i18n.t('field.status.waiting', { count: 3 })).toBe('Жөнөтүүнү күтүүдө: 3');
    expect(i18n.text({ en: 'Opening', ky: 'Ачылыш' })).toBe('Ачылыш');
    expect(i18n.text({ en: 'Opening' })).toBe('Opening');
    i18n.setLanguage('en');
    expect(i18n.t('field.plan.title')).toBe("Today's plan");
  });

  it('keeps the English wording the browser tests find, and speaks Russian on the map, the station list and the wall', () => {
    expect(i18n.t('stationState.never_visited')).toBe('Never visited');
    expect(i18n.t('stationList.count', { count: 230 })).toBe('230 stations');
    expect(i18n.t('eventType.finding_status')).toBe('Finding triaged');
    i18n.setLanguage('ru');
    expect(i18n.t('stationState.never_visited')).toBe('Не посещён');
    expect(i18n.t('stationPanel.yes')).toBe('Да');
    expect(i18n.t('wall.latestFindings')).toBe('Последние нарушения');
    i18n.setLanguage('en');
  });

  it("a wall's language is not remembered, a coordinator's choice is", () => {
    // Node has no Web Storage: lend the page's global one, the same interface the browser gives.
    const saved = new Map<string, string>();
    const localStorage = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => void saved.set(k, v),
    };
    vi.stubGlobal('localStorage', localStorage);
    i18n.setLanguage('az', { remember: false });
    expect(i18n.t('stationPanel.title')).toBe('Məntəqə');
    expect(localStorage.getItem('vigil.language')).toBeNull();
    i18n.setLanguage('ru');
    expect(localStorage.getItem('vigil.language')).toBe('ru');
    i18n.setLanguage('en');
    vi.unstubAllGlobals();
  });

  it("writes a category code as words when the mission's label is not at hand", () => {
    expect(categoryName('ballot_stuffing')).toBe('Ballot stuffing');
    expect(categoryName('__')).toBe('__');
  });
});
