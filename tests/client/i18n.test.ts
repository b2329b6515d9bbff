/** The four UI languages say the same things: same keys, nothing empty, the same {{placeholders}}. */
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/lib/i18n/locales/en';
import { ru } from '../../client/src/lib/i18n/locales/ru';
import { az } from '../../client/src/lib/i18n/locales/az';
import { ky } from '../../client/src/lib/i18n/locales/ky';
import { i18n } from '../../client/src/lib/i18n/i18n.svelte';
import { STATION_STATE_NAMES } from '../../client/src/lib/i18n/en';

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
  it.each([['ru', ru], ['az', az], ['ky', ky]] as const)('%s has every English key, none empty, with the same placeholders', (_name, messages) => {
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
    expect(i18n.t('field.plan.title')).toBe('Today\'s plan');
  });

  it('keeps the dashboard\'s English names where they were', () => {
    expect(STATION_STATE_NAMES.never_visited).toBe('Never visited');
  });
});
