// The storefront under a strict Content-Security-Policy, one definition for
// every engine: a chat round trip, and on the live page a voice call (its
// code chunk, worker and worklets), without a single securitypolicyviolation.
// Violations are seen by a listener on window (composed events from the
// shadow root reach it in the capture phase), put in before the page's
// scripts where the driver can (Chromium, Firefox) and right after load in
// WebKitGTK (classic WebDriver has no preload scripts; the round trip and
// the call, which load the chunk, the worker and the worklets, come after).
import assert from 'node:assert/strict';
import { widgetOn } from '../widget.mjs';

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ws: wss:";
export const CSP_PAGES = { '/csp/': { 'Content-Security-Policy': STRICT_CSP } };

function recordViolations() {
  if (window.__cspViolations) return;
  const seen = [];
  Object.defineProperty(window, '__cspViolations', { value: seen });
  window.addEventListener('securitypolicyviolation', (e) => {
    seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
  }, true);
}
const violations = (w) => w.page.evaluate(() => window.__cspViolations);

// `stack.strictCsp`: the policy of a shop on its own origins (tests/engines/deploy.mjs).
async function assertStrict(w, stack) {
  const header = await w.page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
  assert.equal(header, stack.strictCsp ?? STRICT_CSP, 'the page really is under the strict policy');
}

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
];
