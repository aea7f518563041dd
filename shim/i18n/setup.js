// Picks the widget's language at start and returns its translator
// (i18n/translate.js): the locale from the shop's option, <html lang>,
// navigator.languages, else English; a non-English catalogue is downloaded
// first (i18n/load.js). A catalogue that cannot be loaded is reported once
// and the widget speaks English (with the shop's string overrides).
//
// Returns {t, locale: {catalogue, tag, dir}}.

import { resolveLocale, availableCatalogues } from './locale.js';
import { loadCatalogue } from './load.js';
import { createTranslator } from './translate.js';

export async function setupLanguage({ options, strings, manifest, base, doc = document, nav = navigator, console, natter }) {
  let locale = resolveLocale({
    configured: options.locale,
    htmlLang: doc.documentElement.getAttribute('lang') || '',
    languages: nav.languages?.length ? [...nav.languages] : [nav.language],
    available: availableCatalogues(manifest),
  });
  let table = {};
  try {
    table = await loadCatalogue({ locale: locale.catalogue, manifest, base, doc, natter });
  } catch (err) {
    console.warn(`[natter] ${err.message}; speaking English`);
    locale = { catalogue: 'en', tag: 'en', dir: 'ltr' };
  }
  return { t: createTranslator({ table, overrides: strings, tag: locale.tag }), locale };
}
