// web/loader.js and natter('init', {...}): init calls never load the core
// and are not replayed; the launcher's share of the theme (init over data-*)
// is applied at once; the core gets the merged options as ctx.init.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoader } from './loader-page.mjs';

// The snippet form (data-endpoint): the loader draws its own host at once.
function page({ dataset = {}, stub } = {}) {
  const p = runLoader({ dataset: { endpoint: '', ...dataset }, stub });
  const host = p.doc.body.children[0];
  const root = host.shadowRoot;
  return { ...p, host, root, launcher: root.children[0] };
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
