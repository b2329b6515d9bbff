/**
 * The mission's finding categories by code, with their labels in each language (from its field kit), for every page
 * that names a category: the live page's feed, the wall's ticker and alert, the mission summary. Without the kit (not
 * loaded yet, or the read failed) a code is shown as words, which are English: the kit is what speaks the mission's
 * languages.
 */
import type { LocalizedText } from '../../../../shared/schemas/forms';
import type { ApiClient } from '../api';
import { categoryName, i18n } from '../i18n/i18n.svelte';

export class CategoryLabels {
  #labels = $state.raw(new Map<string, LocalizedText>());

  /** Reads the kit's categories; the returned function drops a read still under way (the page went). */
  load(api: ApiClient): () => void {
    let cancelled = false;
    api.forms().then(
      (kit) => {
        if (!cancelled) this.#labels = new Map(kit.findingCategories.map((c) => [c.id, c.label]));
      },
      // Nothing else depends on the labels: the codes as words stand in.
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }

  /** A category in the current language; read in a template, it follows both the kit and the language. */
  label = (code: string): string => {
    const label = this.#labels.get(code);
    return label === undefined ? categoryName(code) : i18n.text(label);
  };
}

export const categoryLabels = new CategoryLabels();
