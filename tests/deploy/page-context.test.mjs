// Page context as shops run the widget (tests/deploy/three-origins.mjs): a
// product page on https://shop.test with its JSON-LD Product, under its
// strict CSP (a JSON-LD block is data, not script), the widget from the CDN,
// the agent behind HAProxy over wss://. The shopper asks "is this one in
// stock?": the msg frame carries the page and product, and the demo agent
// answers about that product. No CSP violation.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, recordCspViolations, cspViolations } from '../browser/harness.mjs';
import { openConnected, type } from '../browser/session-helpers.mjs';
import { shopPage } from './shop-pages.mjs';
import { startThreeOrigins } from './three-origins.mjs';

const PRODUCT = {
  '@context': 'https://schema.org', '@type': 'Product', name: 'Astro Bot (PS5)', sku: 'sku-astro',
  offers: { '@type': 'Offer', price: '49.99', priceCurrency: 'GBP', availability: 'https://schema.org/InStock' },
};

let stack;
let productPath;
before(async () => {
  stack = await startThreeOrigins();
  productPath = '/products/astro-bot';
  const page = shopPage({ ...stack.origins, data: { transport: 'session' }, title: 'Astro Bot (PS5)' })
    .replace('</head>', `<script type="application/ld+json">${JSON.stringify(PRODUCT)}</script></head>`);
  stack.shop.setPage(productPath, { body: page, headers: { 'Content-Security-Policy': stack.csp.strict } });
  await recordCspViolations(stack.context);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

test('a product page\'s JSON-LD reaches the agent over wss:// and it answers about that product', async () => {
  const s = await openConnected(stack, { path: productPath });
  await type(s, 'is this one in stock?');
  await eventually(async () => assert.equal(await s.finishedReplies.count(), 1));
  assert.equal(await s.finishedReplies.first().locator('.bubble').innerText(), 'Astro Bot (PS5) is in stock, at £49.99.');
  const [msg] = s.msgsSent();
  assert.deepEqual(msg.context, {
    page: { path: productPath, title: 'Astro Bot (PS5)' },
    product: { id: 'sku-astro', name: 'Astro Bot (PS5)', sku: 'sku-astro', price: '49.99', currency: 'GBP', availability: 'in_stock' },
  });
  assert.deepEqual(await cspViolations(s.page), []);
  s.assertClean();
});
