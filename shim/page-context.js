// The page context (docs/commerce.md): where the shopper is, for the agent.
// Its own chunk (natter.pagecontext.<hash>.js, page-context-chunk.js),
// downloaded once the shopper first opens the panel, or when the shop calls
// natter('context' | 'cart') (load-page-context.js holds the calls until it
// is in). It
//   - reads the page: the path (its query and fragment only with
//     data-context-query="on": they can carry emails, tokens, searches),
//     the title, the product of the page's JSON-LD `Product` (schema.org),
//     else its Open Graph product tags, and the basket from the shop's
//     natter('cart', fn) hook; again after a single-page app's navigation
//     (pushState, replaceState, popstate, hashchange), after each agent
//     reply and after each page action ran (either may have changed the basket);
//   - checks the shop's natter('context', value) with the gateway's own
//     checker (tools/gateway/http/page-context.mjs: what the widget sends is
//     what the gateway accepts): a bad call logs one error naming the key,
//     never the value, and changes nothing; a bad section of the page's own
//     markup is dropped with a warning, the rest kept;
//   - merges them (the shop's keys win, key by key), within the gateway's
//     8 KiB (a page read drops its cart, then its product, then its page, to
//     fit; a declared action that would not fit with the shop's context is
//     refused with an error, actions.js), and
//     hands the whole to the core as JSON text (event page_context), which
//     carries it with each message (wasm/src/people/page_context.hpp).
//   - carries the shop's declared actions (natter('action'), actions.js) in
//     its `actions` key, sent again when the list changes, and runs their
//     handlers (run_action).
// It reads nothing until start() (the shopper opened the panel, or the
// shop said data-context="page-load"); the shop's own context and actions
// are sent as soon as the shop gives them.
//
//   const watch = createPageWatch({ win, doc, dispatch, listeners, log, connection });
//   watch.start(); watch.context(value | null); watch.cart(fn | null); watch.refresh();
//   watch.action([name, spec | null, handler]); watch.run(run_action); watch.has(name)
import { checkContext, CONTEXT_LIMITS } from '../tools/gateway/http/page-context.mjs';
import { createActions } from './actions.js';

const AVAILABILITY = {
  instock: 'in_stock', instoreonly: 'in_stock', onlineonly: 'in_stock', outofstock: 'out_of_stock', soldout: 'out_of_stock',
  preorder: 'preorder', presale: 'preorder', backorder: 'backorder', limitedavailability: 'limited', discontinued: 'discontinued',
};

// "https://schema.org/InStock", "InStock", "in stock" -> "in_stock" (undefined when unknown).
export function availabilityOf(value) {
  if (typeof value !== 'string') return undefined;
  const key = value.split('/').pop().replace(/[\s_-]/g, '').toLowerCase();
  return AVAILABILITY[key];
}

const str = (v) => (typeof v === 'string' ? v.trim() || undefined : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const nameOf = (v) => (v && typeof v === 'object' ? str(v.name) : str(v));
// An absolute http(s) URL against the page, or undefined.
function absolute(value, base) {
  const s = str(value);
  if (!s) return undefined;
  try {
    const url = new URL(s, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch { return undefined; }
}
const isProduct = (node) => node && typeof node === 'object' &&
  [].concat(node['@type'] ?? []).some((t) => typeof t === 'string' && /(^|\/)Product$/.test(t));

// The first Product in a parsed JSON-LD value (arrays and @graph walked, two levels).
function findProduct(value, depth = 0) {
  if (!value || typeof value !== 'object' || depth > 2) return null;
  if (isProduct(value)) return value;
  const children = Array.isArray(value) ? value : [].concat(value['@graph'] ?? []);
  for (const child of children) {
    const found = findProduct(child, depth + 1);
    if (found) return found;
  }
  return null;
}

function drop(o) {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(out).length ? out : undefined;
}

export function productFromJsonLd(doc, base) {
  for (const script of doc.querySelectorAll('script[type="application/ld+json"]')) {
    let value;
    try { value = JSON.parse(script.textContent); } catch { continue; }
    const p = findProduct(value);
    if (!p) continue;
    const offer = [].concat(p.offers ?? [])[0] ?? {};
    const spec = [].concat(offer.priceSpecification ?? [])[0] ?? {};
    return drop({
      id: str(p.sku) ?? str(p.productID) ?? str(p['@id']),
      name: str(p.name),
      sku: str(p.sku),
      brand: nameOf(p.brand),
      price: str(offer.price) ?? str(offer.lowPrice) ?? str(spec.price),
      currency: str(offer.priceCurrency) ?? str(spec.priceCurrency),
      availability: availabilityOf(offer.availability),
      url: absolute(p.url ?? offer.url, base),
    });
  }
  return undefined;
}

export function productFromOpenGraph(doc, base) {
  const meta = (name) => str(doc.querySelector(`meta[property="${name}"]`)?.getAttribute('content'));
  const type = meta('og:type');
  if (!type || !/product/i.test(type)) return undefined;
  return drop({
    id: meta('product:retailer_item_id'),
    name: meta('og:title'),
    brand: meta('product:brand'),
    price: meta('product:price:amount') ?? meta('og:price:amount'),
    currency: meta('product:price:currency') ?? meta('og:price:currency'),
    availability: availabilityOf(meta('product:availability') ?? meta('og:availability')),
    url: absolute(meta('og:url'), base),
  });
}

export function readPage(win, doc) {
  const loc = win.location;
  const base = loc.href;
  return drop({
    page: { path: `${loc.pathname}${loc.search}${loc.hash}`, title: str(doc.title) },
    product: productFromJsonLd(doc, base) ?? productFromOpenGraph(doc, base),
  });
}

// The title of a single-page app often changes after its pushState.
const SETTLE_MS = 500;

const bytes = (value) => new TextEncoder().encode(JSON.stringify(value)).length;

// The shop's value as JSON would carry it; a cycle or a value too deep to
// write throws here, before the checker walks it.
const plain = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

// The sections of a page read that pass the gateway's checks, each in its
// kept form; a bad one is dropped with a warning naming it.
function checkedSections(read, log) {
  const kept = {};
  for (const [key, value] of Object.entries(read)) {
    const result = checkContext({ [key]: value });
    if (!result.ok) log('warn', `page context: dropped ${key} (${result.message})`);
    else if (result.context) kept[key] = result.context[key];
  }
  return kept;
}

const withoutActions = (context) => { const { actions: _, ...rest } = context ?? {}; return rest; };

export function createPageWatch({ win, doc, dispatch, listeners, log, connection = {} }) {
  const keepQuery = String(connection.contextQuery ?? '').trim() === 'on';
  let started = false;
  let cartHook = null;
  let cart; // the hook's last answer (undefined: none)
  let page = {}; // the checked page read
  let host = {}; // the checked shop context
  let last = '';
  let asked = 0; // the newest hook call; older answers are dropped

  const shopOwn = () => withoutActions(host);
  // The declared actions win over a context's `actions`: the page runs only its own.
  // They must fit with what the shop said; the page read gives way to them (send).
  const fits = (list) => bytes({ ...shopOwn(), actions: list }) <= CONTEXT_LIMITS.bytes;
  const actions = createActions({ dispatch, onChange: () => send(), fits });
  const declared = () => { const list = actions.declared(); return list.length ? { actions: list } : {}; };

  function send() {
    const shop = shopOwn();
    const own = { ...page };
    for (const drop of ['cart', 'product', 'page']) if (bytes({ ...own, ...shop, ...declared() }) > CONTEXT_LIMITS.bytes) delete own[drop];
    const merged = { ...own, ...shop, ...declared() };
    const text = Object.keys(merged).length ? JSON.stringify(merged) : '';
    if (text === last) return;
    last = text;
    dispatch({ type: 'page_context', context: text });
  }

  function read() {
    const found = readPage(win, doc) ?? {};
    if (found.page && !keepQuery) found.page.path = found.page.path.replace(/[?#].*$/s, '');
    if (cart !== undefined) found.cart = cart;
    page = checkedSections(found, log);
    send();
  }

  function askCart() {
    if (!cartHook) return;
    const mine = ++asked;
    Promise.resolve().then(() => cartHook()).then((value) => {
      if (mine !== asked) return;
      cart = plain(value ?? undefined);
      read();
    }).catch((err) => log('warn', `the natter('cart') hook failed: ${err?.message ?? err}`));
  }

  function refresh() {
    if (!started) return;
    read();
    askCart();
  }

  function navigated() {
    win.setTimeout(refresh, 0);
    win.setTimeout(refresh, SETTLE_MS);
  }

  return {
    start() {
      if (started) return;
      started = true;
      for (const name of ['pushState', 'replaceState']) {
        const original = win.history[name];
        win.history[name] = function patched(...args) {
          const result = original.apply(this, args);
          navigated();
          return result;
        };
      }
      win.addEventListener('popstate', navigated);
      win.addEventListener('hashchange', navigated);
      listeners?.on('message', (m) => { if (m?.role === 'agent') refresh(); });
      refresh();
    },
    // natter('context', value): over what the page shows; null forgets it.
    context(value) {
      let result;
      try { result = value === undefined ? { message: 'needs an object, or null to forget it.' } : checkContext(plain(value)); } catch (err) {
        result = { message: `cannot be written as JSON (${err?.message ?? err}).` };
      }
      const problem = !result.ok ? result.message
        // The page read gives way (send); the declared actions do not.
        : bytes({ ...withoutActions(result.context), ...declared() }) > CONTEXT_LIMITS.bytes ? `context is over ${CONTEXT_LIMITS.bytes} bytes as JSON with the declared actions.`
          : null;
      if (problem) return log('error', `context: ${problem} The context was not changed.`);
      host = result.context ?? {};
      send();
    },
    // natter('cart', fn): the shop's basket hook; null removes it.
    cart(fn) {
      if (fn !== null && typeof fn !== 'function') return log('error', "natter('cart', fn) needs a function (or null to remove it)");
      cartHook = fn;
      if (!fn) cart = undefined;
      refresh();
    },
    refresh,
    // natter('action', name, spec, handler): checked there; a bad call is one error and changes nothing.
    action([name, spec, handler]) {
      try { actions.declare(name, spec, handler); } catch (err) { log('error', err.message); }
    },
    run: (effect) => actions.run(effect).then(refresh), // the action may have changed the basket: read it again
    has: (name) => actions.has(name),
  };
}
