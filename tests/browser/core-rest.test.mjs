// The core in two parts (docs/decisions/0006-core-split-by-first-chat-profile.md):
// the first part holds what a first chat calls, the rest the others, split
// once per transport (core_wasm and core_rest_wasm for a page on HTTP,
// core_session_wasm and core_session_rest_wasm on the live session). A
// first chat must never wait for the rest; what needs the rest waits for
// it, in order, and then happens as it would have.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, eventually } from './harness.mjs';
import { openLive, type, sentOf } from './session-helpers.mjs';
import { startShopServer, shopPages } from './shop-origin.mjs';

let stack;
let shop; // a shop's own web server on another origin (shop-origin.mjs)
before(async () => {
  stack = await startStack();
  shop = await startShopServer(shopPages(new URL(stack.server.url).origin));
});
after(async () => {
  await shop?.close();
  await stack?.close();
});
beforeEach(() => stack.reset());

// Either transport's rest (tools/bundle/build.mjs splits the core per transport).
const REST = /\/natter\.core(?:session)?rest\.[0-9a-f]{12}\.wasm$/;
// The core's parts a page asked for, by stem: ['natter.core', 'natter.corerest'] on HTTP.
const coreStems = (s) => [...new Set(s.requests.map((u) => /\/(natter\.core(?:session)?(?:rest)?)\.[0-9a-f]{12}\.wasm$/.exec(u)?.[1])
  .filter(Boolean))].sort();

// Holds every request for the rest unanswered until release() lets them
// through; counts them.
function holdRest() {
  const held = [];
  let released = false;
  const hold = {
    asked: 0,
    onPage: (page) => page.route(REST, (route) => {
      hold.asked++;
      if (released) route.continue();
      else held.push(route);
    }),
    release() {
      released = true;
      for (const route of held.splice(0)) route.continue();
    },
  };
  return hold;
}

// Headless Chromium sometimes runs no idle callback at all on a page that
// draws no frames (widget-page.mjs: about 1 load in 25; CI on e89a810 waited
// 10 s for one), so the story takes the first of up to 3 fresh page loads
// that preloads: a loader that never preloads still fails it.
async function openPreloaded(t) {
  const core = /\/natter\.core\.[0-9a-f]{12}\.wasm$/;
  for (let load = 1; load <= 3; load++) {
    const s = await openStorefront(stack);
    const preloaded = await eventually(() => assert.ok(s.requests.some((u) => core.test(u))), { timeout: 5000 })
      .then(() => true, () => false);
    if (preloaded) return s;
    t.diagnostic(`page load ${load}: no idle preload in 5 s`);
    await s.page.close();
  }
  assert.fail('the idle page preloads the core: none of 3 page loads did in 5 s');
}

test('a preloaded core downloads the rest only once the shopper opens the panel', async (t) => {
  const s = await openPreloaded(t);
  await s.page.waitForTimeout(2500); // past the rest's latest idle moment, had it been asked for
  assert.deepEqual(s.requests.filter((u) => REST.test(u)), [],
    `no rest without intent (the page logged: ${JSON.stringify(s.consoleLines)})`);
  await s.openChat();
  await eventually(() => assert.equal(s.requests.filter((u) => REST.test(u)).length, 1), { timeout: 5000 });
  s.assertClean();
});

// The live session's stories, as shops embed it: on the reference server's
// own page, from a shop page on another origin under the strict CSP of
// docs/deploying.md, and in the core frame (a shop page without
// 'wasm-unsafe-eval': the frame downloads and waits for the rest itself).
const LIVE_PAGES = [
  ['the widget\'s own page', () => undefined, false],
  ['a shop page on another origin, strict CSP', () => shop.url('/strict.html'), false],
  ['the core frame (no wasm-unsafe-eval)', () => shop.url('/no-wasm.html'), true],
];
// The one console error a page without 'wasm-unsafe-eval' gets (boot.js):
// there exactly once, so the core really ran in the frame; elsewhere none.
function frameNotice(s, inFrame) {
  const notices = s.problems.filter((p) => /Meanwhile the chat runs inside a frame/.test(p.text));
  assert.equal(notices.length, inFrame ? 1 : 0, 'where the core ran');
  return notices;
}

test('a first chat over HTTP needs only the first part: the reply comes with the rest held back', async () => {
  const hold = holdRest();
  const s = await openStorefront(stack, { onPage: hold.onPage });
  await s.openChat();
  await s.textarea.fill('hello');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  assert.equal(await s.finishedReplies.count(), 1);
  await eventually(() => assert.equal(hold.asked, 1, 'the rest is asked for once the panel opened'));
  assert.deepEqual(coreStems(s), ['natter.core', 'natter.corerest'], 'an HTTP page gets the HTTP split');
  s.assertClean();
});

for (const [where, page, inFrame] of LIVE_PAGES) {
  test(`a first chat over the live session needs only the first part (${where})`, async () => {
    const hold = holdRest();
    const s = await openLive(stack, { onPage: hold.onPage, path: page() });
    await s.openChat();
    await s.waitForStatus('Connected');
    await type(s, 'hello');
    await s.finishedReplies.first().waitFor();
    assert.equal(sentOf(s, 'msg').length, 1);
    await eventually(() => assert.deepEqual(coreStems(s), ['natter.coresession', 'natter.coresessionrest'],
      'a page on the live session gets the session\'s split'));
    s.assertClean(frameNotice(s, inFrame));
  });

  test(`what needs the rest waits for it, and everything after it, then happens in order (${where})`, async () => {
    const hold = holdRest();
    const s = await openLive(stack, { onPage: hold.onPage, path: page() });
    await s.openChat();
    await s.waitForStatus('Connected');
    // Checking a visitor is not first-chat code: it waits for the rest, and
    // so does the message typed after it.
    await s.page.evaluate(() => window.natter('identify', { name: 'Ana' }));
    await type(s, 'hi');
    await s.page.waitForTimeout(500);
    assert.deepEqual(sentOf(s, 'identify'), [], 'no identify frame before the rest is in');
    assert.deepEqual(sentOf(s, 'msg'), [], 'the message waits behind it');
    assert.ok(hold.asked >= 1, 'the rest was asked for');
    hold.release();
    await eventually(() => assert.equal(sentOf(s, 'identify').length, 1));
    await s.finishedReplies.first().waitFor();
    assert.match(await s.finishedReplies.first().locator('.bubble').textContent(), /^Hi Ana! /,
      'identified first, then the message: the order they were made in');
    s.assertClean(frameNotice(s, inFrame));
  });
}
