// Where the shopper is, as a shop's product page gives it: a JSON-LD
// Product and a basket hook (docs/commerce.md's example). Nothing is read
// before the shopper opens the panel; then each message carries the page's
// path (without its query and fragment), title, product and basket, over
// HTTP (the POST body) and over the live session (the msg frame), and the
// demo agent answers from it ("is this one in stock?"). A single-page app's
// pushState to another product changes what the next message carries.
// Observes the wire and the screen, never the widget's own state.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, eventually } from './harness.mjs';
import { openLive } from './session-helpers.mjs';

const PAGE = '/__test/product.html';

const productLd = (name, sku, price, availability) => JSON.stringify({
  '@context': 'https://schema.org', '@type': 'Product', name, sku,
  offers: { '@type': 'Offer', price, priceCurrency: 'GBP', availability: `https://schema.org/${availability}` },
});

// `transport`: '' (HTTP, the default) or 'session'.
function productPage(transport) {
  const data = transport ? ` data-transport="${transport}"` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Astro Bot (PS5) · Test shop</title>
<script type="application/ld+json" id="ld">${productLd('Astro Bot (PS5)', 'sku-astro', '49.99', 'InStock')}</script>
<script>
  window.natter = window.natter || function () { (natter.q = natter.q || []).push(arguments); };
  window.__cartCalls = 0;
  natter('cart', () => { window.__cartCalls += 1; return { items: [{ id: 'sku-pad', name: 'DualSense', quantity: 1, price: '59.99' }], currency: 'GBP' }; });
</script>
<script async src="/natter.js" data-endpoint=""${data}></script></head>
<body><h1>Astro Bot (PS5)</h1></body></html>`;
}

// The product page, on the reference server's origin, with `?…#…` on its address.
function open(stack, transport = '') {
  const onPage = (page) => page.route(`${new URL(stack.server.url).origin}${PAGE}?*`, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8', body: productPage(transport),
  }));
  const path = `${PAGE}?email=shopper%40example.com#reviews`;
  return transport === 'session' ? openLive(stack, { path, onPage }) : openStorefront(stack, { path, onPage });
}

// The single-page app shows another product: new JSON-LD, title and address.
function navigateToRatchet(page) {
  return page.evaluate((ld) => {
    document.getElementById('ld').textContent = ld;
    document.title = 'Ratchet & Clank (PS5) · Test shop';
    history.pushState(null, '', '/__test/ratchet');
  }, productLd('Ratchet & Clank (PS5)', 'sku-ratchet', '29.99', 'OutOfStock'));
}

const lastReply = (s) => s.finishedReplies.last().locator('.bubble').innerText();

async function ask(s, text, replies) {
  await s.textarea.fill(text);
  await s.textarea.press('Enter');
  await eventually(async () => assert.equal(await s.finishedReplies.count(), replies));
}

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const ASTRO = { id: 'sku-astro', name: 'Astro Bot (PS5)', sku: 'sku-astro', price: '49.99', currency: 'GBP', availability: 'in_stock' };
const CART = { items: [{ id: 'sku-pad', name: 'DualSense', quantity: 1, price: '59.99' }], currency: 'GBP' };

test('over HTTP: nothing read before the panel opens; each message carries the page, product and basket; pushState updates it', async () => {
  const s = await open(stack);
  // The core may start on its own (idle preload); the page must still not be read.
  await s.page.waitForTimeout(1500);
  assert.equal(await s.page.evaluate(() => window.__cartCalls), 0, 'the basket hook is not asked before the shopper interacts');

  await s.openChat();
  await ask(s, 'is this one in stock?', 1);
  assert.equal(await lastReply(s), 'Astro Bot (PS5) is in stock, at £49.99.');
  assert.deepEqual(s.chatRequests[0].body.context, {
    page: { path: PAGE, title: 'Astro Bot (PS5) · Test shop' }, product: ASTRO, cart: CART,
  }, 'the path lost its query (an email) and its fragment');
  assert.ok(await s.page.evaluate(() => window.__cartCalls) >= 1);

  await navigateToRatchet(s.page);
  // The watch reads again at once and once more after the title settles.
  await s.page.waitForTimeout(700);
  await ask(s, 'is this one in stock?', 2);
  assert.equal(await lastReply(s), 'Ratchet & Clank (PS5) is out of stock right now.');
  const second = s.chatRequests.at(-1).body.context;
  assert.deepEqual(second.page, { path: '/__test/ratchet', title: 'Ratchet & Clank (PS5) · Test shop' });
  assert.equal(second.product.id, 'sku-ratchet');
  assert.equal(s.chatRequests.length, 2);
  s.assertClean();
});

test('over the live session: the msg frame carries the context and the agent answers from it', async () => {
  // The demo's live page (a page Playwright's router serves may not open a
  // WebSocket to loopback: Chromium's local network access checks), made a
  // product page before the shopper opens the panel.
  const s = await openLive(stack);
  await s.page.evaluate((ld) => {
    const script = Object.assign(document.createElement('script'), { type: 'application/ld+json', textContent: ld });
    document.head.append(script);
    history.replaceState(null, '', '/demo/live.html?email=shopper%40example.com#reviews');
  }, productLd('Astro Bot (PS5)', 'sku-astro', '49.99', 'InStock'));
  const title = await s.page.title();
  // A page that calls neither natter('context') nor natter('cart') gets the
  // page watch's chunk only once the shopper opens the panel.
  const chunkFetched = () => s.page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('natter.pagecontext.')));
  await s.page.waitForTimeout(1500);
  assert.equal(await chunkFetched(), false, 'the page context chunk is not downloaded before the panel opens');
  await s.openChat();
  await s.waitForStatus('Connected');
  await ask(s, 'how much is this one?', 1);
  assert.equal(await lastReply(s), 'Astro Bot (PS5) is £49.99.');
  const [msg] = s.msgsSent();
  assert.deepEqual(msg.context, { page: { path: '/demo/live.html', title }, product: ASTRO });
  assert.equal(await chunkFetched(), true);
  const others = s.sockets.flatMap((w) => w.sent).filter((f) => f.type !== 'msg');
  assert.deepEqual(others.filter((f) => f.context !== undefined), [], 'only a msg carries it (never the hello)');
  s.assertClean();
});
