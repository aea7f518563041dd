// The encoder follows the path end to end in headless Chromium:
// a call on direct WebRTC, then the gateway drops every fifth frame the
// widget sends on the channel (test control uplink_loss). Its pongs report
// the gap in the counts, the core lowers the encoder (voice_encoder_set,
// logged), the worker applies it and the gateway receives smaller packets;
// once the loss stops, the encoder returns to Clean. And the downlink: the
// gateway drops a fifth of the agent's frames (test control voice/faults);
// the widget counts the gaps on the channel, its pings ask for a leaner
// encoding, the agent's next utterances come encoded so (smaller frames),
// and once the loss stops, clean again. Both embedded as shops do: the page
// on the shop's own origin under the strict CSP (shop-origin.mjs), the
// widget and gateway on theirs.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, eventually, recordCspViolations, cspViolations } from './harness.mjs';
import { openConnected } from './session-helpers.mjs';
import { speechWav, micArgs, voiceUi, gatewayCall as gatewayCallOf } from './voice-audio.mjs';
import { startShopServer, shopPages } from './shop-origin.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'natter-voice-adapt-'));
const shopperWav = speechWav(dir, 'shopper', 'Hello, I am looking for running shoes in size nine. Do you have any?',
  { leadSeconds: 1, tailSeconds: 1 });

let stack;
let shop; // the shop's own origin, embedding the widget from stack's
before(async () => {
  stack = await startStack({ extraArgs: micArgs(shopperWav) });
  shop = await startShopServer(shopPages(new URL(stack.server.url).origin));
  await recordCspViolations(stack.context);
});
after(async () => { await stack?.close(); await shop?.close(); rmSync(dir, { recursive: true, force: true }); });
async function openEmbedded() {
  const s = await openConnected(stack, { path: shop.url('/strict.html') });
  assert.notEqual(new URL(s.page.url()).origin, new URL(stack.server.url).origin, 'the shop\'s page, not the widget\'s origin');
  return s;
}
beforeEach(() => stack.reset());

const encoderLines = (s) => s.consoleLines.filter((line) => line.startsWith('[natter] voice encoder '));
const downlinkLines = (s) => s.consoleLines.filter((line) => line.startsWith('[natter] voice downlink '));

// Bytes per frame on the channel, as the gateway counted them while
// `during()` ran: 'received' (the microphone's) or 'sent' (the agent's).
// `during` gets the counts it is measured from, so a wait inside it counts
// the same frames the measure divides by.
async function bytesPerFrame(way, during) {
  const a = (await stack.stats()).voice;
  await during(a);
  const b = (await stack.stats()).voice;
  const frames = b[`frames_${way}_rtc`] - a[`frames_${way}_rtc`];
  assert.ok(frames > 20, `only ${frames} frames ${way}`);
  return (b[`bytes_${way}_rtc`] - a[`bytes_${way}_rtc`]) / frames;
}
const forMs = (ms) => () => new Promise((r) => setTimeout(r, ms));
const until = (done, timeout) => () => eventually(async () => assert.ok(await done()), { timeout });

test('a lossy uplink lowers the encoder to 16 kbit/s with more FEC, and a clean one brings it back', async () => {
  const s = await openEmbedded();
  const ui = voiceUi(s);
  await ui.start.click();
  await ui.waitForRung('webrtc_direct');
  const clean = await bytesPerFrame('received', forMs(1500));
  assert.deepEqual(encoderLines(s), [], 'a clean path: no change, no effect');

  await stack.control('/__natter/voice/rtc/uplink_loss', { every: 5 }); // 20 % lost
  await eventually(() => assert.ok(encoderLines(s).some((l) => l.startsWith('[natter] voice encoder heavy (16 kbit/s, FEC on, 20 %)')),
    JSON.stringify(encoderLines(s))), { timeout: 15_000 });
  const call = await gatewayCallOf(stack, s);
  assert.ok(call.uplink.expected - call.uplink.received >= 10, JSON.stringify(call.uplink));
  const lowered = await bytesPerFrame('received', forMs(1500)); // the worker's encoder: 16 kbit/s is 40 B a frame, 24 kbit/s 60 B
  // Against 16 kbit/s's own ceiling (40 B, +15 % for VBR), not the clean
  // sample: quiet speech at 24 kbit/s can weigh as little (43 B in CI).
  assert.ok(lowered <= 46, `${lowered.toFixed(1)} B a frame at 16 kbit/s (clean: ${clean.toFixed(1)} B at 24 kbit/s)`);

  await stack.control('/__natter/voice/rtc/uplink_loss', { every: 0 });
  await eventually(() => assert.match(encoderLines(s).at(-1), /^\[natter\] voice encoder clean \(24 kbit\/s, FEC on, 10 %\)/,
    JSON.stringify(encoderLines(s))), { timeout: 20_000 });
  console.log(`# ${clean.toFixed(1)} B a frame clean, ${lowered.toFixed(1)} B heavy; ${encoderLines(s).join(' | ')}`);
  await ui.end.click();
  await ui.waitFor('off');
  assert.deepEqual(await cspViolations(s.page), []);
  s.assertClean();
});

test('a lossy downlink: the widget asks for the agent\'s audio at 16 kbit/s with more FEC, and clean again once the loss stops', async () => {
  const s = await openEmbedded();
  const ui = voiceUi(s);
  await ui.start.click();
  await ui.waitForRung('webrtc_direct');
  // Clean agent frames on the channel: the greeting's (it starts on the
  // WebSocket: the channel opens during it); when the channel opened too
  // late in it for enough frames (a loaded machine: once, 1 frame), the
  // answers to the shopper's looping speech too.
  const rtcFramesSent = async () => (await stack.stats()).voice.frames_sent_rtc;
  const clean = await bytesPerFrame('sent', (from) => until(async () => (await rtcFramesSent()) - from.frames_sent_rtc > 20 && (await ui.state()) === 'listening', 60_000)());
  assert.equal((await stack.stats()).voice.utterances_adapted, 0);

  await stack.control('/__natter/voice/faults', { drop: 0.2, seed: 7 }); // a fifth of the agent's frames never sent
  await eventually(() => assert.ok(downlinkLines(s).some((l) => l.startsWith('[natter] voice downlink heavy (16 kbit/s, FEC on, 20 %)')),
    JSON.stringify(downlinkLines(s))), { timeout: 30_000 });
  await eventually(async () => assert.deepEqual((await gatewayCallOf(stack, s)).rtc?.downlink,
    { bitrate: 16000, fec: true, lossPerc: 20 }, 'the gateway heard it in the pings'), { timeout: 5_000 });
  // The next utterances are encoded so: at 16 kbit/s a frame is 40 B of Opus
  // and the 8-byte header (+15 % for VBR); the greeting's, at 24 kbit/s, ~68 B.
  // Measured from the first adapted utterance's encoding to the third's: the
  // utterance playing when the ping arrived goes on at 24 kbit/s, and a long
  // tail of it in the window once outweighed a short adapted answer (CI).
  const adapted = async () => (await stack.stats()).voice.utterances_adapted;
  const adaptedBefore = await adapted();
  await until(async () => (await adapted()) >= adaptedBefore + 1, 60_000)();
  const lean = await bytesPerFrame('sent', until(async () => (await adapted()) >= adaptedBefore + 3, 60_000));
  assert.ok(lean <= 55 && lean < 0.85 * clean, `${lean.toFixed(1)} B an agent frame once adapted, ${clean.toFixed(1)} B clean`);

  await stack.control('/__natter/voice/faults', { drop: 0 });
  await eventually(() => assert.match(downlinkLines(s).at(-1), /^\[natter\] voice downlink clean \(24 kbit\/s, FEC on, 10 %\)/,
    JSON.stringify(downlinkLines(s))), { timeout: 60_000 });
  await eventually(async () => assert.equal((await gatewayCallOf(stack, s)).rtc?.downlink, null), { timeout: 5_000 });
  console.log(`# agent frames ${clean.toFixed(1)} B clean, ${lean.toFixed(1)} B once adapted; ${downlinkLines(s).join(' | ')}`);
  assert.ok(!['off', 'ending'].includes(await ui.state()), 'the call went on throughout');
  await ui.end.click();
  await ui.waitFor('off');
  assert.deepEqual(await cspViolations(s.page), []);
  s.assertClean();
});
