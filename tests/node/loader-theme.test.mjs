// web/loader.js and natter('init', {...}): init calls never load the core
// and are not replayed; the launcher's share of the theme (init over data-*)
// is applied at once; the core gets the merged options as ctx.init.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { createFakeDocument, fakeCustomElements } from './fake-dom.mjs';

import { buildLoader } from '../../tools/bundle/build.mjs';

const manifest = { version: '0.1.0', build: 'b1', env: 'development',
  files: { core_js: { path: 'natter.core.abc.js', integrity: 'sha384-x' }, core_wasm: { path: 'natter.core.abc.wasm', integrity: 'sha384-y' } } };
// The loader as the build ships it (web/loader.js and its imports, one iife).
const code = (await buildLoader(manifest)).toString();

class FakeSheet { replaceSync(css) { this.css = css; } }

function page({ dataset = {}, stub } = {}) {
  const doc = createFakeDocument();
  const make = doc.createElement.bind(doc);
  doc.createElement = (tag) => {
    const node = make(tag);
    node.style = { props: {}, setProperty(name, value) { this.props[name] = value; } };
    return node;
  };
  doc.currentScript = { src: 'https://cdn.example/w/natter.js', dataset: { endpoint: '', ...dataset } };
  doc.querySelector = () => null;
  const win = { document: doc, location: { href: 'https://shop.example/' }, URL, CSSStyleSheet: FakeSheet,
    ...fakeCustomElements(doc), console: { error() {} }, requestIdleCallback() {}, setTimeout() {} };
  win.window = win;
  if (stub) {
    win.natter = function () { (win.natter.q = win.natter.q || []).push(arguments); };
    stub(win.natter);
  }
  vm.runInNewContext(code, win);
  const root = doc.body.children[0].shadowRoot;
  const host = doc.body.children[0];
  return { win, doc, host, root, launcher: root.children[0], scripts: () => doc.head.children };
}

test('an untouched embed sets no custom properties', () => {
  const { host, root } = page();
  assert.deepEqual(host.style.props, {});
  assert.equal(root.adoptedStyleSheets.length, 1);
  assert.match(root.adoptedStyleSheets[0].css, /right:var\(--natter-right,20px\)!important/);
});

test('init from the stub queue themes the launcher at once, loads nothing and is not replayed', () => {
  const { win, host, launcher, scripts } = page({
    dataset: { accent: '#111111', position: 'bottom-left', offsetY: '12' },
    stub: (n) => n('init', { accent: '#ff0000', launcherLabel: 'Ask Ana', offsetX: 40 }),
  });
  assert.equal(scripts().length, 0, 'init alone does not load the core');
  assert.deepEqual(host.style.props, {
    '--natter-accent': '#ff0000', '--natter-left': '40px', '--natter-right': 'auto', '--natter-bottom': '12px',
  }, 'init over data-*');
  assert.equal(launcher.getAttribute('aria-label'), 'Ask Ana');
  win.natter('init', { accentText: '#000' });
  assert.equal(host.style.props['--natter-accent-ink'], '#000', 'a later init call applies at once');
  let ctx;
  const seen = [];
  win.natter('open');
  win.natter.__boot((c) => { ctx = c; });
  ctx.attach((args) => seen.push([...args]));
  assert.deepEqual(seen, [['open']], 'init calls are not replayed');
  assert.deepEqual({ ...ctx.init }, { accent: '#ff0000', launcherLabel: 'Ask Ana', offsetX: 40, accentText: '#000' });
});
