// shim/page-context.js: what the widget reads from the shop's page and what
// the shop says, checked by the gateway's checker, merged and handed to the
// core as JSON text (the core only carries it: page_context_test.cpp). The
// product from JSON-LD (schema.org Product, also inside @graph) or Open
// Graph tags, nothing read before start(), a single-page app's navigation
// re-read, the shop's cart hook asked and its failure only warned, the
// query kept only when the shop allows it, the shop's keys winning, a bad
// call refused whole, the 8 KiB bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilityOf, createPageWatch, readPage } from '../../shim/page-context.js';
import { checkContext } from '../../tools/gateway/http/page-context.mjs';

// A watch on `page`; `sent` the contexts handed to the core, parsed (null: none).
function watchOn(page, connection = {}) {
  const sent = [];
  const logged = [];
  const watch = createPageWatch({
    ...page, connection, log: (level, text) => logged.push(`${level}: ${text}`),
    dispatch: (e) => { assert.equal(e.type, 'page_context'); sent.push(e.context === '' ? null : JSON.parse(e.context)); },
  });
  return { watch, sent, logged };
}

// A page: `scripts` the JSON-LD texts, `meta` {property: content}.
function fakePage({ href = 'https://shop.test/products/astro?ref=mail#top', title = 'Astro Bot', scripts = [], meta = {} } = {}) {
  const url = new URL(href);
  const listeners = {};
  const timers = [];
  const win = {
    location: { href: url.href, pathname: url.pathname, search: url.search, hash: url.hash },
    history: {
      pushState(state, unused, next) { const u = new URL(next, win.location.href); Object.assign(win.location, { href: u.href, pathname: u.pathname, search: u.search, hash: u.hash }); },
      replaceState() {},
    },
    addEventListener: (name, fn) => { (listeners[name] ??= []).push(fn); },
    setTimeout: (fn) => { timers.push(fn); },
    runTimers: () => { while (timers.length) timers.shift()(); },
    fire: (name) => (listeners[name] ?? []).forEach((fn) => fn()),
  };
  const doc = {
    title,
    querySelectorAll: (sel) => (sel.includes('ld+json') ? scripts.map((textContent) => ({ textContent })) : []),
    querySelector: (sel) => {
      const m = /property="([^"]+)"/.exec(sel);
      return m && m[1] in meta ? { getAttribute: () => meta[m[1]] } : null;
    },
  };
  return { win, doc };
}

const ASTRO_LD = JSON.stringify({
  '@context': 'https://schema.org', '@type': 'Product', name: 'Astro Bot (PS5)', sku: 'sku-astro',
  brand: { '@type': 'Brand', name: 'Sony' }, url: '/products/astro',
  offers: { '@type': 'Offer', price: 49.99, priceCurrency: 'GBP', availability: 'https://schema.org/InStock' },
});

test('the product comes from JSON-LD: price as a decimal string, availability as a word, the url absolute', () => {
  const { win, doc } = fakePage({ scripts: ['{not json', ASTRO_LD] });
  assert.deepEqual(readPage(win, doc), {
    page: { path: '/products/astro?ref=mail#top', title: 'Astro Bot' },
    product: {
      id: 'sku-astro', name: 'Astro Bot (PS5)', sku: 'sku-astro', brand: 'Sony', price: '49.99', currency: 'GBP',
      availability: 'in_stock', url: 'https://shop.test/products/astro',
    },
  });
});

test('a Product inside @graph is found; Open Graph product tags are the fallback; a page without either has none', () => {
  const graph = JSON.stringify({ '@graph': [{ '@type': 'WebPage' }, { '@type': ['Product'], name: 'Pad', offers: [{ price: '59', priceCurrency: 'GBP' }] }] });
  assert.deepEqual(readPage(...Object.values(fakePage({ scripts: [graph] }))).product, { name: 'Pad', price: '59', currency: 'GBP' });
  const og = fakePage({ meta: { 'og:type': 'product', 'og:title': 'Pad', 'product:price:amount': '59.00', 'product:price:currency': 'GBP', 'product:availability': 'out of stock', 'og:url': 'javascript:x' } });
  assert.deepEqual(readPage(og.win, og.doc).product, { name: 'Pad', price: '59.00', currency: 'GBP', availability: 'out_of_stock' });
  const plain = fakePage({ meta: { 'og:type': 'website', 'og:title': 'Home' } });
  assert.equal(readPage(plain.win, plain.doc).product, undefined);
  assert.equal(availabilityOf('http://schema.org/PreOrder'), 'preorder');
  assert.equal(availabilityOf('whatever'), undefined);
});

test('nothing is read before start(); then once, again on a pushState or popstate, never twice the same', () => {
  const page = fakePage({ scripts: [ASTRO_LD] });
  const { watch, sent } = watchOn(page);
  watch.refresh();
  assert.equal(sent.length, 0, 'not before the shopper interacted');
  watch.start();
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].page, { path: '/products/astro', title: 'Astro Bot' }, 'the query (an email could be there) and fragment dropped');
  page.win.history.pushState({}, '', '/basket');
  page.doc.title = 'Basket';
  page.win.runTimers();
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].page, { path: '/basket', title: 'Basket' });
  page.win.fire('popstate');
  page.win.runTimers();
  assert.equal(sent.length, 2, 'the same page again sends nothing');
});

test('data-context-query="on" keeps the query and fragment', () => {
  const { watch, sent } = watchOn(fakePage(), { contextQuery: 'on' });
  watch.start();
  assert.equal(sent[0].page.path, '/products/astro?ref=mail#top');
});

test('the cart hook is asked on start and its basket joins the read; a failing hook only warns', async () => {
  const { watch, sent, logged } = watchOn(fakePage());
  const cart = { items: [{ id: 'sku-ps5', quantity: 1 }], currency: 'GBP' };
  watch.cart(async () => cart);
  watch.start();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent.at(-1).cart, cart);
  watch.cart(() => { throw new Error('no basket here'); });
  await new Promise((r) => setImmediate(r));
  assert.match(logged.join('\n'), /warn: the natter\('cart'\) hook failed: no basket here/);
  watch.cart({ items: [] });
  assert.equal(logged.at(-1), "error: natter('cart', fn) needs a function (or null to remove it)");
});

test("the shop's keys win key by key, before start() too; null forgets them", () => {
  const { watch, sent } = watchOn(fakePage({ scripts: [ASTRO_LD] }));
  watch.context({ currency: 'GBP' });
  assert.deepEqual(sent, [{ currency: 'GBP' }], 'what the shop said travels without reading the page');
  watch.start();
  watch.context({ product: { id: 'sku-astro', name: ' Astro Bot ', availability: 'out_of_stock' }, currency: 'GBP' });
  assert.deepEqual(sent.at(-1), {
    page: { path: '/products/astro', title: 'Astro Bot' },
    product: { id: 'sku-astro', name: 'Astro Bot', availability: 'out_of_stock' },
    currency: 'GBP',
  });
  watch.context(null);
  assert.equal(sent.at(-1).product.price, '49.99', "the page's own product again");
  assert.equal(sent.at(-1).currency, undefined);
});

test('a bad shop call is one error naming the key, never the value, and changes nothing', () => {
  const { watch, sent, logged } = watchOn(fakePage());
  watch.context({ currency: 'GBP' });
  const bad = [
    [{ secret: 'hunter2' }, 'context: unknown key "secret".'],
    [{ product: { price: '12,50' } }, 'context.product.price must be a decimal string such as "49.99".'],
    [{ product: { url: 'javascript:alert(1)' } }, 'context.product.url must be an absolute http(s) URL.'],
    [{ cart: { items: [{ id: 'x', quantity: 0 }] } }, 'context.cart.items[0].quantity must be a whole number from 1 to 999.'],
    [{ cart: { items: 'lots' } }, 'context.cart.items must be an array.'],
    [{ locale: 'not a tag' }, 'context.locale must be a language tag such as "de-DE".'],
    [undefined, 'needs an object, or null to forget it.'],
  ];
  for (const [value, message] of bad) watch.context(value);
  assert.deepEqual(logged, bad.map(([, message]) => `error: context: ${message} The context was not changed.`));
  const cyclic = { product: { name: 'loop' } };
  cyclic.product.self = cyclic;
  watch.context(cyclic);
  assert.match(logged.at(-1), /^error: context: cannot be written as JSON/);
  assert.deepEqual(sent, [{ currency: 'GBP' }], 'nothing changed');
});

test("a bad section of the page's own markup is dropped with a warning, the rest kept; 8 KiB in all", async () => {
  const free = JSON.stringify({ '@type': 'Product', name: 'Pad', offers: { price: 'free' } });
  const { watch, sent, logged } = watchOn(fakePage({ scripts: [free] }));
  watch.start();
  assert.deepEqual(sent.at(-1), { page: { path: '/products/astro', title: 'Astro Bot' } });
  assert.match(logged[0], /^warn: page context: dropped product \(context\.product\.price must be a decimal string/);

  const line = (i) => ({ id: `s${i}`, name: 'n'.repeat(190), quantity: 1 });
  const big = { name: 'n'.repeat(200), brand: 'b'.repeat(200), url: `https://shop.test/${'u'.repeat(1900)}` };
  watch.context({ product: big });
  watch.cart(() => ({ items: Array.from({ length: 27 }, (_, i) => line(i)) }));
  await new Promise((r) => setImmediate(r));
  assert.equal(sent.at(-1).cart, undefined, "a basket that fits alone but not with the shop's product is dropped from the read");
  assert.deepEqual(sent.at(-1).product, big, "the shop's own kept");
  assert.ok(sent.at(-1).page);
  assert.ok(new TextEncoder().encode(JSON.stringify(sent.at(-1))).length <= 8192);
  watch.context({ cart: { items: Array.from({ length: 50 }, (_, i) => line(i)) } });
  assert.match(logged.at(-1), /^error: context: context is \d+ bytes as JSON; the limit is 8192\./);
});

test('declared actions travel in the context key `actions`, sent again when the list changes', () => {
  const { watch, sent, logged } = watchOn(fakePage());
  watch.context({ currency: 'GBP', actions: [{ name: 'sneaky', confirm: false }] });
  assert.deepEqual(sent.at(-1), { currency: 'GBP' }, "a context's own actions are not the page's");
  watch.action(['add_to_cart', { description: 'Add a product to the basket' }, async () => ({ ok: true })]);
  assert.deepEqual(sent.at(-1), { currency: 'GBP', actions: [{ name: 'add_to_cart', description: 'Add a product to the basket', confirm: true }] });
  assert.equal(watch.has('add_to_cart'), true);
  const count = sent.length;
  watch.action(['Bad-Name', {}, () => {}]);
  assert.equal(sent.length, count, 'a bad call changes nothing');
  assert.match(logged.at(-1), /^error: natter\('action', name, spec, handler\): name must be lower_snake_case/);
  watch.action(['add_to_cart', null]);
  assert.deepEqual(sent.at(-1), { currency: 'GBP' }, 'removed: sent again without it');
  assert.equal(watch.has('add_to_cart'), false);
});

// 16 declarations at their bounds do not fit the 8 KiB context (about 1.1
// KiB each). What is sent always fits: the page read gives way (its cart,
// then its product, then its page), the shop's own context stays, and each
// declaration that would not fit with it is one console error naming it.
test('16 maximal action declarations: the page read gives way, each one that does not fit is an error, what is sent fits', async () => {
  const { watch, sent, logged } = watchOn(fakePage({ scripts: [ASTRO_LD] }));
  watch.cart(() => ({ items: [{ id: 'sku-ps5', name: 'PS5 Slim', quantity: 1, price: '449.00' }] }));
  watch.start();
  await new Promise((r) => setImmediate(r));
  assert.ok(sent.at(-1).cart && sent.at(-1).product && sent.at(-1).page);
  watch.context({ currency: 'GBP' });
  const args = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`argument_${String(i).padStart(2, '0')}_${'x'.repeat(28)}`, 'boolean']));
  const names = Array.from({ length: 16 }, (_, i) => `${'a'.repeat(38)}${String(i).padStart(2, '0')}`);
  const before = logged.length;
  for (const name of names) watch.action([name, { description: 'd'.repeat(200), args }, () => ({ ok: true })]);
  const errors = logged.slice(before);
  const last = sent.at(-1);
  assert.equal(last.actions.length, 16 - errors.length);
  assert.equal(errors.length, 9, errors.join('\n'));
  errors.forEach((line, i) => assert.match(line, new RegExp(`^error: natter\\('action', '${names[16 - errors.length + i]}', …\\): with it the page context would be over its 8192 bytes as JSON; not declared`)));
  assert.equal(last.currency, 'GBP', "the shop's own context stays");
  assert.ok(['cart', 'product', 'page'].some((key) => last[key] === undefined), 'the page read gave way');
  assert.ok(new TextEncoder().encode(JSON.stringify(last)).length <= 8192);
  assert.equal(checkContext(last).ok, true, 'the gateway accepts what is sent');
  assert.equal(watch.has(names.at(-1)), false, 'a refused action has no handler either');
  const count = sent.length;
  watch.context({ currency: 'GBP', variant: { id: 'i'.repeat(128), name: 'v'.repeat(200) } });
  assert.match(logged.at(-1), /^error: context: context is over 8192 bytes as JSON with the declared actions\. The context was not changed\.$/);
  assert.equal(sent.length, count);
});

test("a declaration that fits alone but not with the shop's context is refused: the shop's context stays", () => {
  const { watch, sent, logged } = watchOn(fakePage());
  const variant = { id: 'i'.repeat(128), name: 'v'.repeat(200) };
  watch.context({ currency: 'GBP', locale: 'en-GB', variant, product: { name: 'n'.repeat(200), brand: 'b'.repeat(200) } });
  const args = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`argument_${String(i).padStart(2, '0')}_${'x'.repeat(28)}`, 'boolean']));
  for (let i = 0; i < 16; i += 1) watch.action([`${'a'.repeat(38)}${String(i).padStart(2, '0')}`, { description: 'd'.repeat(200), args }, () => ({ ok: true })]);
  const last = sent.at(-1);
  assert.equal(last.actions.length, 6, 'seven fit alone, six with the shop\'s context');
  assert.equal(logged.filter((l) => /would be over its 8192 bytes/.test(l)).length, 10);
  assert.deepEqual(last.variant, variant);
  assert.ok(new TextEncoder().encode(JSON.stringify(last)).length <= 8192);
});
