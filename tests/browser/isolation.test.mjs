// A hostile host page cannot restyle, hide or bury the widget, and the
// widget leaves nothing on the page but window.natter and its own element.
// Pages are served on the reference server's origin (context routes); the
// widget's files are the real dist/.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { startStack, openStorefront } from './harness.mjs';
import { recordLiftedAtFirstBox } from './lift-probe.mjs';

// The last rule is a shop's backdrop for its dialogs: it must not reach the
// launcher's (the top layer gives its host one over the whole viewport).
const HOSTILE_CSS = `* { all: unset !important }
button { display: none }
html { font-size: 40px }
div { z-index: 2147483647 !important; position: relative }
#cover { position: fixed !important; inset: 0 !important }
::backdrop { background: rgb(255, 0, 0) !important }`;
const TAG = '<script async src="/natter.js" data-endpoint=""></script>';
const page = ({ css = false, tags = 1 } = {}) => `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
${css ? '<link rel="stylesheet" href="/t/hostile.css">' : ''}${TAG.repeat(tags)}</head>
<body>${css ? '<div id="cover"></div><div>Promotions</div>' : ''}<button>Buy</button></body></html>`;
// The element form on the hostile page: the shop's <natter-widget> sits
// inside a stacking context (div: relative, top z-index) that comes before
// the fixed full-page #cover with the same z-index.
const hostileElement = `<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<link rel="stylesheet" href="/t/hostile.css"><script async src="/natter.js"></script></head>
<body><div><natter-widget endpoint=""></natter-widget></div><div id="cover"></div><div>Promotions</div><button>Buy</button></body></html>`;
const PAGES = { 'clean.html': page(), 'hostile.html': page({ css: true }), 'twice.html': page({ tags: 2 }),
  'element.html': hostileElement };

// Screenshots match when at most 0.5% of pixels differ by more than 16/255
// on some channel (room for anti-aliasing; identical rendering gives 0).
const TOLERANCE = { channel: 16, share: 0.005 };
function differingShare(a, b) {
  const [x, y] = [PNG.sync.read(a), PNG.sync.read(b)];
  assert.deepEqual([x.width, x.height], [y.width, y.height], 'same size');
  let differing = 0;
  for (let i = 0; i < x.data.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(x.data[i + c] - y.data[i + c]) > TOLERANCE.channel) { differing += 1; break; }
    }
  }
  return differing / (x.width * x.height);
}

let stack;
before(async () => {
  stack = await startStack();
  await stack.context.route(/\/t\/[a-z]+\.(html|css)$/, (route) => {
    const name = new URL(route.request().url()).pathname.slice(3);
    if (name === 'hostile.css') return route.fulfill({ contentType: 'text/css', body: HOSTILE_CSS });
    return route.fulfill({ contentType: 'text/html', body: PAGES[name] });
  });
  // The page's own globals before any script runs, to compare with later.
  await stack.context.addInitScript(() => {
    Object.defineProperty(window, '__baseline', { value: Object.getOwnPropertyNames(window) });
  });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

// The launcher, then the open panel, as pixels (no motion, mouse away).
// Every shot of `hostile` within TOLERANCE of the same shot of `clean`.
function assertLooksTheSame(clean, hostile) {
  for (const part of ['launcher', 'panel', 'launcherOpen']) {
    const share = differingShare(clean[part], hostile[part]);
    assert.ok(share <= TOLERANCE.share, `${part}: ${(share * 100).toFixed(2)}% of pixels differ`);
  }
}

// The element a click at the launcher's centre would reach.
async function elementOverLauncher(s) {
  const box = await s.launcher.boundingBox();
  return s.page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.localName,
    [box.x + box.width / 2, box.y + box.height / 2]);
}

async function shots(name) {
  const s = await openStorefront(stack, { path: `/t/${name}` });
  await s.page.emulateMedia({ reducedMotion: 'reduce' });
  await s.launcher.waitFor();
  const opts = { animations: 'disabled', caret: 'hide' };
  const launcher = await s.widget.screenshot(opts);
  await s.openChat();
  await s.page.mouse.move(5, 5);
  const panel = await s.panel.screenshot(opts);
  const launcherOpen = await s.widget.screenshot(opts);
  return { s, launcher, panel, launcherOpen };
}

test('on a hostile page the launcher and the open panel look as on a clean page', async () => {
  const clean = await shots('clean.html');
  const hostile = await shots('hostile.html');
  const inForce = await hostile.s.page.evaluate(() => [getComputedStyle(document.body).display,
    getComputedStyle(document.getElementById('cover')).position, getComputedStyle(document.getElementById('cover')).zIndex]);
  assert.deepEqual(inForce, ['inline', 'fixed', '2147483647'], 'the hostile styles are in force');
  assertLooksTheSame(clean, hostile);
  // Still on top of the z-index war, and clickable through it.
  assert.equal(await elementOverLauncher(hostile.s), 'natter-widget');
  await hostile.s.launcher.click();
  await hostile.s.panel.waitFor({ state: 'hidden' });
  clean.s.assertClean();
  hostile.s.assertClean();
});

test('the element form holds on the hostile page too, wherever the shop put the element', async () => {
  const clean = await shots('clean.html');
  const hostile = await shots('element.html');
  assertLooksTheSame(clean, hostile);
  assert.equal(await elementOverLauncher(hostile.s), 'natter-widget', 'on top of the later full-page cover: the top layer');
  await hostile.s.launcher.click();
  await hostile.s.panel.waitFor({ state: 'hidden' });
  hostile.s.assertClean();
});

// Safari has no requestIdleCallback: the core comes only on intent, so the
// launcher must be reachable before it: the loader lifts the host itself.
test('before the core is downloaded (no idle preload, as in Safari) the launcher is already above a later full-page cover', async () => {
  const s = await openStorefront(stack, { path: '/t/element.html',
    onPage: (page) => page.addInitScript(() => { window.requestIdleCallback = undefined; }) });
  await s.launcher.waitFor();
  await s.page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  assert.deepEqual(s.requests.filter((u) => /natter\.core\./.test(u)), [], 'no core yet: no intent, no idle preload');
  assert.equal(await elementOverLauncher(s), 'natter-widget', 'the top layer, from the loader');
  await s.openChat();
  s.assertClean();
});

// The loader lifts the host as it draws it (web/loader/launcher.js): a
// ResizeObserver reports the host's first box in the first frame that gives
// it one, after layout, before paint.
test('the launcher is in the top layer in the first frame that gives it a box: never drawn under the cover', async () => {
  const s = await openStorefront(stack, { path: '/t/element.html',
    onPage: (page) => page.addInitScript(recordLiftedAtFirstBox) });
  await s.launcher.waitFor();
  await s.page.waitForFunction(() => window.__liftedAtFirstBox !== undefined);
  assert.equal(await s.page.evaluate(() => window.__liftedAtFirstBox), true);
  s.assertClean();
});

test('the widget adds one global and no styles to the document, even after a round trip', async () => {
  const s = await openStorefront(stack, { path: '/t/hostile.html' });
  const before = await s.page.evaluate(() => ({ sheets: document.styleSheets.length, styles: document.querySelectorAll('style').length }));
  await s.openChat();
  await s.textarea.fill('can I trade in my old console?');
  await s.sendButton.click();
  await s.finishedReplies.first().waitFor();
  const after = await s.page.evaluate(() => ({
    globals: Object.getOwnPropertyNames(window).filter((n) => !window.__baseline.includes(n) && n !== '__baseline'),
    sheets: document.styleSheets.length,
    styles: document.querySelectorAll('style').length,
    adopted: document.adoptedStyleSheets.length,
    styled: document.querySelectorAll('[style]').length,
    shadowSheets: document.querySelector('natter-widget').shadowRoot.adoptedStyleSheets.length,
  }));
  assert.deepEqual(after.globals, ['natter']);
  assert.deepEqual({ sheets: after.sheets, styles: after.styles }, before, 'no <style> or sheet in the document');
  assert.equal(after.adopted, 0, 'nothing adopted by the document');
  assert.equal(after.styled, 0, 'no style="" on the page');
  assert.ok(after.shadowSheets >= 2, 'the styles live in the shadow root');
  s.assertClean();
});

test('two loader tags give one launcher and one core load', async () => {
  const s = await openStorefront(stack, { path: '/t/twice.html' });
  await s.openChat();
  await s.page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
  assert.equal(await s.page.locator('natter-widget').count(), 1);
  assert.equal(s.requests.filter((u) => /\/natter\.core\.[0-9a-f]{12}\.js$/.test(u)).length, 1);
  assert.equal(s.requests.filter((u) => /\/natter\.core\.[0-9a-f]{12}\.wasm$/.test(u)).length, 1);
  s.assertClean();
});
