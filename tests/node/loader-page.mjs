// The stable loader (web/loader.js, built as it ships: one iife) run in a vm
// against the fake DOM (fake-dom.mjs), for the loader's node tests.
//
//   const p = await runLoader({ dataset, before, readyState, stub });
//   dataset      the script tag's data-* (no endpoint: the element form)
//   before(doc)  builds the page's own elements before the loader runs
//   readyState   the document's while the loader runs
//   stub(natter) calls the shop's inline stub made before the loader
//   connection   navigator.connection ({saveData, effectiveType}), or none
//   idleCallbacks false: a browser without requestIdleCallback (Safari)
// Returns {win, doc, warnings, idle, idleOptions, widgets(), loaded(),
// pageLoaded(), scripts(), navigatorReads(), run()}: run() runs the loader
// again in the same page (a second tag); loaded() fires DOMContentLoaded,
// pageLoaded() the window's load; idle holds requestIdleCallback callbacks,
// idleOptions the options each was scheduled with; navigatorReads() how
// often the loader read window.navigator.
import vm from 'node:vm';
import { createFakeDocument, fakeCustomElements } from './fake-dom.mjs';
import { buildLoader } from '../../tools/bundle/build.mjs';

const manifest = { version: '0.1.0', build: 'b1', env: 'development',
  files: { core_js: { path: 'natter.core.abc.js', integrity: 'sha384-x' } } };
const code = (await buildLoader(manifest)).toString();

class FakeSheet { replaceSync(css) { this.css = css; } }

export function runLoader({ dataset = {}, before, readyState = 'complete', stub, connection, idleCallbacks = true } = {}) {
  const doc = createFakeDocument();
  const make = doc.createElement.bind(doc);
  doc.createElement = (tag) => {
    const node = make(tag);
    node.style = { props: {}, setProperty(name, value) { this.props[name] = value; } };
    return node;
  };
  doc.readyState = readyState;
  const onLoaded = [];
  doc.addEventListener = (type, fn) => { if (type === 'DOMContentLoaded') onLoaded.push(fn); };
  doc.currentScript = { src: 'https://cdn.example/w/natter.js', dataset };
  doc.querySelector = () => null;
  before?.(doc);
  const warnings = [];
  const idle = [];
  const idleOptions = [];
  const onPageLoad = [];
  const win = { document: doc, location: { href: 'https://shop.example/' }, URL, CSSStyleSheet: FakeSheet,
    ...fakeCustomElements(doc), console: { error() {}, warn: (text) => warnings.push(text) },
    addEventListener: (type, fn) => { if (type === 'load') onPageLoad.push(fn); },
    requestAnimationFrame() { throw new Error('the loader waits for no frame'); },
    setTimeout() { throw new Error('the loader schedules nothing by timer'); } };
  if (idleCallbacks) win.requestIdleCallback = (fn, options) => { idle.push(fn); idleOptions.push(options); };
  let navigatorReads = 0;
  const navigator = connection ? { connection } : {};
  Object.defineProperty(win, 'navigator', { get: () => { navigatorReads += 1; return navigator; } });
  win.window = win;
  if (stub) {
    win.natter = function () { (win.natter.q = win.natter.q || []).push(arguments); };
    stub(win.natter);
  }
  const run = () => vm.runInNewContext(code, win);
  run();
  const widgets = () => doc.body.findAll((e) => e.localName === 'natter-widget');
  const loaded = () => { doc.readyState = 'interactive'; onLoaded.forEach((fn) => fn()); };
  const pageLoaded = () => { doc.readyState = 'complete'; onPageLoad.forEach((fn) => fn()); };
  return { win, doc, warnings, idle, idleOptions, widgets, loaded, pageLoaded, scripts: () => doc.head.children,
    navigatorReads: () => navigatorReads, run };
}
