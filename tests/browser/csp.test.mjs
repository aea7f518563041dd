// The storefront under a strict Content-Security-Policy (served by the
// reference server's pageHeaders): the widget opens and completes a chat
// round trip, and a voice call (its code chunk, worker and worklets), without
// a single securitypolicyviolation. Without
// 'wasm-unsafe-eval' it cannot run, and says which directive to add.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, eventually } from './harness.mjs';

const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ws: wss:";
const NO_WASM = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:";
const HINT = /^\[natter\] the chat could not start: NatterCspError: .*add 'wasm-unsafe-eval' to its script-src directive/;

let stack;
before(async () => {
  stack = await startStack({
    // A fake microphone (a tone) for the voice call under the policy.
    extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
    server: {
      pageHeaders: {
        '/csp/': { 'Content-Security-Policy': STRICT },
        '/csp-no-wasm/': { 'Content-Security-Policy': NO_WASM },
      },
    },
  });
  // Every violation, from the first byte of every page (composed events
  // from inside the shadow root reach window in the capture phase).
  await stack.context.addInitScript(() => {
    const seen = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    window.addEventListener('securitypolicyviolation', (e) => {
      seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    }, true);
  });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const violations = (s) => s.page.evaluate(() => window.__cspViolations);

for (const page of ['/csp/', '/csp/demo/live.html']) {
  test(`${page}: opening the panel and a chat round trip cause no CSP violation`, async () => {
    const s = await openStorefront(stack, { path: page });
    const header = await s.page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.equal(header, STRICT, 'the page really is under the strict policy');
    await s.openChat();
    await s.textarea.fill('do you have PS5 games?');
    await s.sendButton.click();
    await s.finishedReplies.first().waitFor();
    assert.match(await s.finishedReplies.first().innerText(), /\S/);
    await s.page.evaluate(() => new Promise((r) => setTimeout(r, 100))); // late reports
    assert.deepEqual(await violations(s), []);
    s.assertClean();
  });
}

test('/csp/demo/live.html: a voice call loads its runtime chunk, worker and worklets without a CSP violation', async () => {
  const s = await openStorefront(stack, { path: '/csp/demo/live.html' });
  await s.openChat();
  await s.widget.locator('.status-text', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await s.widget.getByRole('button', { name: 'Start a voice call' }).click();
  // In the call with the microphone, which needs the worklets and the worker
  // (the fake device's tone keeps the VAD at user_speaking).
  const inCall = ['listening', 'user_speaking', 'agent_speaking'].map((st) => `[data-state="${st}"]`).join(',');
  await s.widget.locator(`.voice:is(${inCall})`).waitFor({ state: 'attached', timeout: 20_000 });
  const loaded = await s.page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  // (worklet modules are not in the page's resource timing)
  for (const file of [/^\/natter\.voiceruntime\.[0-9a-f]{12}\.js$/, /^\/natter\.voice\.[0-9a-f]{12}\.js$/]) {
    assert.ok(loaded.some((p) => file.test(p)), `${file} loaded: ${loaded.join(' ')}`);
  }
  await s.widget.getByRole('button', { name: 'End call' }).click();
  await s.widget.locator('.voice[data-state="off"]').waitFor({ state: 'attached' });
  await s.page.evaluate(() => new Promise((r) => setTimeout(r, 100))); // late reports
  assert.deepEqual(await violations(s), []);
  s.assertClean();
});

test("without 'wasm-unsafe-eval' the widget prints one error naming the directive to add", async () => {
  const s = await openStorefront(stack, { path: '/csp-no-wasm/' });
  await s.launcher.click();
  await eventually(() => assert.ok(s.consoleLines.some((l) => HINT.test(l)), 'the hint is printed'));
  await s.page.evaluate(() => new Promise((r) => setTimeout(r, 300))); // nothing more follows
  const ours = s.problems.filter((p) => p.text.startsWith('[natter]'));
  assert.equal(ours.length, 1, JSON.stringify(ours, null, 1));
  assert.match(ours[0].text, HINT);
  const blocked = await violations(s);
  assert.ok(blocked.length >= 1 && blocked.every((v) => v.directive === 'script-src' && v.blocked === 'wasm-eval'),
    JSON.stringify(blocked));
  // Chromium's own report of the blocked compile is the only other line.
  const others = s.problems.filter((p) => !p.text.startsWith('[natter]'));
  assert.ok(others.every((p) => /WebAssembly|Content Security Policy/.test(p.text)), JSON.stringify(others, null, 1));
  assert.equal(await s.panel.count(), 0, 'no panel without the core');
});
