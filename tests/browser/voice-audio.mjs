// Audio helpers for the voice tests: speech WAVs for Chromium's fake
// microphone (espeak-ng + sox, both installed by tools/setup.sh), WAV
// parsing, and the objective "is this the same speech" measure: the
// correlation of 10 ms RMS envelopes at the best alignment; and the page's
// side of a call: the voice bar (voiceUi), its recorded states, and the
// gateway's record of the call.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pearson } from '../server/voice-helpers.mjs';

// Writes `file`: 48 kHz mono 16-bit, `leadSeconds` of silence, the spoken
// `text` (peak-normalised to -3 dBFS), then `tailSeconds` of silence.
export function speechWav(dir, name, text, { leadSeconds = 0, tailSeconds = 0 } = {}) {
  const raw = path.join(dir, `${name}.espeak.wav`);
  const file = path.join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', raw, text]);
  execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', file, 'norm', '-3',
    'pad', String(leadSeconds), String(tailSeconds)]);
  return file;
}

// {rate, samples: Float32Array} of a 16-bit PCM WAV (mono, or the first channel).
export function readWav(bufOrFile) {
  const buf = Buffer.isBuffer(bufOrFile) ? bufOrFile : readFileSync(bufOrFile);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let at = 12, rate = 0, channels = 1, bits = 16;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(at + 10);
      rate = buf.readUInt32LE(at + 12);
      bits = buf.readUInt16LE(at + 22);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`expected 16-bit PCM, got ${bits}`);
      const frames = Math.floor(Math.min(size, buf.length - at - 8) / (2 * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buf.readInt16LE(at + 8 + i * 2 * channels) / 32768;
      return { rate, samples };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error('WAV without a data chunk');
}

// RMS per 10 ms block.
export function envelope({ rate, samples }) {
  const block = Math.round(rate / 100);
  const out = [];
  for (let b = 0; b + block <= samples.length; b += block) {
    let e = 0;
    for (let i = b; i < b + block; i++) e += samples[i] * samples[i];
    out.push(Math.sqrt(e / block));
  }
  return out;
}

// The best correlation of `heard` (a window of envelope blocks) against the
// looping source envelope, over every alignment: Chromium's fake microphone
// loops its file from wherever capture started.
export function bestLoopCorrelation(sourceEnv, heardEnv) {
  const n = Math.min(heardEnv.length, sourceEnv.length);
  const heard = heardEnv.slice(0, n);
  let best = -1;
  for (let lag = 0; lag < sourceEnv.length; lag++) {
    const src = new Array(n);
    for (let i = 0; i < n; i++) src[i] = sourceEnv[(lag + i) % sourceEnv.length];
    best = Math.max(best, pearson(src, heard));
  }
  return best;
}

// Chromium flags: a fake microphone playing `file`, no permission prompt,
// audio allowed to play without a gesture.
export const micArgs = (file) => [
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${file}`,
  '--autoplay-policy=no-user-gesture-required',
];

// Records the voice bar's data-state changes in window.__voiceStates. The
// bar comes with the session UI chunk (shim/session-ui/), which may still be
// on its way when the call is clicked: the whole shadow root is watched, so
// a bar drawn later is seen from its first state.
export function recordVoiceStates(page) {
  return page.evaluate(() => {
    const root = document.querySelector('natter-widget').shadowRoot;
    const seen = (window.__voiceStates = []);
    new MutationObserver((records) => {
      if (!records.some((r) => r.target.getAttribute('part') === 'voice-bar')) return; // messages and status have one too
      const st = root.querySelector('[part="voice-bar"]').getAttribute('data-state');
      if (seen.at(-1) !== st) seen.push(st);
    }).observe(root, { attributes: true, attributeFilter: ['data-state'], subtree: true });
  });
}

// The voice bar of a connected page (`s` from session-helpers.mjs): its
// start and end buttons, its state and ladder rung, and waits for either.
export function voiceUi(s) {
  const bar = s.widget.locator('[part="voice-bar"]');
  return {
    start: s.widget.getByRole('button', { name: 'Start a voice call' }),
    end: s.widget.getByRole('button', { name: 'End call' }),
    state: () => bar.getAttribute('data-state'),
    rung: () => bar.getAttribute('data-rung'),
    waitFor: (state, timeout = 15_000) => s.widget.locator(`.voice[data-state="${state}"]`).waitFor({ state: 'attached', timeout }),
    waitForRung: (rung, timeout = 20_000) => s.widget.locator(`.voice[data-rung="${rung}"]`).waitFor({ state: 'attached', timeout }),
  };
}

// The reference gateway's record ({call_id, segments_heard, …}) of the call
// this page started (its first voice.start frame on the live session; `s`
// from session-helpers.mjs's openLive), or null.
export async function gatewayCall(stack, s) {
  const calls = await stack.control('/__natter/voice/calls');
  const list = Array.isArray(calls) ? calls : calls.calls ?? Object.values(calls).flat();
  const callId = s.sockets.flatMap((w) => w.sent.filter((f) => f.type === 'voice.start'))[0]?.call_id;
  return list.find((c) => c.call_id === callId) ?? null;
}

// The call is on `rung` (a WebRTC one) with audio both ways on its data
// channel, by the page's counts (natter('debug').voice_route) and the
// gateway's. `label` names the case in the log line.
export async function assertAudioBothWaysOnTheChannel(page, stack, label, rung = 'webrtc_direct') {
  const route = await page.evaluate(() => window.natter('debug').voice_route);
  assert.equal(route?.rung, rung, JSON.stringify(route));
  assert.equal(route.via, 'rtc');
  const rtc = (await stack.stats()).voice;
  assert.ok(route.sent > 50 && rtc.frames_received_rtc > 50, `microphone frames on the channel: ${JSON.stringify({ route, rtc })}`);
  assert.ok(route.received > 20 && rtc.frames_sent_rtc > 20, `agent frames on the channel: ${JSON.stringify({ route, rtc })}`);
  console.log(`# ${label} rung ${route.rung}: ${route.sent} frames up and ${route.received} down on the channel; `
    + `gateway ${rtc.frames_received_rtc} in / ${rtc.frames_sent_rtc} out on it, ${rtc.frames_sent_ws} out on the WebSocket`);
}
