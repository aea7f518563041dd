// Voice mode end to end: Chromium's fake microphone plays an espeak-ng WAV
// into the widget; the reference voice gateway (tools/gateway/voice/)
// decodes what arrives, answers with spoken replies, and records what it
// heard. Stated thresholds: the gateway's recording matches the source
// speech with a 10 ms envelope correlation of at least 0.7 (measured values
// are printed).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, launchChromium, eventually, CHROMIUM_NO_WASM_SIMD } from './harness.mjs';
import { openConnected, type, setNetwork, receivedOf } from './session-helpers.mjs';
import {
  speechWav, readWav, envelope, bestLoopCorrelation, micArgs, recordVoiceStates, gatewayCall as gatewayCallOf,
} from './voice-audio.mjs';
import { assertAxeClean } from './axe.mjs';
import { V128_MODULE } from './wasm-simd.mjs';
import { english } from './english.mjs';

const ENTER_IGNORED = '[natter] Enter ignored in voice mode';
const MIN_ENVELOPE_CORRELATION = 0.7;
const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-'));
// 4 s of silence (the greeting plays meanwhile), a question, 3 s of silence: a 10 s loop.
const shopperWav = speechWav(dir, 'shopper', 'Hello, I am looking for running shoes in size nine. Do you have any?',
  { leadSeconds: 4, tailSeconds: 3 });
// Counts getUserMedia calls and keeps the streams (to check their tracks);
// `deny` makes every call fail as a refused permission prompt does.
const micSpy = (deny = false) => (page) => page.addInitScript((denied) => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  window.__mic = { calls: 0, streams: [] };
  md.getUserMedia = async (constraints) => {
    window.__mic.calls++;
    window.__mic.constraints = constraints;
    if (denied) throw new DOMException('Permission denied', 'NotAllowedError');
    const stream = await real(constraints);
    window.__mic.streams.push(stream);
    return stream;
  };
}, deny);

let stack;
// The live page under a policy that forbids compiling WebAssembly: the
// core runs in the frame (shim/frame/); the voice worker has its own.
const NO_WASM = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:";
before(async () => {
  stack = await startStack({
    extraArgs: micArgs(shopperWav),
    server: { pageHeaders: { '/csp-no-wasm/': { 'Content-Security-Policy': NO_WASM } } },
  });
});
after(async () => { await stack?.close(); rmSync(dir, { recursive: true, force: true }); });
beforeEach(() => stack.reset());

function voiceUi(s) {
  return {
    start: s.widget.getByRole('button', { name: 'Start a voice call' }),
    end: s.widget.getByRole('button', { name: 'End call' }),
    bar: s.widget.locator('[part="voice-bar"]'),
    state: () => s.widget.locator('[part="voice-bar"]').getAttribute('data-state'),
    waitFor: (state, timeout = 15_000) => s.widget.locator(`.voice[data-state="${state}"]`).waitFor({ state: 'attached', timeout }),
  };
}

const sessionIdOf = (s) => s.sockets[0].sent.find((f) => f.type === 'hello').session_id;
const framesOf = (s, type) => s.sockets.flatMap((w) => w.sent.filter((f) => f.type === type));
const gatewayCall = (s) => gatewayCallOf(stack, s);

test('a call: the greeting plays, the gateway hears the shopper, 30 s and 10 Enters do not end it, typed text is sent once, End frees the mic', async () => {
  const s = await openConnected(stack, { onPage: micSpy() });
  const ui = voiceUi(s);
  await recordVoiceStates(s.page);
  await ui.start.click();
  await ui.waitFor('agent_speaking');                // the greeting
  await ui.waitFor('listening');                     // ... played to its end
  assert.equal(framesOf(s, 'voice.start')[0].greeting, true);
  assert.ok(receivedOf(s, 'voice.agent').some((f) => f.state === 'start' && f.utterance === 1));
  const constraints = await s.page.evaluate(() => window.__mic.constraints.audio);
  assert.deepEqual(constraints, { echoCancellation: true, noiseSuppression: true, autoGainControl: true });

  // The gateway decodes the shopper's question as one speech segment.
  await eventually(async () => assert.ok((await gatewayCall(s))?.segments_heard >= 1, 'a segment heard'), { timeout: 20_000 });

  // 30 s more, with 10 Enter presses: the call stays up. The first has text in
  // the box, which goes as the shopper's turn (typing during a call is heard);
  // the other nine, on the emptied box, are the call's and change nothing.
  await s.textarea.fill('typing while talking');
  for (let i = 0; i < 10; i++) {
    await s.textarea.press('Enter');
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(!['off', 'ending'].includes(await ui.state()), `still in the call after Enter ${i + 1}`);
  }
  assert.equal(s.linesMatching(ENTER_IGNORED).length, 9);
  assert.equal(framesOf(s, 'voice.end').length, 0);
  assert.deepEqual(s.msgsSent().map((m) => m.text), ['typing while talking'], 'the typed text sent once');
  assert.equal(await s.textarea.inputValue(), '');
  assert.ok(receivedOf(s, 'voice.agent').some((f) => f.state === 'start' && f.utterance >= 2), 'the agent answered');

  // What the gateway heard is the source speech.
  const res = await fetch(`${stack.server.url.replace(/\/$/, '')}/__natter/voice/heard?session_id=${sessionIdOf(s)}`);
  assert.equal(res.status, 200);
  const heard = (await res.json()).envelope; // RMS per 10 ms: the gateway never hands out the audio
  const source = envelope(readWav(shopperWav));
  assert.ok(heard.length >= source.length, `recorded ${heard.length * 10} ms`);
  const r = bestLoopCorrelation(source, heard.slice(heard.length - source.length));
  console.log(`# gateway recording vs source: envelope correlation ${r.toFixed(3)}`);
  assert.ok(r >= MIN_ENVELOPE_CORRELATION, `envelope correlation ${r.toFixed(3)}`);
  // The support dump says how long microphone audio waits in the page (a figure for the bench, not a target here).
  const uplink = await s.page.evaluate(() => window.natter('debug').voice_uplink_ms);
  assert.ok(uplink && uplink.count > 100 && uplink.median >= 0 && uplink.p95 >= uplink.median, JSON.stringify(uplink));
  // Chromium has WASM SIMD: the faster codec build (shim/voice/codec-build.js).
  assert.equal(await s.page.evaluate(() => window.natter('debug').voice_route.codec), 'simd');
  assert.ok(s.requests.some((url) => /\/natter\.voice\.[0-9a-f]{12}\.wasm$/.test(url)), 'the SIMD codec fetched');
  assert.ok(!s.requests.some((url) => url.includes('natter.voicescalar.')), 'the scalar codec not fetched');

  // End: the microphone is released at once, and the call closes.
  await ui.end.click();
  assert.equal(await s.page.evaluate(() => window.__mic.streams.every((m) => m.getTracks().every((t) => t.readyState === 'ended'))), true);
  await ui.waitFor('off');
  assert.equal(framesOf(s, 'voice.end').length, 1);
  const states = await s.page.evaluate(() => window.__voiceStates);
  assert.equal(states[0], 'requesting_mic', String(states));
  assert.ok(states.includes('agent_speaking') && states.includes('listening') && states.at(-1) === 'off', String(states));
  assert.equal(await s.page.evaluate(() => window.__mic.calls), 1);
  s.assertClean();
});

// Safari before 16.4 has no WASM SIMD; this Chromium has none either.
test('an engine without WASM SIMD gets the scalar codec: the greeting plays and the gateway hears the shopper', async () => {
  const browser = await launchChromium([...micArgs(shopperWav), ...CHROMIUM_NO_WASM_SIMD]);
  try {
    const s = await openConnected({ ...stack, context: browser.context }, {});
    assert.equal(await s.page.evaluate((bytes) => WebAssembly.validate(new Uint8Array(bytes)), V128_MODULE), false,
      'this Chromium has no WASM SIMD');
    const ui = voiceUi(s);
    await ui.start.click();
    await ui.waitFor('agent_speaking');
    await ui.waitFor('listening');
    await eventually(async () => assert.ok((await gatewayCall(s))?.segments_heard >= 1, 'a segment heard'), { timeout: 20_000 });
    assert.equal((await gatewayCall(s)).bad_packets, 0, 'every packet decoded');
    assert.equal(await s.page.evaluate(() => window.natter('debug').voice_route.codec), 'scalar');
    assert.ok(s.requests.some((url) => /\/natter\.voicescalar\.[0-9a-f]{12}\.wasm$/.test(url)), 'the scalar codec fetched');
    assert.ok(!s.requests.some((url) => /\/natter\.voice\.[0-9a-f]{12}\.wasm$/.test(url)), 'the SIMD codec not fetched');
    await ui.end.click();
    await ui.waitFor('off');
    s.assertClean();
  } finally {
    await browser.close();
  }
});

test('microphone denied: a clear message, voice off, and text chat carries on', async () => {
  const s = await openConnected(stack, { onPage: micSpy(true) });
  const ui = voiceUi(s);
  await ui.start.click();
  await s.widget.getByText('Microphone access was denied. You can keep chatting by text.').waitFor();
  await ui.waitFor('off');
  await ui.start.waitFor({ state: 'visible' });
  await type(s, 'do you have PS5 games?');
  await s.finishedReplies.first().waitFor();
  assert.equal(s.msgsSent().length, 1);
  s.assertClean();
});

test('the voice code cannot download: the core is told, no microphone is asked for, text chat carries on', async () => {
  let asked = 0;
  const s = await openConnected(stack, {
    onPage: async (page) => {
      await micSpy()(page);
      await page.route(/\/natter\.voiceruntime\.[0-9a-f]{12}\.js$/, (route) => { asked++; return route.abort('connectionreset'); });
    },
  });
  const ui = voiceUi(s);
  assert.equal(asked, 0, 'the voice runtime is not downloaded before the first call');
  await ui.start.click();
  await s.widget.getByText(english['notice.voiceBlocked']).waitFor(); // not "No microphone was found": none was asked for
  await ui.waitFor('off');
  assert.equal(asked, 1);
  assert.equal(await s.page.evaluate(() => window.__mic.calls), 0);
  await type(s, 'do you have PS5 games?');
  await s.finishedReplies.first().waitFor();
  assert.equal(s.msgsSent().length, 1);
  const manifest = JSON.parse(readFileSync(new URL('../../dist/manifest.json', import.meta.url), 'utf8'));
  const chunk = new URL(manifest.files.voice_runtime_js.path, stack.server.url).href;
  s.assertClean([
    { text: 'Failed to load resource: net::ERR_CONNECTION_RESET', url: chunk },
    { text: `[natter] voice: the voice code could not load: could not load ${chunk}` },
  ]);
});

test('a 2 s network cut mid-call: voice resumes on the new session without asking for the mic again', async () => {
  const s = await openConnected(stack, { onPage: micSpy() });
  const ui = voiceUi(s);
  await ui.start.click();
  await ui.waitFor('listening');
  const cdp = await stack.context.newCDPSession(s.page);
  await cdp.send('Network.enable');
  await setNetwork(s.page, cdp, false);
  await stack.killSessions();
  await ui.waitFor('connecting');
  await new Promise((r) => setTimeout(r, 2000));
  await setNetwork(s.page, cdp, true);
  await s.waitForStatus('Connected');
  await eventually(() => assert.equal(framesOf(s, 'voice.start').length, 2));
  const again = framesOf(s, 'voice.start')[1];
  assert.equal(again.greeting, false, 'no second greeting');
  assert.equal(again.call_id, framesOf(s, 'voice.start')[0].call_id, 'the same call');
  const before = (await gatewayCall(s)).frames_received;
  await eventually(async () => assert.ok((await gatewayCall(s)).frames_received > before + 25, 'audio flows again'));
  assert.notEqual(await ui.state(), 'off');
  assert.equal(await s.page.evaluate(() => window.__mic.calls), 1, 'no new microphone prompt');
  assert.equal(receivedOf(s, 'voice.agent').filter((f) => f.state === 'start' && f.utterance === 1).length, 1);
  await ui.end.click();
  await ui.waitFor('off');
});

test('keyboard only: start a call, hear the state announced, end it; axe is clean in voice mode', async () => {
  const s = await openConnected(stack, { onPage: micSpy() });
  const ui = voiceUi(s);
  await s.textarea.focus();
  await s.page.keyboard.press('Tab');                 // the microphone button follows the text box
  const focused = () => s.page.evaluate(() => document.querySelector('natter-widget').shadowRoot.activeElement?.getAttribute('part'));
  assert.equal(await focused(), 'voice-start');
  await s.page.keyboard.press('Enter');
  await ui.waitFor('listening');
  const live = s.widget.locator('.voice-state');
  assert.equal(await live.getAttribute('role'), 'status');
  assert.equal(await live.getAttribute('aria-live'), 'polite');
  // The fake microphone talks and the agent answers, so the call may have
  // moved on: read the state and its words in one go.
  const shown = await s.widget.locator('[part="voice-bar"]').evaluate((bar) => ({
    state: bar.dataset.state, text: bar.querySelector('.voice-state').textContent,
  }));
  assert.ok(['listening', 'user_speaking', 'agent_speaking'].includes(shown.state), shown.state);
  assert.equal(shown.text, english[`voice.state.${shown.state}`], 'the state in words');
  await assertAxeClean(s.page, 'voice mode, in a call');
  assert.equal(await focused(), 'input', 'focus went to the text box, not to End call');
  await s.page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), 'voice-end', 'End call is one Shift+Tab away');
  await s.page.keyboard.press('Enter');
  await ui.waitFor('off');
  assert.equal(await focused(), 'voice-start', 'focus returns to the microphone button');
  assert.equal(await s.page.evaluate(() => window.__mic.streams.every((m) => m.getTracks().every((t) => t.readyState === 'ended'))), true);
});

test('Mute stops every microphone packet until Unmute, and says so', async () => {
  const s = await openConnected(stack, { onPage: micSpy() });
  const ui = voiceUi(s);
  await ui.start.click();
  await ui.waitFor('listening', 30_000);
  const mute = s.widget.locator('[part="voice-mute"]');
  // On the WebSocket, plus those on the WebRTC data channel once the call climbed to it.
  const packetsSent = async () => s.sockets.reduce((n, w) => n + w.sent.filter((f) => f.binary).length, 0)
    + ((await s.page.evaluate(() => window.natter('debug').voice_route))?.sent ?? 0);
  await eventually(async () => assert.ok(await packetsSent() > 0, 'the microphone is heard before muting'));
  await mute.click();
  await eventually(async () => assert.equal(await mute.getAttribute('aria-pressed'), 'true'));
  assert.equal(await mute.textContent(), english['voice.unmute']);
  await eventually(async () => {
    const bar = await s.widget.locator('[part="voice-bar"]').evaluate((b) => ({ state: b.dataset.state, text: b.querySelector('.voice-state').textContent }));
    if (bar.state === 'listening' || bar.state === 'user_speaking') assert.equal(bar.text, english['voice.state.muted']);
    else assert.equal(bar.text, english[`voice.state.${bar.state}`]);
  });
  // Packets already in flight may still land; after that, silence on the wire.
  await s.page.waitForTimeout(300);
  const atMute = await packetsSent();
  await s.page.waitForTimeout(1500);
  assert.equal(await packetsSent(), atMute, 'no microphone packet leaves while muted (75 would in 1.5 s)');
  assert.equal(await s.page.evaluate(() => window.__mic.streams.every((m) => m.getTracks().every((t) => t.readyState === 'live'))), true,
    'muting keeps the microphone (no new permission prompt to unmute)');
  await mute.click();
  await eventually(async () => assert.equal(await mute.getAttribute('aria-pressed'), 'false'));
  await eventually(async () => assert.ok(await packetsSent() > atMute + 10, 'packets flow again after Unmute'), { timeout: 10_000 });
  assert.equal(framesOf(s, 'voice.end').length, 0, 'muting never ends the call');
  await ui.end.click();
  await ui.waitFor('off');
});

test("a page that forbids compiling WebAssembly: with the core in the frame a call still works", async () => {
  const s = await openConnected(stack, { path: '/csp-no-wasm/demo/live.html', onPage: micSpy() });
  const ui = voiceUi(s);
  await ui.start.click();
  await ui.waitFor('agent_speaking');
  await ui.waitFor('listening');
  await eventually(async () => assert.ok((await gatewayCall(s))?.segments_heard >= 1, 'a segment heard'), { timeout: 20_000 });
  await s.textarea.press('Enter'); // on the empty box: the call's, ignored
  await eventually(() => assert.equal(s.linesMatching(ENTER_IGNORED).length, 1));
  await s.textarea.fill('typing while talking');
  await s.textarea.press('Enter'); // with text: sent as the shopper's turn, the call goes on
  await eventually(() => assert.deepEqual(s.msgsSent().map((m) => m.text), ['typing while talking']));
  assert.ok(!['off', 'ending'].includes(await ui.state()), 'still in the call');
  await ui.end.click();
  await ui.waitFor('off');
  const ours = s.problems.filter((p) => p.text.startsWith('[natter]'));
  assert.equal(ours.length, 1, JSON.stringify(ours, null, 1));
  assert.match(ours[0].text, /add 'wasm-unsafe-eval' .*Meanwhile the chat runs inside a frame from/);
  const others = s.problems.filter((p) => !p.text.startsWith('[natter]'));
  assert.deepEqual(others, []);
});
