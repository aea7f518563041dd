// The shop's look-and-language options, from natter('init', {...}) and the
// loader tag's data-* attributes, with the precedence
//
//     init  >  data-*  >  defaults
//
// Pure: returns the options and a list of problems (one console warning
// each, printed by the caller). A value that is well-typed but unusable (a
// colour or length the theme cannot parse) is reported and replaced by the
// next source down; it never stops the widget. Unknown keys, wrong types
// and bad enums are refused earlier, for the whole widget, by
// shim/config-check.js. docs/theming.md lists every option.

// name: [data-* key as in element.dataset, default]
export const OPTIONS = {
  accent: ['accent', '#2557d6'],
  accentText: ['accentText', '#ffffff'],
  text: ['text', ''], // '' = the scheme's own text colour
  radius: ['radius', '16px'],
  fontFamily: ['fontFamily', ''], // '' = inherit the page's font
  position: ['position', 'bottom-right'],
  offsetX: ['offsetX', 20],
  offsetY: ['offsetY', 20],
  launcherLabel: ['launcherLabel', ''], // '' = the catalogue's "Open chat", icon only
  agentName: ['agentName', ''],
  greeting: ['greeting', ''],
  title: ['title', ''],
  colorScheme: ['colorScheme', 'auto'],
  locale: ['locale', ''], // '' = <html lang>, then navigator.language, then en
};

const POSITIONS = ['bottom-right', 'bottom-left'];
const SCHEMES = ['auto', 'light', 'dark'];
const TEXT_LIMIT = { launcherLabel: 40, agentName: 40, greeting: 300, title: 60 };

// Values end up inside a CSS rule: only plain colour and length syntax and
// font names pass (no ; { } < \ or url()).
const COLOR = /^(#[0-9a-f]{3}|#[0-9a-f]{6}|rgba?\([\d\s.,/%]+\))$/i;
const LENGTH = /^\d{1,3}(\.\d+)?(px|rem|em)?$/;
const FONT = /^[\w\s"',.-]{1,200}$/;
const LOCALE = /^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/i;

function check(name, raw) {
  if (typeof raw === 'string') raw = raw.trim();
  switch (name) {
    case 'accent': case 'accentText': case 'text':
      return COLOR.test(raw) ? raw.toLowerCase() : undefined;
    case 'radius':
      if (typeof raw === 'number' && raw >= 0 && raw <= 999) return `${raw}px`;
      return LENGTH.test(raw) ? (/\d$/.test(raw) ? `${raw}px` : raw) : undefined;
    case 'fontFamily':
      return FONT.test(raw) && !/url\(/i.test(raw) ? raw : undefined;
    case 'position':
      return POSITIONS.includes(raw) ? raw : undefined;
    case 'colorScheme':
      return SCHEMES.includes(raw) ? raw : undefined;
    case 'offsetX': case 'offsetY': {
      const n = typeof raw === 'number' ? raw : raw === '' ? NaN : Number(raw);
      return Number.isFinite(n) && n >= 0 && n <= 400 ? Math.round(n) : undefined;
    }
    case 'locale':
      return LOCALE.test(raw) ? raw.replace('_', '-') : undefined;
    default: // the free texts
      return typeof raw === 'string' && raw ? raw.slice(0, TEXT_LIMIT[name]) : undefined;
  }
}

// init: the merged natter('init', {...}) objects (or {}); dataset: the
// loader tag's data-* copy. Returns {options, strings, problems}; strings
// are the shop's catalogue overrides (init only: {key: text}).
// An option's name as an attribute: accentText -> accent-text (config-check.js too).
export const dashed = (name) => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export function resolveOptions({ init = {}, dataset = {} } = {}) {
  const options = {};
  const problems = [];
  for (const [name, [dataKey, fallback]] of Object.entries(OPTIONS)) {
    options[name] = fallback;
    for (const [source, raw, label] of [
      ['data', dataset[dataKey], `data-${dashed(dataKey)}`],
      ['init', init[name], `init option ${name}`],
    ]) {
      if (raw === undefined || raw === null || raw === '') continue;
      const value = check(name, raw);
      if (value === undefined) problems.push(`${label} ${JSON.stringify(raw)} is not valid; using ${JSON.stringify(options[name])}`);
      else options[name] = value;
    }
  }
  const strings = {};
  if (init.strings !== undefined) {
    if (init.strings && typeof init.strings === 'object') {
      for (const [key, text] of Object.entries(init.strings)) {
        if (typeof text === 'string') strings[key] = text;
        else problems.push(`init option strings.${key} must be a string`);
      }
    } else {
      problems.push('init option strings must be an object of {key: text}');
    }
  }
  return { options, strings, problems };
}

// The natter('init', {...}) calls in the loader's queue, merged in order
// (later calls win). Used by the core at start; the loader applies the
// launcher's own options the same way.
export function mergeInit(calls) {
  const out = {};
  for (const args of calls) {
    if (args[0] === 'init' && args[1] && typeof args[1] === 'object') Object.assign(out, args[1]);
  }
  return out;
}
