// The core's voice_encoder_set effect reaches the microphone's Opus encoder
// through the one marshalling layer (wasm/bindings/voice-api.js setEncoder, as
// the voice worker calls it) in the real voice module: the packets follow
// the bitrate from the next frame on, and a setting libopus refuses is an
// Error naming the libopus code. Needs build/wasm (node tools/bundle/build.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { openCapture } from '../../wasm/bindings/voice-api.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const gluePath = path.join(repoRoot, 'build/wasm/wasm/natter.voice.js');

async function loadVoice() {
  if (!existsSync(gluePath)) throw new Error('build/wasm/wasm/natter.voice.js missing: run node tools/bundle/build.mjs');
  const create = createRequire(import.meta.url)(gluePath);
  return create({ wasmBinary: readFileSync(gluePath.replace(/\.js$/, '.wasm')) });
}

// One second of a voiced, wandering tone with a little noise (deterministic).
function speechLike(rate, seconds, seed = 7) {
  const out = new Float32Array(rate * seconds);
  let x = seed;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const t = i / rate;
    const f = 180 + 60 * Math.sin(2 * Math.PI * 3 * t);
    const voice = Math.sin(2 * Math.PI * f * t) + 0.5 * Math.sin(4 * Math.PI * f * t) + 0.25 * Math.sin(6 * Math.PI * f * t);
    out[i] = 0.25 * voice * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)) + 0.02 * ((x / 2 ** 32) - 0.5);
  }
  return out;
}

const meanBytes = (packets) => packets.reduce((n, p) => n + p.byteLength, 0) / packets.length;

function encodeSecond(cap, signal) {
  const packets = [];
  for (let at = 0; at < signal.length; at += 480) packets.push(...cap.push(signal.subarray(at, at + 480)));
  return packets;
}

test('voice_encoder_set as the core emits it changes the encoder from the next frame on', async () => {
  const V = await loadVoice();
  const signal = speechLike(48000, 1);
  const fixed = openCapture(V, { rate: 48000, bitrate: 24000, complexity: 5 });
  const adapted = openCapture(V, { rate: 48000, bitrate: 24000, complexity: 5 });
  try {
    const before = meanBytes(encodeSecond(fixed, signal));
    encodeSecond(adapted, signal);
    adapted.setEncoder({ type: 'voice_encoder_set', bitrate: 12000, fec: false, loss_perc: 20 });
    const after = meanBytes(encodeSecond(adapted, signal));
    const unchanged = meanBytes(encodeSecond(fixed, signal));
    // 24 kbit/s is 60 B per 20 ms frame, 12 kbit/s 30 B (plus the 8-byte header).
    assert.ok(unchanged > 50, `24 kbit/s: ${unchanged} B a packet`);
    assert.ok(after < unchanged * 0.65, `12 kbit/s: ${after} B a packet, against ${unchanged} B at 24 kbit/s`);
    assert.ok(Math.abs(before - unchanged) < 8, 'the same setting gives the same sizes');
  } finally {
    fixed.close();
    adapted.close();
  }
});

test('a setting libopus refuses is an Error naming its code', async () => {
  const V = await loadVoice();
  const cap = openCapture(V, { rate: 48000, bitrate: 24000, complexity: 5 });
  try {
    assert.throws(() => cap.setEncoder({ bitrate: 24000, fec: true, loss_perc: 101 }), /OPUS_BAD_ARG/);
    assert.throws(() => cap.setEncoder({ bitrate: -5, fec: true, loss_perc: 10 }), /OPUS_BAD_ARG/);
  } finally {
    cap.close();
  }
});
