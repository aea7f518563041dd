// A shop token from the shop's own origin (docs/deploying.md, "Tokens
// without secrets in the page"), across three origins: the page on
// https://shop.test names data-token-url="/natter-token" (the shop's own
// backend, which shares the signing secret with the gateway); the widget
// from the CDN fetches the token there, and the gateway behind HAProxy
// accepts the live session's hello with it, and refuses a session without one.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, openStorefront } from '../browser/harness.mjs';
import { openLive, type, sentIdOf, assertServerRanOnce } from '../browser/session-helpers.mjs';
import { askAndConfirm } from '../browser/action-helpers.mjs';
import { startThreeOrigins } from './three-origins.mjs';
import { SHOP_TOKEN_PATH } from './shop-server.mjs';
import { shopPage } from './shop-pages.mjs';

let stack;
before(async () => {
  stack = await startThreeOrigins({ tokenSecret: 'deploy-test-shop-secret-0123' });
  stack.page('/token.html', { csp: stack.csp.strict, data: { transport: 'session', tokenUrl: SHOP_TOKEN_PATH } });
  stack.page('/token-http.html', { csp: stack.csp.strict, data: { tokenUrl: SHOP_TOKEN_PATH } });
  putProductPage(stack);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

test('the widget fetches the token from the shop origin, the hello carries it, and chat works', async () => {
  const tokenAnswers = [];
  const s = await openLive(stack, {
    path: '/token.html',
    onPage: (page) => page.on('response', async (r) => {
      if (r.url() === `${stack.origins.shop}${SHOP_TOKEN_PATH}` && r.status() === 200) tokenAnswers.push((await r.json()).token);
    }),
  });
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.equal(tokenAnswers.length, 1, 'one token, from the shop origin, before the first connect');
  assert.ok(stack.shop.requests.includes(`GET ${SHOP_TOKEN_PATH}`));
  assert.ok(!s.requests.some((u) => u.includes('natter-token') && !u.startsWith(stack.origins.shop)), 'asked nowhere else');
  const hello = s.sockets[0].sent.find((f) => f.type === 'hello');
  assert.equal(hello.auth, tokenAnswers[0], 'the hello carries the shop token');
  await type(s, 'do you have PS5 games?');
  await s.finishedReplies.first().waitFor();
  await assertServerRanOnce(stack, sentIdOf(s, 'do you have PS5 games?'));
  const stored = await s.page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes(tokenAnswers[0]), 'the token is in no storage');
  assert.ok(!s.consoleLines.some((l) => l.includes(tokenAnswers[0])), 'nor in the console');
  s.assertClean();
});

test('over HTTP: the cross-origin POST to the agent carries the shop token as a Bearer header (CORS preflight passes)', async () => {
  const s = await openStorefront(stack, { path: '/token-http.html' });
  const auth = [];
  s.page.on('request', (r) => {
    if (r.url() === `${stack.origins.agent}/api/chat` && r.method() === 'POST') auth.push(r.headers().authorization);
  });
  await s.openChat();
  await s.textarea.fill('is the blue one in stock?');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  assert.equal(auth.length, 1);
  assert.match(auth[0], /^Bearer [\w-]+\.[\w-]+$/);
  assert.equal(s.chatRequests.length, 1);
  const stats = await stack.stats();
  assert.deepEqual(stats.agent_runs, { [s.chatRequests[0].key]: 1 }, 'the gateway accepted it and ran the agent once');
  s.assertClean();
});

test('the gateway really requires it: a page without data-token-url is refused (4003) and never connected', async () => {
  stack.page('/no-token.html', { csp: stack.csp.strict, data: { transport: 'session' } });
  const s = await openLive(stack, { path: '/no-token.html' });
  await s.openChat();
  await eventually(() => assert.ok(stack.serverLog.some((l) => /hello refused: token missing/.test(l)), 'refused at the gateway'),
    { timeout: 10_000 });
  assert.ok(!s.sockets.some((w) => w.received.some((f) => f.type === 'welcome')), 'no welcome without a token');
});

// A product page on the shop's origin under its strict CSP: the product in
// JSON-LD (a data block, no script) and, from the shop's own origin, the
// add_to_cart action its handler counts in window.__ran.
const PRODUCT_JSON_LD = '{"@context": "https://schema.org", "@type": "Product", "name": "Astro Bot (PS5)", "sku": "astro-bot",'
  + ' "offers": {"@type": "Offer", "price": "49.99", "priceCurrency": "GBP"}}';
const ACTION_SCRIPT = `window.natter = window.natter || function () { (natter.q = natter.q || []).push(arguments); };
window.__ran = [];
natter('action', 'add_to_cart', { description: 'Put a product in the basket', confirm: true, args: { product_id: 'string', quantity: 'integer' } },
  async (args, { actionId }) => { window.__ran.push({ args, actionId }); return { ok: true, message: 'Added Astro Bot (PS5) to your basket' }; });`;

function putProductPage(stack) {
  const page = shopPage({ ...stack.origins, data: { tokenUrl: SHOP_TOKEN_PATH }, title: 'Astro Bot (PS5)' })
    .replace('<script async', `<script type="application/ld+json">${PRODUCT_JSON_LD}</script>\n<script src="/basket-action.js"></script>\n<script async`);
  stack.shop.setPage('/product.html', { body: page, headers: { 'Content-Security-Policy': stack.csp.strict } });
  stack.shop.setPage('/basket-action.js', { body: ACTION_SCRIPT, contentType: 'text/javascript' });
}

test('an action over HTTPS across origins: the card, Confirm, the page\'s handler ran once, its result accepted with the shop token', async () => {
  const s = await openStorefront(stack, { path: '/product.html' });
  const posts = []; // the widget's POSTs to the agent's /api/action*: {path, auth, status, allowOrigin}
  s.page.on('response', async (r) => {
    const url = new URL(r.url());
    if (url.origin !== stack.origins.agent || !url.pathname.startsWith('/api/action') || r.request().method() !== 'POST') return;
    posts.push({ path: url.pathname, auth: await r.request().headerValue('authorization'), status: r.status(), allowOrigin: await r.headerValue('access-control-allow-origin') });
  });
  const { card } = await askAndConfirm(s);
  assert.equal(await card.getByRole('status').textContent(), 'Done: Added Astro Bot (PS5) to your basket');
  const ran = await s.page.evaluate(() => window.__ran);
  assert.equal(ran.length, 1, 'the handler ran once');
  assert.deepEqual(ran[0].args, { product_id: 'astro-bot', quantity: 1 });
  await eventually(() => assert.deepEqual(posts.map((p) => p.path), ['/api/action', '/api/action/result']));
  for (const post of posts) {
    assert.equal(post.status, 200, `${post.path} accepted`);
    // The gateway answers any origin ('*': no cookies, the token is a header); the browser checked it.
    assert.ok(['*', stack.origins.shop].includes(post.allowOrigin), `${post.path}: CORS the shop's page can read: ${post.allowOrigin}`);
    assert.match(post.auth ?? '', /^Bearer [\w-]+\.[\w-]+$/, `${post.path} carries the shop token`);
  }
  s.assertClean();
});

