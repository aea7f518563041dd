// t(key, vars): a catalogue lookup with the shop's overrides on top and
// English underneath (a key missing from a catalogue shows English, never
// the key), plus Intl formatting for the active locale.
//
//   const t = createTranslator({ table, overrides, tag });
//   t('delivery.failedDetail', { detail })   "Failed: timeout"
//   t.price('49.99', 'GBP')                  "£49.99" (en-GB)
//   t.time(date)                             "14:05"

import en from './en.js';

export function fill(text, vars = {}) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

// table: the active catalogue ({} or en for English); overrides: the shop's
// strings option; tag: the BCP 47 tag for Intl.
export function createTranslator({ table = en, overrides = {}, tag = 'en' } = {}) {
  const merged = { ...en, ...table, ...overrides };
  const t = (key, vars) => fill(key in merged ? merged[key] : key, vars);
  t.tag = tag;
  t.has = (key) => key in merged;
  // Whether the text for `key` differs from the English catalogue's (a
  // translation or a shop override): core texts are only replaced then.
  t.custom = (key) => key in overrides || (table !== en && key in table);
  t.price = (price, currency) => {
    const amount = Number(price);
    if (price === '' || !Number.isFinite(amount)) return `${price} ${currency}`.trim();
    try {
      return new Intl.NumberFormat(tag, { style: 'currency', currency }).format(amount);
    } catch {
      return `${price} ${currency}`.trim();
    }
  };
  t.time = (date) => new Intl.DateTimeFormat(tag, { hour: 'numeric', minute: '2-digit' }).format(date);
  return t;
}
