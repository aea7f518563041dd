// The storefront under a strict Content-Security-Policy, one definition for
// every engine: a chat round trip, and on the live page a voice call (its
// code chunk, worker and worklets), without a single securitypolicyviolation.
// Violations are seen by a listener on window (composed events from the
// shadow root reach it in the capture phase), put in before the page's
// scripts where the driver can (Chromium, Firefox) and right after load in
// WebKitGTK (classic WebDriver has no preload scripts; the round trip and
// the call, which load the chunk, the worker and the worklets, come after).
// And a page whose policy refuses WebAssembly: the widget says what to add
// and runs its core in a frame from its own origin (shim/frame/).
import assert from 'node:assert/strict';
import { widgetOn, eventually } from '../widget.mjs';

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ws: wss:";
// The same without 'wasm-unsafe-eval': the core runs in a frame from the widget's origin (shim/frame/).
export const NO_WASM_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:";
export const NO_WASM_PAGE = '/csp-no-wasm/';
export const CSP_PAGES = {
  '/csp/': { 'Content-Security-Policy': STRICT_CSP },
  [NO_WASM_PAGE]: { 'Content-Security-Policy': NO_WASM_CSP },
};

function recordViolations() {
  if (window.__cspViolations) return;
  const seen = [];
  const thrown = [];
  Object.defineProperty(window, '__cspViolations', { value: seen });
  Object.defineProperty(window, '__pageErrors', { value: thrown });
  window.addEventListener('securitypolicyviolation', (e) => {
    seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
  }, true);
  // What the page itself sees thrown: a driver may also report an engine's
  // own CSP message as an uncaught error (Firefox's BiDi log does).
  window.addEventListener('error', (e) => thrown.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => thrown.push(String(e.reason?.message ?? e.reason)));
}
const violations = (w) => w.page.evaluate(() => window.__cspViolations);
const pageErrors = (w) => w.page.evaluate(() => window.__pageErrors);

// `stack.strictCsp`, `stack.noWasmCsp`: the policies of a shop on its own origins (tests/engines/deploy.mjs).
async function assertPolicy(w, expected) {
  const header = await w.page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
  assert.equal(header, expected, 'the page really is under the policy');
}
const assertStrict = (w, stack) => assertPolicy(w, stack.strictCsp ?? STRICT_CSP);

// Where the widget's files come from: the CDN on three origins, else the page's own server.
const widgetOrigin = (stack) => stack.origins?.cdn ?? new URL(stack.server.url).origin;
// What an engine itself logs about the refused compile. Firefox's comes
// through its driver as an uncaught error, though nothing in the page throws
// (the story checks that with the page's own error listeners).
const ENGINE_WASM_CSP_LINES = [
  /^uncaught: Content-Security-Policy: The page’s settings blocked WebAssembly \(script-src\) from being executed because it violates the following directive: “script-src 'self'[^”]*” \(Missing 'wasm-unsafe-eval' or 'unsafe-eval'\)$/,
];
const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const cspStories = [
  {
    name: 'strict CSP: opening the panel and a chat round trip cause no violation',
    async run({ browser, stack }) {
      const w = widgetOn(await browser.open(new URL('/csp/', stack.server.url).href, { init: recordViolations }));
      await assertStrict(w, stack);
      await w.openChat();
      await w.send('do you have PS5 games?');
      await w.finishedReplies();
      assert.deepEqual(await violations(w), []);
      await w.assertClean();
    },
  },
  {
    name: 'strict CSP, live page: a voice call (chunk, worker, worklets) causes no violation',
    async run({ browser, stack }) {
      const w = widgetOn(await browser.open(new URL('/csp/demo/live.html', stack.server.url).href, { init: recordViolations }));
      await assertStrict(w, stack);
      await w.openChat();
      await w.waitConnected();
      await w.click('button[aria-label="Start a voice call"]');
      await w.waitFor('.voice[data-state="listening"]', { timeout: 20_000 }); // greeting played: everything loaded
      await w.click('button.voice-end');
      await w.waitFor('.voice[data-state="off"]');
      assert.deepEqual(await violations(w), []);
      await w.assertClean();
    },
  },
  {
    name: "no 'wasm-unsafe-eval': one error names the directive, the core runs in a frame from the widget's origin, and the chat works",
    async run({ browser, stack }) {
      const w = widgetOn(await browser.open(new URL(NO_WASM_PAGE, stack.server.url).href, { init: recordViolations }));
      await assertPolicy(w, stack.noWasmCsp ?? NO_WASM_CSP);
      await w.openChat();
      const origin = widgetOrigin(stack);
      // (read with evaluate, not w.all: its pick function needs eval, which this policy refuses)
      const frames = await w.page.evaluate(() => [...document.querySelector('natter-widget').shadowRoot.querySelectorAll('iframe')].map((el) => el.src));
      assert.equal(frames.length, 1, `one core frame: ${frames.join(' ')}`);
      assert.equal(new URL(frames[0]).origin, origin, 'the frame is from the widget\'s origin');
      assert.match(new URL(frames[0]).pathname, /\/natter\.frame\.[0-9a-f]{12}\.html$/);

      await w.send('do you have PS5 games?');
      await w.finishedReplies();
      await w.send('any Switch games?');
      await eventually(async () => assert.equal(await w.count('li.msg.agent[aria-busy="false"]'), 2, 'two replies'), { timeout: 15_000 });
      const asked = await w.page.evaluate(() => [...document.querySelector('natter-widget').shadowRoot.querySelectorAll('li.msg.user .bubble')].map((el) => el.textContent));
      assert.deepEqual(asked, ['do you have PS5 games?', 'any Switch games?'], 'each sent once');
      assert.equal(await w.value('textarea'), '', 'Enter sent it: no newline left behind');
      assert.deepEqual(Object.values((await stack.stats()).agent_runs), [1, 1], 'the agent ran once per message');
      const debug = await w.page.evaluate(() => window.natter('debug'));
      assert.match(debug.conversation_id, /\S/, "natter('debug') answers from the frame's core");

      // The page refused the WebAssembly compile (seen where the driver
      // records from the first script: WebKitGTK's starts after load) and
      // nothing else.
      const blocked = await violations(w);
      if (browser.can.initScripts) assert.ok(blocked.length >= 1, 'the compile was refused');
      assert.ok(blocked.every((v) => v.directive === 'script-src'), JSON.stringify(blocked));
      // Our one line says what to add and where the chat runs; the engine's
      // own report of the refused compile is the only other line allowed.
      const framed = new RegExp(`^\\[natter\\] this page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to its script-src directive .*Meanwhile the chat runs inside a frame from ${escaped(origin)}\\.$`);
      const ours = (await w.page.consoleLines()).filter((l) => l.text.startsWith('[natter]'));
      if (browser.can.consoleFromLoad) assert.equal(ours.length, 1, JSON.stringify(ours));
      assert.ok(ours.every((l) => framed.test(l.text)), JSON.stringify(ours));
      assert.deepEqual(await pageErrors(w), [], 'nothing thrown in the page');
      await w.assertClean([framed, ...ENGINE_WASM_CSP_LINES]);
    },
  },
];
