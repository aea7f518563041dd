// The storefront under a strict Content-Security-Policy (served by the
// reference server's pageHeaders): the widget opens and completes a chat
// round trip, and a voice call (its code chunk, worker and worklets), without
// a single securitypolicyviolation. Without 'wasm-unsafe-eval' it says which
// directive to add and runs its core in a frame from its own origin
// (shim/frame/); with frames forbidden too, it says both and stays a launcher.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, eventually, recordCspViolations, cspViolations } from './harness.mjs';

const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ws: wss:";
const NO_WASM = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:";
const NO_WASM_NO_FRAME = `${NO_WASM}; frame-src 'none'`;
const FRAMED = /^\[natter\] this page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to its script-src directive .*Meanwhile the chat runs inside a frame from http:\/\/127\.0\.0\.1:\d+\.$/;
const BOTH = /^\[natter\] the chat could not start: .*add 'wasm-unsafe-eval' to its script-src directive .*, or allow frame-src http:\/\/127\.0\.0\.1:\d+ /;

let stack;
before(async () => {
  stack = await startStack({
    // A fake microphone (a tone) for the voice call under the policy.
    extraArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
    server: {
      pageHeaders: {
        '/csp/': { 'Content-Security-Policy': STRICT },
        '/csp-no-wasm/': { 'Content-Security-Policy': NO_WASM },
        '/csp-no-frame/': { 'Content-Security-Policy': NO_WASM_NO_FRAME },
      },
    },
  });
  await recordCspViolations(stack.context);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const violations = (s) => cspViolations(s.page);

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

const ours = (s) => s.problems.filter((p) => p.text.startsWith('[natter]'));
const settle = (s, ms) => s.page.evaluate((t) => new Promise((r) => setTimeout(r, t)), ms);
// What Chromium itself logs about a blocked compile or frame: the only other lines allowed.
const chromiumCspLines = (s) => s.problems.filter((p) => !p.text.startsWith('[natter]'))
  .filter((p) => !/WebAssembly|Content Security Policy/.test(p.text));
// The violations seen inside the core frame (the init script runs there too).
const frameViolations = async (s) => {
  const frame = s.page.frames().find((f) => /natter\.frame\.[0-9a-f]+\.html$/.test(f.url()));
  assert.ok(frame, 'the core frame is there');
  return cspViolations(frame);
};

for (const page of ['/csp-no-wasm/', '/csp-no-wasm/demo/live.html']) {
  test(`${page}: without 'wasm-unsafe-eval' one error names the directive, and the chat runs in a frame`, async () => {
    const s = await openStorefront(stack, { path: page });
    await s.openChat();
    await eventually(() => assert.equal(ours(s).length, 1));
    assert.match(ours(s)[0].text, FRAMED);

    await s.textarea.fill('do you have PS5 games?');
    await s.textarea.press('Enter');
    await s.finishedReplies.first().waitFor();
    assert.match(await s.finishedReplies.first().innerText(), /\S/);
    assert.equal(await s.textarea.inputValue(), '', 'Enter sent it: no newline left behind');
    assert.equal(await s.userBubbles.count(), 1, 'sent exactly once');

    await s.textarea.fill('first line');
    await s.textarea.press('Shift+Enter');
    await s.textarea.press('x');
    assert.equal(await s.textarea.inputValue(), 'first line\nx', 'Shift+Enter is a newline');
    await s.textarea.press('Enter');
    await eventually(() => s.userBubbles.count().then((n) => assert.equal(n, 2)));
    assert.equal(await s.textarea.inputValue(), '');

    const debug = await s.page.evaluate(() => window.natter('debug'));
    assert.match(debug.conversation_id, /\S/, "natter('debug') answers from the frame's core");
    assert.ok(debug.stats && typeof debug.stats === 'object');

    await settle(s, 200); // late reports
    const blocked = await violations(s);
    assert.ok(blocked.length >= 1 && blocked.every((v) => v.directive === 'script-src' && v.blocked === 'wasm-eval'),
      JSON.stringify(blocked));
    assert.deepEqual(await frameViolations(s), [], 'the frame runs under its own policy without a violation');
    assert.equal(ours(s).length, 1, JSON.stringify(ours(s), null, 1));
    assert.deepEqual(chromiumCspLines(s), []);
  });
}

test('with frames forbidden too, one error names both fixes and the widget stays a launcher', async () => {
  const s = await openStorefront(stack, { path: '/csp-no-frame/' });
  await s.launcher.click();
  await eventually(() => assert.equal(ours(s).length, 1), { timeout: 12000 });
  assert.match(ours(s)[0].text, BOTH);
  await settle(s, 300); // nothing more follows
  assert.equal(ours(s).length, 1, JSON.stringify(ours(s), null, 1));
  assert.ok(!s.problems.some((p) => p.text.startsWith('uncaught')), JSON.stringify(s.problems, null, 1));
  assert.deepEqual(chromiumCspLines(s), []);
  const blocked = await violations(s);
  assert.ok(blocked.some((v) => v.directive === 'script-src' && v.blocked === 'wasm-eval'), JSON.stringify(blocked));
  assert.ok(blocked.some((v) => v.directive === 'frame-src'), JSON.stringify(blocked));
  assert.equal(await s.panel.count(), 0, 'no panel without the core');
  assert.equal(await s.widget.locator('iframe').count(), 0, 'the blocked frame is removed');
});
