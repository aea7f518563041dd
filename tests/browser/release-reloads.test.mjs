// Releases with the live session (docs/protocol.md, "Releases and reloads"),
// in headless Chromium: two releases published with tools/release/release.mjs
// into one release folder, served by the reference server, whose own dist/
// is a third build (a gateway serving another build than the CDN). Pages
// use data-transport="session" and either follow channel latest or pin a
// version. Every reload is counted from Chromium's main-frame navigations.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from '../../tools/bundle/build.mjs';
import { publish, promote, writeStableLoader } from '../../tools/release/release.mjs';
import { startStack, eventually } from './harness.mjs';
import { openLive } from './session-helpers.mjs';
import { pointOverLauncher } from './widget-page.mjs';

const A = '1.0.0';
const B = '1.0.1';
const UNSUPPORTED = 'This chat is not available on this page: it runs a version the chat service no longer supports.';
const work = mkdtempSync(path.join(tmpdir(), 'natter-reloads-'));
const releaseDir = path.join(work, 'release');
const builds = {};
let stack;

const shopPage = (attrs) => `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
  <script async src="/natter.js" data-endpoint="" data-transport="session" ${attrs}></script></head>
  <body><p>A shop.</p></body></html>`;

before(async () => {
  for (const version of [A, B]) {
    // wasm: false reuses build/wasm; only the bundles (and so the builds) differ.
    const { outDir } = await build({ outDir: path.join(work, version), version, wasm: false });
    builds[version] = publish({ releaseDir, distDir: outDir }).build;
  }
  await writeStableLoader({ releaseDir });
  // The shop pages are files the server serves (a page Playwright fulfils
  // itself has no address space, and Chromium's local network access
  // checks then refuse its WebSocket to 127.0.0.1).
  const webDir = path.join(work, 'web');
  mkdirSync(path.join(webDir, 'shop'), { recursive: true });
  writeFileSync(path.join(webDir, 'shop', 'channel.html'), shopPage(''));
  writeFileSync(path.join(webDir, 'shop', 'pinned.html'), shopPage(`data-version="${A}"`));
  writeFileSync(path.join(webDir, 'favicon.ico'), '');
  stack = await startStack({ server: { releaseDir, webDir } });
});

after(async () => {
  await stack?.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(async () => {
  await stack.reset();
  promote({ releaseDir, version: A });
});

// Opens a shop page in a fresh tab (fresh session storage) and counts its loads.
async function openShop(pagePath, { onPage } = {}) {
  const loads = [];
  const s = await openLive(stack, {
    path: pagePath,
    onPage: async (page) => {
      if (onPage) await onPage(page);
      page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) loads.push(frame.url()); });
    },
  });
  s.loads = loads;
  s.welcomes = () => s.sockets.flatMap((w) => w.received.filter((f) => f.type === 'welcome'));
  s.running = () => s.page.evaluate(() => window.natter('version'));
  s.channelReads = () => s.requests.filter((u) => u.includes('/channels/'));
  s.reloadRecord = () => s.page.evaluate(() => JSON.parse(sessionStorage.getItem('natter.reload')));
  return s;
}

// What the page says when its sockets are dropped right after each welcome.
const QUICK_DROPS = {
  text: '[natter] connection problem: The connection drops right after it opens. A proxy may not support WebSockets, or closes idle connections: see docs/reverse-proxy.md.',
};

const openSessions = async () => Object.keys((await stack.stats()).ws_connections_open).length;

// Drops every live socket as a crash would, and waits for the page's next welcome.
async function dropAndReconnect(s) {
  const before = s.welcomes().length;
  await stack.killSessions();
  await eventually(() => assert.ok(s.welcomes().length > before), { timeout: 15_000 });
}

// The page, after its (automatic) reload, up and running `version`.
async function runningAfterReload(s, version, loads) {
  await eventually(() => assert.equal(s.loads.length, loads), { timeout: 15_000 });
  await s.openChat();
  await s.waitForStatus('Connected');
  await eventually(async () => assert.deepEqual(await s.running(), { version, build: builds[version] }));
}

test('a page pinned to 1.0.0 while the channel serves 1.0.1 stays on 1.0.0 through 60 s of reconnects', async (t) => {
  promote({ releaseDir, version: B });
  // The page's clock is Playwright's: it runs as usual, and jumps over each back-off.
  const s = await openShop('/shop/pinned.html', { onPage: (page) => page.clock.install() });
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.deepEqual(await s.running(), { version: A, build: builds[A] });
  const start = await s.page.evaluate(() => Date.now());
  let pageNow = start;
  let reconnects = 0;
  while (pageNow - start < 60_000) {
    const before = s.welcomes().length;
    await stack.killSessions();
    await eventually(async () => assert.equal(await openSessions(), 0));
    // Jump over the back-off, a second at a time, until the page is back;
    // while a socket is being opened, real time only (no connect timeout).
    while (s.welcomes().length === before) {
      const text = await s.status.textContent();
      if (text.startsWith('Reconnecting in')) await s.page.clock.fastForward(1000);
      await new Promise((r) => setTimeout(r, 20));
    }
    await s.waitForStatus('Connected');
    reconnects += 1;
    pageNow = await s.page.evaluate(() => Date.now());
  }
  t.diagnostic(`${reconnects} reconnects in ${pageNow - start} ms of page time`);
  assert.ok(reconnects >= 10, `${reconnects} reconnects in ${pageNow - start} ms of page time`);
  const welcomes = s.welcomes();
  assert.ok(welcomes.every((w) => w.build !== builds[A]), 'every welcome named another build than the page runs');
  assert.deepEqual(s.loads.length, 1, 'never reloaded');
  assert.deepEqual(await s.running(), { version: A, build: builds[A] });
  assert.deepEqual(s.channelReads(), [], 'a pinned page never reads the channel');
  s.assertClean([QUICK_DROPS]);
});

test('a channel moved from A to B reloads an idle page once, and it runs B', async () => {
  const s = await openShop('/shop/channel.html');
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.deepEqual(await s.running(), { version: A, build: builds[A] });
  promote({ releaseDir, version: B });
  await dropAndReconnect(s); // the welcome makes the page re-read the channel
  await runningAfterReload(s, B, 2);
  assert.equal((await s.reloadRecord()).reason, 'channel');
  assert.equal((await s.reloadRecord()).build, builds[B]);
  // Channel and page agree now: more reconnects, each re-reading the channel, reload nothing.
  const reads = s.channelReads().length;
  for (let i = 0; i < 3; i += 1) await dropAndReconnect(s);
  await eventually(() => assert.ok(s.channelReads().length >= reads + 3));
  // Within 10 minutes of its reload this tab does not reload again, even for a rollback.
  promote({ releaseDir, version: A });
  const readsBefore = s.channelReads().length;
  await dropAndReconnect(s);
  await eventually(() => assert.ok(s.consoleLines.some((l) => l.includes('stays on build'))));
  assert.ok(s.channelReads().length > readsBefore);
  assert.equal(s.loads.length, 2, 'one reload, not a loop');
  assert.deepEqual(await s.running(), { version: B, build: builds[B] });
  s.assertClean([QUICK_DROPS]);
});

test('a rollback from B to A reloads an idle page once, and it runs A without a loop', async () => {
  promote({ releaseDir, version: B });
  const s = await openShop('/shop/channel.html');
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.deepEqual(await s.running(), { version: B, build: builds[B] });
  promote({ releaseDir, version: A }); // npm run release -- --promote 1.0.0
  await dropAndReconnect(s);
  await runningAfterReload(s, A, 2);
  for (let i = 0; i < 3; i += 1) await dropAndReconnect(s);
  assert.equal(s.loads.length, 2);
  s.assertClean([QUICK_DROPS]);
});

test('a server that no longer serves the client protocol: one reload, then the shopper is told', async () => {
  await stack.control('/__natter/session/serves', { min_protocol: 2 });
  const s = await openShop('/shop/channel.html');
  // The click is the intent that downloads the core; its refusal reloads the
  // page, possibly before the composer is drawn, so nothing here waits for it.
  await s.launcher.click();
  // The first page is refused and reloads; the second is refused and says so.
  await eventually(() => assert.equal(s.loads.length, 2), { timeout: 15_000 });
  await eventually(async () => {
    await pointOverLauncher(s.page); // intent boots the reloaded page's core
    assert.ok(await s.page.evaluate(() => window.natter('debug')?.conversation_id));
  }, { timeout: 15_000 });
  if (!(await s.panel.isVisible())) await s.launcher.click();
  await s.waitForStatus(UNSUPPORTED, 15_000);
  assert.equal((await s.reloadRecord()).reason, 'unsupported');
  const refusals = s.sockets.flatMap((w) => w.received.filter((f) => f.code === 'unsupported_version'));
  assert.equal(refusals.length, 2, 'one refusal per page, no reconnect loop');
  assert.equal(s.loads.length, 2, 'no third load');
  const warned = s.problems.filter((p) => p.text.includes('no longer serves this widget'));
  assert.ok(warned.some((p) => p.text.includes('stops here') && p.text.includes('data-version')), 'the console names the fix');
  const other = s.problems.filter((p) => !p.text.includes('no longer serves this widget')
    && !p.text.startsWith('[natter] server error (unsupported_version)'));
  assert.deepEqual(other, []);
});
