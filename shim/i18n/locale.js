// Which language the widget speaks, pure: the first of
//
//     the shop's locale option  ->  <html lang>  ->  navigator.languages  ->  en
//
// that has a catalogue. The full tag the candidate came with (de-AT, ar-EG)
// is kept for Intl formatting; the catalogue is chosen by its language.

export const RTL_LANGUAGES = ['ar', 'fa', 'he', 'ur', 'ps', 'yi', 'dv', 'ckb'];

const language = (tag) => String(tag).toLowerCase().split(/[-_]/)[0];

// available: catalogue names (['en', 'de', 'ar']). Returns
// {catalogue: 'de', tag: 'de-AT', dir: 'ltr' | 'rtl'}.
export function resolveLocale({ configured = '', htmlLang = '', languages = [], available = ['en'] } = {}) {
  const candidates = [configured, htmlLang, ...languages].filter((t) => typeof t === 'string' && t.trim());
  for (const raw of candidates) {
    const tag = raw.trim().replace(/_/g, '-');
    const lang = language(tag);
    if (!available.includes(lang)) continue;
    let canonical = lang;
    try {
      canonical = Intl.getCanonicalLocales(tag)[0];
    } catch { /* a malformed tag: the language alone */ }
    return { catalogue: lang, tag: canonical, dir: RTL_LANGUAGES.includes(lang) ? 'rtl' : 'ltr' };
  }
  return { catalogue: 'en', tag: 'en', dir: 'ltr' };
}

// The catalogues a release ships: 'en' (in the core bundle) and every
// i18n_<locale> file in the manifest.
export function availableCatalogues(manifest) {
  const names = Object.keys(manifest?.files ?? {}).filter((k) => k.startsWith('i18n_')).map((k) => k.slice(5));
  return ['en', ...names];
}
