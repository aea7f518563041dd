// web/loader.js (dist/natter.js, built by tools/bundle/build.mjs) run in a vm with a fake page: the global,
// the adopted stub queue, the second-tag guard and the handshake with the
// core bundle (natter.__boot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoader } from './loader-page.mjs';
import { buildLoader } from '../../tools/bundle/build.mjs';

// The loader's page (loader-page.mjs) for a script tag with data-endpoint:
// host and root are the <natter-widget> it drew and its shadow root.
function page({ stub } = {}) {
  const p = runLoader({ dataset: { endpoint: 'https://agent.example' }, stub });
  const host = p.doc.body.children[0];
  return { ...p, host, root: host?.shadowRoot };
}

test('draws a labelled launcher button in a shadow root at once, styled without <style>', () => {
  const { root, doc } = page();
  const [button] = root.children;
  assert.equal(button.localName, 'button');
  assert.equal(button.getAttribute('aria-label'), 'Open chat');
  assert.equal(button.getAttribute('aria-expanded'), 'false');
  assert.equal(root.adoptedStyleSheets.length, 1);
  assert.match(root.adoptedStyleSheets[0].css, /\.launcher\{display:grid/);
  assert.equal(doc.body.findAll((e) => e.localName === 'style' || e.hasAttribute('style')).length, 0);
});

// The lift against real frames: tests/browser/isolation.test.mjs.
test('lifts the host into the top layer as it draws it, themed first, so it is styled once, in the top layer', () => {
  const { host } = page();
  assert.equal(host.popover, 'manual');
  assert.equal(host.popoverShows, 1);

  const themed = runLoader({ dataset: { endpoint: 'https://agent.example', accent: '#ff0000', position: 'bottom-left' } }).doc.body.children[0];
  assert.equal(themed.popoverShows, 1);
  assert.deepEqual(themed.propsAtShow, { '--natter-accent': '#ff0000', '--natter-left': '20px', '--natter-right': 'auto' },
    'the accent and the place were set before the lift');
});

test('loads nothing until the first interaction, then the core bundle with SRI', () => {
  const { root, scripts } = page();
  assert.equal(scripts().length, 0);
  root.children[0].fire('pointerover');
  const [tag] = scripts();
  assert.equal(tag.src, 'https://cdn.example/w/natter.core.abc.js');
  assert.equal(tag.integrity, 'sha384-x');
  assert.equal(tag.crossOrigin, '', 'the CORS mode SRI needs: the empty keyword is "anonymous"');
  root.children[0].fire('focus');
  assert.equal(scripts().length, 1, 'loaded once');
});

test('idle time loads the bundle too', () => {
  const { idle, scripts } = page();
  idle.forEach((fn) => fn({ didTimeout: false, timeRemaining: () => 50 })); // a long idle period, as the browser passes it
  assert.equal(scripts().length, 1);
});

test('adopts the inline stub queue, loads at once, and replays it through the core on attach', () => {
  const { win, scripts } = page({ stub: (n) => { n('on', 'message', 'fn'); n('send', 'hi'); } });
  assert.equal(scripts().length, 1, 'a queued command loads the core right away');
  win.natter('open');
  const seen = [];
  let ctx;
  win.natter.__boot((c) => { ctx = c; });
  assert.equal(ctx.manifest.build, 'b1');
  assert.equal(ctx.base, 'https://cdn.example/w/natter.js');
  assert.deepEqual({ ...ctx.dataset }, { endpoint: 'https://agent.example' });
  assert.equal(ctx.launcher, ctx.root.children[0]);
  ctx.attach((args) => { seen.push(args); return 'ran ' + args[0]; });
  assert.deepEqual(seen.map((a) => [...a]), [['on', 'message', 'fn'], ['send', 'hi'], ['open']]);
  assert.equal(win.natter('version'), 'ran version', 'after attach every call goes to the core');
  assert.equal(win.natter.__boot, undefined, 'one boot per page');
});

test('version answers before the core loads, without loading it', () => {
  const { win, scripts } = page();
  assert.deepEqual({ ...win.natter('version') }, { version: '0.1.0', build: 'b1' });
  assert.equal(scripts().length, 0);
});

test('a launcher click before the core is ready is queued as toggle', () => {
  const { win, root } = page();
  root.children[0].fire('click');
  const seen = [];
  win.natter.__boot((c) => c.attach((args) => seen.push([...args])));
  assert.deepEqual(seen, [['toggle']]);
});

test('a second natter.js on the page does nothing', () => {
  const { doc, run } = page();
  const before = doc.body.children.length;
  run();
  assert.equal(doc.body.children.length, before);
});

test("a release's own loader carries only core_js and no channel resolution; a channel loader resolves", async () => {
  const code = (await buildLoader({ version: '0.1.0', build: 'b1', env: 'development', files: {
    core_js: { path: 'natter.core.abc.js', integrity: 'sha384-x' }, core_wasm: { path: 'natter.core.abc.wasm', integrity: 'sha384-y' } } })).toString();
  assert.doesNotMatch(code, /channels\//, 'no channel code in a release loader');
  assert.doesNotMatch(code, /core_wasm|natter\.core\.abc\.wasm/, 'the bundle carries the other manifest entries');
  const channel = (await buildLoader({ channel: 'latest' })).toString();
  assert.match(channel, /channels\//);
});
