// Voice over WebRTC end to end in headless Chromium: the fake
// microphone plays espeak-ng speech; the reference gateway answers the
// widget's offer with werift and carries the same binary voice frames on an
// unordered data channel as on the WebSocket. The rung a call rides comes
// from the core's voice_route (wasm/src/voice/call/voice_ladder.hpp): the support dump
// and the voice bar's data-rung show it.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, eventually } from './harness.mjs';
import { openConnected, sentOf, receivedOf } from './session-helpers.mjs';
import { speechWav, micArgs, recordVoiceStates, voiceUi, gatewayCall as gatewayCallOf } from './voice-audio.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-rtc-'));
// 4 s of silence (the greeting plays meanwhile), a question, 3 s of silence: a 10 s loop.
const shopperWav = speechWav(dir, 'shopper', 'Hello, I am looking for running shoes in size nine. Do you have any?',
  { leadSeconds: 4, tailSeconds: 3 });

let stack;
before(async () => { stack = await startStack({ extraArgs: micArgs(shopperWav) }); });
after(async () => { await stack?.close(); rmSync(dir, { recursive: true, force: true }); });
beforeEach(() => stack.reset());

const gatewayCall = (s) => gatewayCallOf(stack, s);
const totals = async () => (await stack.stats()).voice;
// Binary frames (voice packets) on the session WebSocket, each way.
const wsPackets = (s) => ({
  up: s.sockets.reduce((n, w) => n + w.sent.filter((f) => f.binary !== undefined).length, 0),
  down: s.sockets.reduce((n, w) => n + w.received.filter((f) => f.binary !== undefined).length, 0),
});
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

// Counts getUserMedia calls: a rung change must never ask again.
const countMic = (page) => page.addInitScript(() => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  window.__micCalls = 0;
  md.getUserMedia = async (c) => { window.__micCalls++; return real(c); };
});

async function callOnDirectWebRtc() {
  const s = await openConnected(stack, { onPage: countMic });
  const ui = voiceUi(s);
  await recordVoiceStates(s.page);
  await ui.start.click();
  await ui.waitForRung('webrtc_direct');
  return { s, ui };
}

test('a call on direct WebRTC: the greeting plays, audio goes both ways on the data channel and not the WebSocket, the rung is reported', async () => {
  const { s, ui } = await callOnDirectWebRtc();
  assert.deepEqual(sentOf(s, 'hello')[0].features, ['handoff', 'presence', 'suggestions', 'actions', 'rtc']);
  assert.equal(receivedOf(s, 'voice.started')[0].rtc, true);
  assert.equal(sentOf(s, 'voice.rtc_offer').length, 1);
  assert.equal(receivedOf(s, 'voice.rtc_answer').length, 1);
  assert.equal(sentOf(s, 'voice.rtc_config').length, 0, 'the config is the gateway\'s frame, asked with rtc_request');
  assert.equal(sentOf(s, 'voice.rtc_request').length, 1);
  await ui.waitFor('listening', 20_000); // the greeting played to its end
  assert.ok((await s.page.evaluate(() => window.__voiceStates)).includes('agent_speaking'));

  // From here on every frame rides the channel: the socket carries none either way.
  await pause(500);
  const wsBefore = wsPackets(s);
  const rtcBefore = await totals();
  await eventually(async () => assert.ok((await gatewayCall(s))?.segments_heard >= 1, 'the shopper was heard'), { timeout: 20_000 });
  await eventually(() => assert.ok(receivedOf(s, 'voice.agent').some((f) => f.state === 'start' && f.utterance >= 2), 'the agent answered'),
    { timeout: 20_000 });
  // 100 microphone frames (2 s of audio) more on the channel, however long
  // the question and answer took above.
  const rtcAfter = await eventually(async () => {
    const now = await totals();
    assert.ok(now.frames_received_rtc - rtcBefore.frames_received_rtc > 100, JSON.stringify(now));
    return now;
  }, { timeout: 10_000 });
  assert.deepEqual(wsPackets(s), wsBefore, 'no voice packet on the WebSocket while on the channel');
  // The greeting (utterance 1, several seconds) went mostly on the channel: only
  // the frames sent before it opened rode the socket. Its first sentence is
  // synthesised and sent on its own, at once, so that part (about a second)
  // may all go before the channel is up.
  assert.ok(rtcAfter.frames_sent_rtc > 100 && rtcAfter.frames_sent_rtc > rtcAfter.frames_sent_ws, JSON.stringify(rtcAfter));
  console.log(`# gateway: ${rtcAfter.frames_received_rtc} frames in and ${rtcAfter.frames_sent_rtc} out on the channel; `
    + `WebSocket ${wsBefore.up} up / ${wsBefore.down} down, all before the channel opened`);

  const dump = await s.page.evaluate(() => window.natter('debug').voice_route);
  assert.equal(dump.rung, 'webrtc_direct');
  assert.equal(dump.via, 'rtc');
  assert.ok(dump.sent > 100 && dump.received > 20, JSON.stringify(dump));
  assert.equal(await ui.rung(), 'webrtc_direct');

  await ui.end.click();
  await ui.waitFor('off');
  await eventually(async () => assert.equal((await gatewayCall(s)).rtc, undefined, 'the gateway closed its leg with the call'));
  assert.equal(await s.page.evaluate(() => window.__micCalls), 1);
  s.assertClean();
});

test('the WebRTC path closed by the gateway mid-call moves the call to the WebSocket without ending it, and it climbs back', async () => {
  const { s, ui } = await callOnDirectWebRtc();
  await ui.waitFor('listening', 20_000);
  const killed = await stack.control('/__natter/voice/rtc/kill', { mode: 'close' });
  assert.equal(killed.killed, 1);
  await ui.waitForRung('websocket', 5000);
  const wsAtFall = wsPackets(s);
  const heardAtFall = (await gatewayCall(s)).frames_received;
  await pause(2000);
  assert.ok(wsPackets(s).up - wsAtFall.up > 50, 'the microphone frames ride the WebSocket now');
  assert.ok((await gatewayCall(s)).frames_received - heardAtFall > 50, 'and the gateway still hears them');
  assert.ok(!['off', 'ending'].includes(await ui.state()), 'the call is still up');

  // The path is back: the ladder climbs after its first back-off (5 s).
  await ui.waitForRung('webrtc_direct', 15_000);
  assert.equal(sentOf(s, 'voice.start').length, 1, 'one call: no new voice.start, so no second greeting');
  assert.equal(sentOf(s, 'voice.end').length, 0);
  assert.equal(receivedOf(s, 'voice.agent').filter((f) => f.state === 'start' && f.utterance === 1).length, 1, 'one greeting');
  assert.equal(await s.page.evaluate(() => window.__micCalls), 1, 'never a new microphone prompt');
  assert.ok(!(await s.page.evaluate(() => window.__voiceStates)).includes('off'));
  s.assertClean();
});

test('a WebRTC path that goes silent is found by the liveness check and the call carries on over the WebSocket', async () => {
  const { s, ui } = await callOnDirectWebRtc();
  await ui.waitFor('listening', 20_000);
  await stack.control('/__natter/voice/rtc/kill', { mode: 'blackhole' });
  const at = Date.now();
  await ui.waitForRung('websocket', 10_000);
  console.log(`# silent channel given up after ${Date.now() - at} ms (bound: 3.5 s after the last pong, which came up to 1 s before the cut)`);
  // It had answered before: a silent path is most often a network change the
  // browser did not announce, so an ICE restart first (voice_ladder.hpp), and
  // the leg is freed when the restarted path stays silent too.
  assert.ok(sentOf(s, 'voice.rtc_request').length >= 2, 'a fresh config for an ICE restart');
  await eventually(() => assert.ok(sentOf(s, 'voice.rtc_close').length >= 1, 'the widget told the gateway to free its leg'),
    { timeout: 15_000 });
  const heard = (await gatewayCall(s)).frames_received;
  await pause(1500);
  assert.ok((await gatewayCall(s)).frames_received - heard > 30, 'the gateway hears the shopper on the WebSocket');
  assert.ok(!['off', 'ending'].includes(await ui.state()));
  assert.equal(await s.page.evaluate(() => window.__micCalls), 1);
  s.assertClean();
});
