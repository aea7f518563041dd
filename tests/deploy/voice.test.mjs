// A voice call as shops run it: the page on https://shop.test (a secure
// context on a real host name, so getUserMedia works), the widget and its
// voice files from the CDN origin, the live session wss:// to the agent
// behind HAProxy, under the strict CSP. Chromium's fake microphone plays an
// espeak-ng question; the greeting plays in the page (its audio packets
// arrive, the bar goes agent_speaking -> listening), and the gateway hears
// the shopper (a decoded speech segment; its recording matches the source).
// The call climbs to direct WebRTC (the gateway's UDP is not behind
// HAProxy) and the audio goes both ways on its data channel, in both modes.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '../browser/harness.mjs';
import { openConnected } from '../browser/session-helpers.mjs';
import { speechWav, readWav, envelope, bestLoopCorrelation, micArgs, recordVoiceStates, assertAudioBothWaysOnTheChannel } from '../browser/voice-audio.mjs';
import { startThreeOrigins } from './three-origins.mjs';

const MIN_ENVELOPE_CORRELATION = 0.7; // as tests/browser/voice.test.mjs
const dir = mkdtempSync(path.join(tmpdir(), 'natter-deploy-voice-'));
// 4 s of silence (the greeting plays meanwhile), the question, 3 s of silence: a 10 s loop.
const shopperWav = speechWav(dir, 'shopper', 'Hello, I am looking for running shoes in size nine. Do you have any?',
  { leadSeconds: 4, tailSeconds: 3 });

let stack;
before(async () => {
  stack = await startThreeOrigins({ extraArgs: micArgs(shopperWav) });
  stack.page('/voice.html', { csp: stack.csp.strict, data: { transport: 'session' } });
  stack.page('/voice-no-wasm.html', { csp: stack.csp.noWasm, data: { transport: 'session' } });
  await stack.context.addInitScript(() => {
    const seen = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    window.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI }), true);
  });
});
after(async () => { await stack?.close(); rmSync(dir, { recursive: true, force: true }); });
beforeEach(() => stack.reset());

const waitForVoice = (s, state, timeout = 20_000) =>
  s.widget.locator(`.voice[data-state="${state}"]`).waitFor({ state: 'attached', timeout });
const binaryIn = (s) => s.sockets.reduce((n, w) => n + w.received.filter((f) => f.binary).length, 0);

// The main mode, and the frame fallback (the page refuses 'wasm-unsafe-eval':
// the core runs in a frame from the CDN; the voice codec must still work).
for (const [mode, pagePath] of [['main mode', '/voice.html'], ['frame fallback', '/voice-no-wasm.html']]) {
  test(`a voice call across origins (${mode}): the greeting plays and the gateway hears the shopper`, async () => {
    const s = await openConnected(stack, { path: pagePath });
    await recordVoiceStates(s.page);
    await s.widget.getByRole('button', { name: 'Start a voice call' }).click();
    // The greeting, or the widget's own voice error (fails at once, naming it).
    let greeted = false;
    const voiceError = (async () => {
      while (!greeted) {
        const problem = s.problems.find((p) => p.text.startsWith('[natter] voice'));
        if (problem) assert.fail(problem.text);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await Promise.race([waitForVoice(s, 'agent_speaking'), voiceError]);
    } finally {
      greeted = true;
    }
    await waitForVoice(s, 'listening'); // ... played to its end
    assert.ok(binaryIn(s) > 0, 'the greeting arrived as audio packets');
    const hello = s.sockets[0].sent.find((f) => f.type === 'hello');
    const callId = s.sockets.flatMap((w) => w.sent).find((f) => f.type === 'voice.start')?.call_id;
    await eventually(async () => {
      const calls = await stack.control('/__natter/voice/calls');
      const list = Array.isArray(calls) ? calls : calls.calls ?? Object.values(calls).flat();
      assert.ok(list.find((c) => c.call_id === callId)?.segments_heard >= 1, 'the gateway decoded a speech segment');
    }, { timeout: 20_000 });
    // On direct WebRTC, with audio both ways on the data channel (the page's counts and the gateway's).
    await s.widget.locator('.voice[data-rung="webrtc_direct"]').waitFor({ state: 'attached', timeout: 20_000 });
    await assertAudioBothWaysOnTheChannel(s.page, stack, mode);

    const res = await fetch(`${stack.gateway.url}__natter/voice/heard?session_id=${hello.session_id}`);
    assert.equal(res.status, 200);
    const heard = (await res.json()).envelope; // RMS per 10 ms: the gateway never hands out the audio
    const source = envelope(readWav(shopperWav));
    const window = heard.slice(Math.max(0, heard.length - source.length));
    const r = bestLoopCorrelation(source, window);
    console.log(`# gateway recording vs source (across origins): envelope correlation ${r.toFixed(3)}`);
    assert.ok(r >= MIN_ENVELOPE_CORRELATION, `envelope correlation ${r.toFixed(3)}`);

    await s.widget.getByRole('button', { name: 'End call' }).click();
    await waitForVoice(s, 'off', 10_000);
    const violations = await s.page.evaluate(() => window.__cspViolations);
    if (mode === 'main mode') {
      assert.deepEqual(violations, [], 'no CSP violation under the strict policy');
      s.assertClean();
    } else {
      assert.ok(violations.every((v) => v.directive === 'script-src' && v.blocked === 'wasm-eval'), JSON.stringify(violations));
    }
  });
}
