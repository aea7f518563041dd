// web/loader.js (as built) and the <natter-widget> element: the first
// <natter-widget> connected is the widget's host, whether the shop wrote it
// in the page, a single-page app inserts it later, or the loader appends its
// own for a script tag with data-endpoint; any later one is ignored with a
// warning. Run in a vm with the fake DOM (tests/node/fake-dom.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoader } from './loader-page.mjs';

// dataset: the script tag's data-* (no endpoint key: the element form).
const page = runLoader;

const element = (doc, attrs = {}) => {
  const el = doc.createElement('natter-widget');
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
};

test("a <natter-widget> in the page becomes the host: the launcher is drawn in its shadow root, themed by its attributes", () => {
  let shop;
  const { widgets, warnings } = page({
    dataset: { accent: '#111111' },
    before: (doc) => doc.body.appendChild(shop = element(doc, { accent: '#0a7', 'accent-text': '#000', position: 'bottom-left', 'launcher-label': 'Frag uns' })),
  });
  assert.deepEqual(widgets(), [shop], 'no second host');
  const [launcher] = shop.shadowRoot.children;
  assert.equal(launcher.localName, 'button');
  assert.equal(launcher.getAttribute('aria-label'), 'Frag uns');
  assert.deepEqual(shop.style.props, {
    '--natter-accent': '#0a7', '--natter-accent-ink': '#000', '--natter-left': '20px', '--natter-right': 'auto',
  }, 'the element attributes over the script data-*');
  assert.deepEqual(warnings, []);
});

test('init wins over the element attributes', () => {
  let shop;
  page({
    before: (doc) => doc.body.appendChild(shop = element(doc, { accent: '#0a7' })),
    stub: (n) => n('init', { accent: '#ff0000' }),
  });
  assert.equal(shop.style.props['--natter-accent'], '#ff0000');
});

test('a bare script tag draws nothing and loads nothing until an element arrives; then the queued calls load the core', () => {
  const { win, doc, widgets, idle, scripts } = page({ stub: (n) => n('send', 'hi') });
  assert.deepEqual(widgets(), []);
  idle.forEach((fn) => fn());
  assert.equal(scripts().length, 0, 'no host: nothing to boot into');
  assert.deepEqual(idle, [], 'no idle preload scheduled yet');
  const later = element(doc, { transport: 'session' });
  doc.body.appendChild(later); // a single-page app renders it
  assert.ok(later.shadowRoot, 'adopted on connect');
  assert.equal(scripts().length, 1, 'the queued send loads the core');
  let ctx;
  win.natter.__boot((c) => { ctx = c; });
  assert.equal(ctx.root.host, later);
  const seen = [];
  ctx.attach((args) => seen.push([...args]));
  assert.deepEqual(seen, [['send', 'hi']]);
});

test('two elements give one widget, the first, and one warning', () => {
  let first;
  let second;
  const { warnings } = page({
    before: (doc) => {
      doc.body.appendChild(first = element(doc, { accent: '#0a7' }));
      doc.body.appendChild(second = element(doc, { accent: '#f00' }));
    },
  });
  assert.ok(first.shadowRoot);
  assert.equal(second.shadowRoot, undefined);
  assert.deepEqual(warnings, ['[natter] extra <natter-widget> ignored']);
});

test('a snippet tag (data-endpoint) draws its own host; an element inserted later is ignored with a warning', () => {
  const { doc, widgets, warnings } = page({ dataset: { endpoint: '' } });
  const [own] = widgets();
  assert.ok(own.shadowRoot, 'the loader appended its own host');
  const late = element(doc);
  doc.body.appendChild(late);
  assert.equal(late.shadowRoot, undefined);
  assert.deepEqual(warnings, ['[natter] extra <natter-widget> ignored']);
});

test('while the page is still loading, the snippet draws its host at once (the launcher is in the first paint)', () => {
  const { widgets, warnings } = page({ dataset: { endpoint: '' }, readyState: 'loading' });
  const [own] = widgets();
  assert.ok(own?.shadowRoot, 'drawn before DOMContentLoaded');
  assert.deepEqual(warnings, []);
});

test("an element the parser reaches after the snippet ran still wins, silently: it takes the snippet's place", () => {
  const { doc, widgets, loaded, warnings, scripts, win } = page({ dataset: { endpoint: '' }, readyState: 'loading' });
  const [own] = widgets();
  own.shadowRoot.children[0].fire('pointerover'); // intent while the page is parsed: the core is loading
  const parsed = element(doc, { accent: '#0a7' });
  doc.body.appendChild(parsed); // the parser reaches it
  loaded();
  assert.deepEqual(widgets(), [parsed], "the snippet's own host is gone");
  assert.ok(parsed.shadowRoot);
  assert.equal(parsed.style.props['--natter-accent'], '#0a7');
  assert.deepEqual(warnings, []);
  assert.equal(scripts().length, 1, 'the core is loaded once');
  let ctx;
  win.natter.__boot((c) => { ctx = c; });
  assert.equal(ctx.root.host, parsed, 'the core boots into the shop\'s element');
});

test('once the core has booted into the snippet\'s host, a later element is ignored with a warning, even while loading', () => {
  const { doc, widgets, warnings, win } = page({ dataset: { endpoint: '' }, readyState: 'loading', stub: (n) => n('open') });
  const [own] = widgets();
  win.natter.__boot(() => {});
  const late = element(doc);
  doc.body.appendChild(late);
  assert.deepEqual(widgets(), [own, late]);
  assert.equal(late.shadowRoot, undefined);
  assert.deepEqual(warnings, ['[natter] extra <natter-widget> ignored']);
});

test('an async snippet that runs before <body> exists draws its host once the HTML is parsed', () => {
  const { doc, widgets, loaded } = page({ dataset: { endpoint: '' }, readyState: 'loading', before: (d) => { d.savedBody = d.body; d.body = null; } });
  doc.body = doc.savedBody;
  assert.deepEqual(widgets(), [], 'nothing drawn without a body');
  loaded();
  assert.equal(widgets().length, 1);
});

test('reconnecting the same element (a framework moving it) is not a second widget', () => {
  let shop;
  const { doc, warnings } = page({ before: (d) => d.body.appendChild(shop = element(d)) });
  const wrapper = doc.createElement('div');
  doc.body.appendChild(wrapper);
  wrapper.appendChild(shop);
  assert.deepEqual(warnings, []);
});
