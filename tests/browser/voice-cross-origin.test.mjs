// Voice with the widget embedded from another origin, as the README's
// snippet does: the shop page on http://localhost:P (tests/browser/shop-origin.mjs)
// loads natter.js from the reference server on http://127.0.0.1:Q. A page may
// not start a Worker from a foreign URL, so the voice worker runs inside the
// voice frame from the widget's origin (shim/voice/voice-link.js). With
// Chromium's fake microphone: the shopper's speech reaches the gateway and
// the greeting plays to its end, with no console error, on a page without a
// CSP, under a strict CSP (no blob:, no unsafe-eval), and in the frame
// fallback (no 'wasm-unsafe-eval'), without a CSP violation of the widget's.
// In each, the call climbs to direct WebRTC: the peer connection
// lives on the shop page (the shim's rtc-link.js; CSP has no say over it)
// while the frames come from the worker in the voice frame, and both the
// shopper's and the agent's audio ride the data channel.
// When the browser refuses what voice needs, the shopper reads a clear
// message in their language, the console names the fix once, and text chat
// carries on.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, eventually, recordCspViolations, cspViolations } from './harness.mjs';
import { openLive } from './session-helpers.mjs';
import { speechWav, micArgs, recordVoiceStates, gatewayCall, assertAudioBothWaysOnTheChannel } from './voice-audio.mjs';
import { startShopServer, shopPages } from './shop-origin.mjs';
import { english } from './english.mjs';
import de from '../../shim/i18n/de.js';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-xovoice-'));
// 4 s of silence (the greeting plays meanwhile), a question, 3 s of silence.
const shopperWav = speechWav(dir, 'shopper', 'Hello, I am looking for running shoes in size nine. Do you have any?',
  { leadSeconds: 4, tailSeconds: 3 });

let stack, shop, widget;
const FRAMED = /^\[natter\] this page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' .*Meanwhile the chat runs inside a frame from http:\/\/127\.0\.0\.1:\d+\.$/;

async function startSetup(server = {}) {
  const st = await startStack({ extraArgs: micArgs(shopperWav), server });
  const origin = new URL(st.server.url).origin;
  const sh = await startShopServer(shopPages(origin));
  await recordCspViolations(st.context);
  return { stack: st, shop: sh, widget: origin };
}

before(async () => {
  ({ stack, shop, widget } = await startSetup());
});
after(async () => {
  await stack?.close();
  await shop?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => stack.reset());

function voiceUi(s, t = english) {
  return {
    start: s.widget.getByRole('button', { name: t['voice.start'] }),
    end: s.widget.getByRole('button', { name: t['voice.end'] }),
    state: () => s.widget.locator('[part="voice-bar"]').getAttribute('data-state'),
    waitForRung: (rung, timeout = 20_000) => s.widget.locator(`.voice[data-rung="${rung}"]`).waitFor({ state: 'attached', timeout }),
    waitFor: (state, timeout = 20_000) => s.widget.locator(`.voice[data-state="${state}"]`).waitFor({ state: 'attached', timeout }),
  };
}
const ours = (s) => s.problems.filter((p) => p.text.startsWith('[natter]'));
const voiceFrame = (s) => s.page.frames().find((f) => /\/natter\.voiceframe\.[0-9a-f]{12}\.html$/.test(f.url()));
const settle = (s, ms) => s.page.evaluate((t) => new Promise((r) => setTimeout(r, t)), ms);

// Opens the shop page in `t`'s language and waits for the live session.
async function openShop(pathname, t = english) {
  const s = await openLive(stack, { path: shop.url(pathname) });
  s.textarea = s.widget.getByLabel(t['composer.label']); // openChat waits for it
  await s.openChat();
  await s.widget.locator('.status-text', { hasText: t['status.connected'] }).waitFor({ timeout: 15_000 });
  return s;
}

// A whole call: the greeting plays to its end (decoded in the worker, pulled
// by the playback worklet), the gateway hears the question (captured by the
// worklet, encoded in the worker, sent by the page), End ends it.
async function callWorks(s) {
  const ui = voiceUi(s);
  await recordVoiceStates(s.page);
  await ui.start.click();
  await ui.waitFor('agent_speaking');
  await ui.waitFor('listening');
  const received = s.sockets.flatMap((w) => w.received.filter((f) => f.type === 'voice.agent'));
  assert.ok(received.some((f) => f.state === 'start' && f.utterance === 1), 'the greeting was sent');
  await eventually(async () => assert.ok((await gatewayCall(stack, s))?.segments_heard >= 1, 'a segment heard'), { timeout: 25_000 });
  // On the WebSocket, or on the WebRTC data channel once it opened (a call climbs to it).
  const binary = s.sockets.flatMap((w) => w.sent.filter((f) => f.binary));
  const onChannel = (await s.page.evaluate(() => window.natter('debug').voice_route))?.sent ?? 0;
  assert.ok(binary.length + onChannel > 50, `microphone packets on the wire: ${binary.length} + ${onChannel} on the channel`);
  // The call reached direct WebRTC across origins, and audio went both ways
  // on its data channel (the page's counts and the gateway's).
  await ui.waitForRung('webrtc_direct');
  await assertAudioBothWaysOnTheChannel(s.page, stack, 'cross-origin');
  // Both directions went through the worker (figures for the bench, not targets here).
  const { voice_uplink_ms: up, voice_downlink_ms: down } = await s.page.evaluate(() => window.natter('debug'));
  assert.ok(up?.count > 50 && down?.count > 20, JSON.stringify({ up, down }));
  await ui.end.click();
  await ui.waitFor('off');
  const states = await s.page.evaluate(() => window.__voiceStates);
  assert.deepEqual([states[0], states.at(-1)], ['requesting_mic', 'off'], String(states));
  assert.ok(voiceFrame(s), 'the worker ran in the voice frame from the widget origin');
  assert.equal(new URL(voiceFrame(s).url()).origin, widget);
}

for (const [name, pathname] of [['no CSP', '/plain.html'], ['a strict CSP', '/strict.html']]) {
  test(`cross-origin, ${name}: the greeting plays and the gateway hears the shopper, without a console error or CSP violation`, async () => {
    const s = await openShop(pathname);
    await callWorks(s);
    await settle(s, 100); // late reports
    assert.deepEqual(await cspViolations(s.page), []);
    assert.deepEqual(await cspViolations(voiceFrame(s)), [], 'the voice frame runs under its own policy');
    s.assertClean();
  });
}

test('cross-origin frame fallback (no wasm-unsafe-eval): voice works, and voice adds no CSP violation', async () => {
  const s = await openShop('/no-wasm.html');
  await eventually(() => assert.equal(ours(s).length, 1));
  assert.match(ours(s)[0].text, FRAMED);
  await callWorks(s);
  await settle(s, 100);
  const blocked = await cspViolations(s.page);
  assert.ok(blocked.every((v) => v.directive === 'script-src' && v.blocked === 'wasm-eval'), JSON.stringify(blocked));
  assert.deepEqual(await cspViolations(voiceFrame(s)), []);
  // Allowed: our one line about the fallback, and Chromium's own about the blocked compile.
  s.assertClean(s.problems.filter((p) => FRAMED.test(p.text) || /WebAssembly|Content Security Policy/.test(p.text)));
});

// Voice refused: the notice in the page's language, voice off, one console
// line naming the fix (not repeated by a second Start), text chat goes on.
async function refusedThenChats(s, t, fix) {
  const ui = voiceUi(s, t);
  await ui.start.click();
  await s.widget.getByText(t['notice.voiceBlocked']).waitFor({ timeout: 20_000 });
  await ui.waitFor('off');
  await eventually(() => assert.equal(ours(s).length, 1, JSON.stringify(ours(s))));
  assert.match(ours(s)[0].text, fix);
  await ui.start.click();
  await eventually(async () => assert.equal(await ui.state(), 'off'));
  await settle(s, 300);
  assert.equal(ours(s).length, 1, 'the fix is named once');
  await s.textarea.fill('do you have PS5 games?');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor({ timeout: 15_000 });
  assert.match(await s.finishedReplies.first().innerText(), /\S/);
  assert.equal(s.msgsSent().length, 1);
}

test('refused: the widget origin sends no CORS header for the worklets; German message, the console names the header', async () => {
  // A second widget origin whose CDN drops the header on the worklets.
  const main = { stack, shop, widget };
  ({ stack, shop, widget } = await startSetup({ fileHeaders: { '/worklet.': { 'Access-Control-Allow-Origin': null } } }));
  try {
    const s = await openShop('/plain-de.html', de);
    await refusedThenChats(s, de, /^\[natter\] voice is unavailable on this page: the audio worklet http:\/\/127\.0\.0\.1:\d+\/worklet\.capture\.[0-9a-f]{12}\.js could not be loaded .*must serve it with Access-Control-Allow-Origin: \*/);
    // Besides ours: Chromium's own report of the refused CORS request.
    s.assertClean(s.problems.filter((p) => p === ours(s)[0] || /CORS policy|ERR_FAILED/.test(p.text)));
  } finally {
    await stack.close();
    await shop.close();
    ({ stack, shop, widget } = main);
  }
});

test('refused: the shop CSP has no frame-src for the widget origin; the console names the directive', async () => {
  const s = await openShop('/no-frame.html');
  await refusedThenChats(s, english, new RegExp(`^\\[natter\\] voice is unavailable on this page: this page's frame-src directive blocks the voice frame: add ${widget.replace(/\./g, '\\.')} to frame-src$`));
  const blocked = await cspViolations(s.page);
  assert.ok(blocked.length >= 1 && blocked.every((v) => v.directive === 'frame-src'), JSON.stringify(blocked));
  s.assertClean(s.problems.filter((p) => p === ours(s)[0] || /Content Security Policy/.test(p.text)));
});
