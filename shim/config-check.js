// The whole embedding configuration, checked before anything starts
// (docs/theming.md, "Invalid configuration"). Three sources, one precedence:
//
//     natter('init', {...})  >  <natter-widget> attributes  >  script data-*  >  defaults
//
// A configuration is INVALID when a key is unknown, an init value has the
// wrong type, the endpoint is not an http(s) URL, or an enum / release name
// is malformed. Then the widget is not shown at all (shim/boot.js): one
// console.error names every bad key, rather than a widget that half works.
// Values that are well-typed but unusable (a colour the theme cannot parse,
// a low-contrast pair, an offset out of range) are NOT invalid: the theme
// warns and falls back (shim/theme/options.js, shim/theme/contrast.js).
//
// Pure: returns a list of problems (strings), empty when the embed is valid.

import { OPTIONS, dashed } from './theme/options.js';
import { TRANSPORTS } from './config.js';

// A version or channel names a folder or file (web/loader/resolve-release.js).
const RELEASE_NAME = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;

// name (as in natter('init') and element.dataset): rule.
//   types: what an init value may be (attributes are always strings)
//   oneOf: the allowed values; url: an http(s) URL or empty; name: a release name
//   initOnly: not settable from an attribute
const STRING = ['string'];
export const KEYS = {
  endpoint: { types: STRING, url: true },
  transport: { types: STRING, oneOf: TRANSPORTS },
  // The shop's own token endpoint (docs/deploying.md, "Tokens without secrets in the page").
  tokenUrl: { types: STRING, url: true },
  // "off": product cards have no Save toggle (wasm/src/chat/saved_products.hpp).
  saveProducts: { types: STRING, oneOf: ['on', 'off'] },
  // "multiple": several conversations per shopper, with a list to switch
  // between (wasm/src/chat/conversation_list.hpp); "single" (default): one.
  conversations: { types: STRING, oneOf: ['single', 'multiple'] },
  // When the page context is first read (shim/page-context.js): once the
  // shopper opens the panel ("open", default) or at once ("page-load").
  context: { types: STRING, oneOf: ['open', 'page-load'] },
  // "on": the page context's path keeps its query and fragment.
  contextQuery: { types: STRING, oneOf: ['on', 'off'] },
  version: { types: STRING, name: true },
  channel: { types: STRING, name: true },
  accent: { types: STRING },
  accentText: { types: STRING },
  text: { types: STRING },
  radius: { types: ['string', 'number'] },
  fontFamily: { types: STRING },
  position: { types: STRING, oneOf: ['bottom-right', 'bottom-left'] },
  offsetX: { types: ['number', 'string'] },
  offsetY: { types: ['number', 'string'] },
  launcherLabel: { types: STRING },
  agentName: { types: STRING },
  greeting: { types: STRING },
  title: { types: STRING },
  colorScheme: { types: STRING, oneOf: ['auto', 'light', 'dark'] },
  locale: { types: STRING },
  strings: { types: ['object'], initOnly: true },
};
// Every look option must have a rule (a new theme option cannot slip past).
for (const name of Object.keys(OPTIONS)) if (!KEYS[name]) throw new Error(`config-check: no rule for option ${name}`);

// Attributes on <natter-widget> that are not ours but belong to the page:
// global HTML attributes, and what frameworks stamp on every element
// (Vue's data-v-*, Angular's _ngcontent-*, aria-*).
// popover: set by shim/top-layer.js itself.
const ELEMENT_FOREIGN = /^(id|class|style|slot|part|hidden|lang|dir|tabindex|nonce|is|popover|data-.*|aria-.*|_.*|ng-.*)$/;
// data-* keys that well-known page tools put on any script tag: Cloudflare
// Rocket Loader, consent managers, Turbo, optimisation plugins.
const SCRIPT_FOREIGN = new Set([
  'cfasync', 'cookieconsent', 'cookiecategory', 'category', 'categories', 'usercentrics', 'iubPurposes',
  'turboTrack', 'turbolinksTrack', 'noOptimize', 'noptimize', 'noMinify', 'pagespeedNoDefer', 'ot-ignore', 'otIgnore',
]);

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const quote = (v) => JSON.stringify(v);
const article = (type) => (/^[aeiou]/.test(type) ? 'an ' : 'a ') + type;
const initOnly = (label) => `${label} can only be given to natter('init')`;

// Levenshtein distance, for "did you mean".
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

// The known key closest to `name` (ignoring case, dashes and underscores),
// when it is close enough to be a typo; else null.
export function suggest(name) {
  const flat = (s) => s.toLowerCase().replace(/[-_]/g, '');
  let best = null;
  let bestDistance = 3; // at most two edits
  for (const known of Object.keys(KEYS)) {
    const d = distance(flat(name), flat(known));
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

// Whether a (present, non-empty) value breaks its rule; returns the reason or null.
function badValue(rule, value, pageUrl) {
  if (typeof value !== 'string') return null; // types are checked first
  const text = value.trim();
  if (text === '') return null;
  if (rule.oneOf && !rule.oneOf.includes(text)) return `must be one of ${rule.oneOf.map(quote).join(', ')}`;
  if (rule.name && !RELEASE_NAME.test(text)) return 'is not a release name';
  if (rule.url) {
    let url = null;
    try { url = new URL(text, pageUrl); } catch { /* reported below */ }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return 'must be an http(s) URL';
  }
  return null;
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// init: the merged natter('init', {...}) options; dataset: the script
// tag's data-* (as element.dataset); attributes: the <natter-widget>
// element's attributes ({name: value}, names as written: "accent-text"),
// or null without an element. pageUrl resolves a relative endpoint.
// Returns the problems, one string each, naming the key and the source.
export function checkConfig({ init = {}, dataset = {}, attributes = null, pageUrl }) {
  const problems = [];
  // label: where the key was; shown: the key as the shop wrote it; spell:
  // how a known name is written there (for the suggestion).
  const unknown = (label, name, shown, spell) => {
    const near = suggest(name);
    problems.push(`unknown ${label} ${quote(shown)}` + (near ? ` (did you mean ${quote(spell(near))}?)` : ''));
  };

  // natter('init', {...}): keys, types, values.
  const initKeys = Object.keys(init);
  if (initKeys.length && initKeys.every((k) => /^\d+$/.test(k))) {
    problems.push("natter('init', options) needs an object of options");
  } else {
    for (const name of initKeys) {
      const rule = Object.prototype.hasOwnProperty.call(KEYS, name) ? KEYS[name] : null;
      if (!rule) { unknown('init option', name, name, (n) => n); continue; }
      const value = init[name];
      if (value === undefined || value === null) continue; // unset: the next source down
      const type = typeOf(value);
      if (!rule.types.includes(type) || (type === 'number' && !Number.isFinite(value))) {
        const got = type === 'number' ? String(value) : type; // NaN, Infinity
        problems.push(`init option ${name} must be ${rule.types.map(article).join(' or ')}, got ${got}`);
        continue;
      }
      if (name === 'strings') {
        for (const [key, text] of Object.entries(value)) {
          if (typeof text !== 'string') problems.push(`init option strings[${quote(key)}] must be a string, got ${typeOf(text)}`);
        }
        continue;
      }
      const bad = badValue(rule, value, pageUrl);
      if (bad) problems.push(`init option ${name} ${quote(value)} ${bad}`);
    }
  }

  // The script tag's data-* attributes.
  for (const key of Object.keys(dataset)) {
    if (SCRIPT_FOREIGN.has(key)) continue;
    const rule = Object.prototype.hasOwnProperty.call(KEYS, key) ? KEYS[key] : null;
    if (rule?.initOnly) { problems.push(initOnly('data-' + dashed(key))); continue; }
    if (!rule) { unknown('attribute', key, 'data-' + dashed(key), (n) => 'data-' + dashed(n)); continue; }
    const bad = badValue(rule, dataset[key], pageUrl);
    if (bad) problems.push(`data-${dashed(key)} ${quote(dataset[key])} ${bad}`);
  }

  // <natter-widget> attributes: the option names, dashed.
  for (const [attr, value] of Object.entries(attributes || {})) {
    if (ELEMENT_FOREIGN.test(attr)) continue;
    const name = camel(attr);
    const rule = attr === dashed(name) && Object.prototype.hasOwnProperty.call(KEYS, name) ? KEYS[name] : null;
    if (rule?.initOnly) { problems.push(initOnly(`<natter-widget> attribute "${attr}"`)); continue; }
    if (!rule) { unknown('<natter-widget> attribute', attr, attr, dashed); continue; }
    const bad = badValue(rule, value, pageUrl);
    if (bad) problems.push(`<natter-widget ${attr}=${quote(value)}> ${bad}`);
  }
  return problems;
}

// The one console line for an invalid configuration; `outcome` says what
// the widget does about it.
export function configError(problems, outcome = 'the widget is not shown') {
  return `[natter] configuration: ${problems.join('; ')} — ${outcome}`;
}

// A host element's attributes as {name: value} (names as written,
// lowercase in HTML); the loader's own host has none of ours.
export function hostAttributes(host) {
  const out = {};
  for (const { name, value } of host?.attributes ?? []) out[name] = value;
  return out;
}

// The tag's values as one dataset-like object: element attributes (camel
// case) over the script's data-*. What the theme and the connection read
// below init.
export function tagValues({ dataset = {}, attributes = null }) {
  const out = { ...dataset };
  for (const [attr, value] of Object.entries(attributes || {})) {
    if (!ELEMENT_FOREIGN.test(attr)) out[camel(attr)] = value;
  }
  return out;
}

// The connection keys (endpoint, transport, tokenUrl, saveProducts, conversations) with the full precedence, as
// the dataset shape shim/config.js reads; `defaults` (config.js
// envDefaults) are the bottom of it.
export function connectionValues({ init = {}, dataset = {}, attributes = null }, defaults = {}) {
  const out = { ...defaults, ...tagValues({ dataset, attributes }) };
  for (const key of ['endpoint', 'transport', 'tokenUrl', 'saveProducts', 'conversations', 'context', 'contextQuery']) if (typeof init[key] === 'string') out[key] = init[key];
  return out;
}
