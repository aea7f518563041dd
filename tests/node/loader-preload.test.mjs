// When the stable loader downloads the core (docs/decisions/
// 0005-core-loaded-on-intent.md): on intent always; as a preload only on an idle,
// loaded page with a fast connection; otherwise never. web/loader.js as it
// ships, in a vm against the fake DOM (loader-page.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoader } from './loader-page.mjs';

const page = (options = {}) => runLoader({ dataset: { endpoint: 'https://agent.example' }, ...options });
const launcherOf = (p) => p.widgets()[0].shadowRoot.children[0];
const runIdle = (p, ms = 50) => { const due = p.idle.splice(0); due.forEach((fn) => fn({ didTimeout: false, timeRemaining: () => ms })); };

test('an idle, loaded page on a fast connection preloads the core once idle, and not before', () => {
  const p = page({ connection: { saveData: false, effectiveType: '4g' } });
  assert.equal(p.scripts().length, 0, 'nothing before the page is idle');
  assert.equal(p.idle.length, 1);
  assert.equal(p.idleOptions[0]?.timeout, undefined, 'no timeout: a page that never goes idle never preloads');
  runIdle(p);
  assert.equal(p.scripts().length, 1);
  assert.match(p.scripts()[0].src, /natter\.core\.abc\.js$/);
});

test('a busy page, whose idle periods are the few ms between its tasks, does not preload until a long idle period', () => {
  const p = page({ connection: { effectiveType: '4g' } });
  for (let i = 0; i < 20; i += 1) {
    runIdle(p, 5);
    assert.equal(p.scripts().length, 0, 'a 5 ms gap is not an idle page');
    assert.equal(p.idle.length, 1, 'it asks for the next idle period, with no timeout');
  }
  assert.equal(p.idleOptions.every((o) => o?.timeout === undefined), true);
  runIdle(p, 49.9);
  assert.equal(p.scripts().length, 1, 'preloaded in the first long idle period');
});

test('a browser that reports no connection preloads on an idle page too', () => {
  const p = page();
  runIdle(p);
  assert.equal(p.scripts().length, 1);
});

test('a page still loading waits for its load event, then for idle time', () => {
  const p = page({ readyState: 'interactive', connection: { effectiveType: '4g' } });
  assert.equal(p.idle.length, 0, 'no idle preload while the page loads');
  assert.equal(launcherOf(p).localName, 'button', 'the launcher is drawn');
  // Its binding's first use costs time before the launcher's first paint.
  assert.equal(p.navigatorReads(), 0, 'the connection is not read before the load');
  p.pageLoaded();
  assert.ok(p.navigatorReads() > 0, 'the connection is read at the load');
  assert.equal(p.scripts().length, 0);
  runIdle(p);
  assert.equal(p.scripts().length, 1);
});

for (const connection of [{ saveData: true, effectiveType: '4g' }, { effectiveType: '3g' }, { effectiveType: '2g' },
  { effectiveType: 'slow-2g' }]) {
  test(`${JSON.stringify(connection)}: nothing but the loader until the shopper shows intent`, () => {
    const p = page({ connection });
    assert.equal(p.idle.length, 0, 'no idle preload scheduled');
    p.pageLoaded();
    runIdle(p);
    p.win.natter('identify', { email: 'ana@example.com' });
    p.win.natter('on', 'message', () => {});
    assert.equal(p.scripts().length, 0, 'queued commands without intent load nothing');
    launcherOf(p).fire('pointerover');
    assert.equal(p.scripts().length, 1, 'the pointer over the launcher loads the core');
  });
}

test('without requestIdleCallback (Safari) only intent loads the core: no timer stands in for idle', () => {
  const p = page({ idleCallbacks: false, connection: { effectiveType: '4g' } });
  p.pageLoaded();
  assert.equal(p.scripts().length, 0);
  launcherOf(p).fire('focus');
  assert.equal(p.scripts().length, 1, 'focus on the launcher is intent');
});

for (const [name, args] of [['open', ['open']], ['send', ['send', 'hi']], ['toggle', ['toggle']]]) {
  test(`natter('${name}') is intent: it loads the core on a Save-Data connection`, () => {
    const p = page({ connection: { saveData: true } });
    p.win.natter(...args);
    assert.equal(p.scripts().length, 1);
  });
}

test("a stub queue with only 'identify' waits; one with 'open' loads at once", () => {
  const quiet = page({ connection: { saveData: true }, stub: (n) => n('identify', { email: 'ana@example.com' }) });
  assert.equal(quiet.scripts().length, 0);
  const eager = page({ connection: { saveData: true }, stub: (n) => { n('identify', {}); n('open'); } });
  assert.equal(eager.scripts().length, 1);
});
