// Where the shopper is, as it reaches the gateway with a turn: a chat POST
// body's `context` and a live session `msg` frame's `context` (docs/protocol.md,
// "Page and cart context"). Pure, and runs in the browser too: the widget's
// page watch (shim/page-context.js) checks with this very checker, so a
// well-behaved widget is never refused; a client that is not the widget
// gets a clear refusal, never a partial keep.
//
// checkContext(value) returns { ok: true, context } (context null: none) or
// { ok: false, message }. Absent (undefined) counts as null.
//
// The shape (every key optional, unknown keys refused):
//   page:     { path, title? }                  path starts with "/", no query or fragment
//                                               unless the shop allowed them (the widget decides)
//   product:  { id?, name?, sku?, brand?, price?, currency?, availability?, url? }
//   variant:  { id?, name? }
//   cart:     { items: [{ id?, name?, variant?, quantity, price? }], total?, currency? }
//   currency: ISO 4217, e.g. "GBP"
//   locale:   a language tag, e.g. "de-DE"
//   actions:  [{ name, description?, confirm, args? }]  what the page lets the agent do
//                                               (natter('action')); names unique; args maps
//                                               each argument's name to its type
// Agent-bound text is still untrusted: the shop's page wrote it, not the shop's staff.
import { nestsDeeperThan } from './json-depth.mjs';

export const CONTEXT_LIMITS = Object.freeze({
  bytes: 8 * 1024,   // the whole context as JSON
  text: 200,         // a name, title, brand, variant
  id: 128,           // an id or sku
  path: 512,
  url: 2048,
  cartItems: 50,
  quantity: 999,
  actions: 16,
  actionArgs: 16,    // arguments per action
});

// An action's name as the page declares it with natter('action', name, ...).
export const ACTION_NAME = /^[a-z][a-z0-9_]{0,39}$/;
// An action's argument: its name as the page's handler reads it, and the
// JSON type an agent must give (the whole of what a page declares: small
// enough to travel with every turn, plain enough to check).
export const ARG_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
export const ARG_TYPES = Object.freeze(['string', 'integer', 'number', 'boolean']);

export const AVAILABILITY = Object.freeze(['in_stock', 'out_of_stock', 'preorder', 'backorder', 'limited', 'discontinued']);

// C0 controls, DEL, C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PRICE = /^\d{1,9}(\.\d{1,4})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/;

// context > cart > items > item > (a scalar): 4 levels of objects and arrays.
const MAX_DEPTH = 4;

class Refused extends Error {}
const refuse = (message) => { throw new Refused(message); };
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function object(value, where, keys) {
  if (!isObject(value)) refuse(`${where} must be an object.`);
  const unknown = Object.keys(value).find((k) => !keys.includes(k));
  if (unknown !== undefined) refuse(`${where}: unknown key ${JSON.stringify(unknown.slice(0, 40))}.`);
  return value;
}

// A string field: trimmed, no control characters, at most `max` UTF-16
// units; empty or absent counts as not given (undefined).
function text(value, where, max) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') refuse(`${where} must be a string.`);
  const t = value.trim();
  if (CONTROL.test(t)) refuse(`${where} must not contain control characters.`);
  if (t.length > max) refuse(`${where} must be at most ${max} characters.`);
  return t === '' ? undefined : t;
}

function matching(value, where, pattern, what) {
  const t = text(value, where, 64);
  if (t !== undefined && !pattern.test(t)) refuse(`${where} must be ${what}.`);
  return t;
}

const price = (v, where) => matching(v, where, PRICE, 'a decimal string such as "49.99"');
const currency = (v, where) => matching(v, where, CURRENCY, 'an ISO 4217 code such as "GBP"');

function httpUrl(value, where) {
  const t = text(value, where, CONTEXT_LIMITS.url);
  if (t === undefined) return undefined;
  let url;
  try { url = new URL(t); } catch { refuse(`${where} must be an absolute http(s) URL.`); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(`${where} must be an absolute http(s) URL.`);
  return t;
}

// Drops the keys left undefined; null when nothing is left.
function compact(o) {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(out).length === 0 ? undefined : out;
}

function page(value) {
  const p = object(value, 'context.page', ['path', 'title']);
  const path = text(p.path, 'context.page.path', CONTEXT_LIMITS.path);
  if (path === undefined || !path.startsWith('/')) refuse('context.page.path must be a path starting with "/".');
  return compact({ path, title: text(p.title, 'context.page.title', CONTEXT_LIMITS.text) });
}

function product(value) {
  const p = object(value, 'context.product', ['id', 'name', 'sku', 'brand', 'price', 'currency', 'availability', 'url']);
  const availability = text(p.availability, 'context.product.availability', 40);
  if (availability !== undefined && !AVAILABILITY.includes(availability)) {
    refuse(`context.product.availability must be one of ${AVAILABILITY.join(', ')}.`);
  }
  return compact({
    id: text(p.id, 'context.product.id', CONTEXT_LIMITS.id),
    name: text(p.name, 'context.product.name', CONTEXT_LIMITS.text),
    sku: text(p.sku, 'context.product.sku', CONTEXT_LIMITS.id),
    brand: text(p.brand, 'context.product.brand', CONTEXT_LIMITS.text),
    price: price(p.price, 'context.product.price'),
    currency: currency(p.currency, 'context.product.currency'),
    availability,
    url: httpUrl(p.url, 'context.product.url'),
  });
}

function variant(value) {
  const v = object(value, 'context.variant', ['id', 'name']);
  return compact({ id: text(v.id, 'context.variant.id', CONTEXT_LIMITS.id), name: text(v.name, 'context.variant.name', CONTEXT_LIMITS.text) });
}

function cartItem(value, i) {
  const where = `context.cart.items[${i}]`;
  const item = object(value, where, ['id', 'name', 'variant', 'quantity', 'price']);
  if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > CONTEXT_LIMITS.quantity) {
    refuse(`${where}.quantity must be a whole number from 1 to ${CONTEXT_LIMITS.quantity}.`);
  }
  const out = compact({
    id: text(item.id, `${where}.id`, CONTEXT_LIMITS.id),
    name: text(item.name, `${where}.name`, CONTEXT_LIMITS.text),
    variant: text(item.variant, `${where}.variant`, CONTEXT_LIMITS.text),
    quantity: item.quantity,
    price: price(item.price, `${where}.price`),
  });
  if (out.id === undefined && out.name === undefined) refuse(`${where} needs an id or a name.`);
  return out;
}

function cart(value) {
  const c = object(value, 'context.cart', ['items', 'total', 'currency']);
  const items = c.items ?? [];
  if (!Array.isArray(items)) refuse('context.cart.items must be an array.');
  if (items.length > CONTEXT_LIMITS.cartItems) refuse(`context.cart.items holds at most ${CONTEXT_LIMITS.cartItems} lines.`);
  // An empty cart is worth saying ("your basket is empty"): items [] is kept.
  return { items: items.map(cartItem), ...compact({ total: price(c.total, 'context.cart.total'), currency: currency(c.currency, 'context.cart.currency') }) };
}

function actionArgs(value, where) {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) refuse(`${where} must be an object mapping each argument's name to its type.`);
  const names = Object.keys(value);
  if (names.length > CONTEXT_LIMITS.actionArgs) refuse(`${where} holds at most ${CONTEXT_LIMITS.actionArgs} arguments.`);
  for (const name of names) {
    if (!ARG_NAME.test(name)) refuse(`${where}: an argument's name must be letters, digits or _, at most 40 characters.`);
    if (!ARG_TYPES.includes(value[name])) refuse(`${where}.${name} must be one of ${ARG_TYPES.join(', ')}.`);
  }
  return names.length === 0 ? undefined : { ...value };
}

function action(value, i, seen) {
  const where = `context.actions[${i}]`;
  const a = object(value, where, ['name', 'description', 'confirm', 'args']);
  if (typeof a.name !== 'string' || !ACTION_NAME.test(a.name)) {
    refuse(`${where}.name must be lower_snake_case, at most 40 characters.`);
  }
  if (seen.has(a.name)) refuse(`${where}.name ${JSON.stringify(a.name)} is declared twice.`);
  seen.add(a.name);
  // Absent means the safe default: the shopper confirms first.
  if (a.confirm !== undefined && typeof a.confirm !== 'boolean') refuse(`${where}.confirm must be true or false.`);
  return {
    name: a.name,
    ...compact({ description: text(a.description, `${where}.description`, CONTEXT_LIMITS.text) }),
    confirm: a.confirm ?? true,
    ...compact({ args: actionArgs(a.args, `${where}.args`) }),
  };
}

function actions(value) {
  if (!Array.isArray(value)) refuse('context.actions must be an array.');
  if (value.length > CONTEXT_LIMITS.actions) refuse(`context.actions holds at most ${CONTEXT_LIMITS.actions} actions.`);
  const seen = new Set();
  // An empty list is kept: the page says it offers nothing.
  return value.map((a, i) => action(a, i, seen));
}

const SECTIONS = {
  page,
  product,
  variant,
  cart,
  currency: (v) => currency(v, 'context.currency'),
  locale: (v) => matching(v, 'context.locale', LOCALE, 'a language tag such as "de-DE"'),
  actions,
};

export function checkContext(value) {
  if (value === undefined || value === null) return { ok: true, context: null };
  try {
    const given = object(value, 'context', Object.keys(SECTIONS));
    // Depth first (a 30,000-deep array in a 64 KiB body would overflow
    // JSON.stringify's stack), then the size, before any field is read.
    if (nestsDeeperThan(given, MAX_DEPTH)) refuse(`context nests deeper than ${MAX_DEPTH} levels.`);
    const bytes = new TextEncoder().encode(JSON.stringify(given)).length;
    if (bytes > CONTEXT_LIMITS.bytes) refuse(`context is ${bytes} bytes as JSON; the limit is ${CONTEXT_LIMITS.bytes}.`);
    const out = {};
    for (const [key, check] of Object.entries(SECTIONS)) {
      if (given[key] === undefined || given[key] === null) continue;
      const kept = check(given[key]);
      if (kept !== undefined) out[key] = kept;
    }
    return { ok: true, context: Object.keys(out).length === 0 ? null : out };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, message: error.message };
    throw error;
  }
}
