// Both WASM builds of the voice codec and the native one must produce the
// same Opus packets, byte for byte, for the same PCM: libopus is compiled
// from the same float sources for all, without intrinsics or FMA
// contraction (cmake/opus.cmake), the SIMD build's two vector files
// (wasm/opus/simd/) keep each sum's order or sum integers only, and the
// WASM builds' quantiser (wasm/opus/wasm_patch/) only reorders independent work.
// A mismatch means the builds diverged (flags, libm, a vector kernel).
//
// Build outputs this test needs (npm test builds them):
//   <repo>/build/wasm/wasm/natter.voice.js + .wasm (WASM SIMD) and
//   natter.voicescalar.js + .wasm
//       NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release
//       EM_CLOSURE_COMPILER=$PWD/node_modules/.bin/google-closure-compiler \
//         cmake --build build/wasm -j2 --target natter_voice_wasm natter_voice_scalar_wasm
//       (or simply node tools/bundle/build.mjs)
//   <repo>/build/native/tools/voice/natter_opus_encode_cli
//       cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release
//       cmake --build build/native -j2 --target natter_opus_encode_cli
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { openEncoder, openDecoder } from '../../wasm/bindings/voice-api.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The two builds, by file stem in build/wasm/wasm/.
const BUILDS = { simd: 'natter.voice', scalar: 'natter.voicescalar' };
const cliPath = path.join(repoRoot, 'build/native/tools/voice/natter_opus_encode_cli');

function requireBuilt(file) {
  if (!existsSync(file)) {
    throw new Error(`${path.relative(repoRoot, file)} missing: build it first (see the top of this test)`);
  }
}

// Emscripten 3.1.6's loader breaks on Node 20's fetch for file paths, so the
// binary is read here and passed in as wasmBinary.
async function loadVoice(build = 'simd') {
  const glue = path.join(repoRoot, 'build/wasm/wasm', `${BUILDS[build]}.js`);
  requireBuilt(glue);
  const createNatterVoice = createRequire(import.meta.url)(glue);
  return createNatterVoice({ wasmBinary: readFileSync(glue.replace(/\.js$/, '.wasm')) });
}

// A deterministic linear chirp, 200 Hz -> 4 kHz, with a slow amplitude
// envelope so the encoder switches between loud and quiet passages.
function chirp(sampleRate, frames, frameSamples) {
  const n = frames * frameSamples;
  const pcm = new Int16Array(n);
  const f0 = 200, f1 = 4000, seconds = n / sampleRate;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const phase = 2 * Math.PI * (f0 * t + ((f1 - f0) / (2 * seconds)) * t * t);
    const envelope = 0.2 + 0.6 * Math.abs(Math.sin(Math.PI * 3 * t / seconds));
    pcm[i] = Math.round(32767 * envelope * Math.sin(phase));
  }
  return pcm;
}

function encodeWasm(V, { rate, frame, bitrate, complexity }, pcm) {
  const enc = openEncoder(V, { rate, bitrate, complexity });
  try {
    const packets = [];
    for (let off = 0; off < pcm.length; off += frame) {
      const packet = enc.encode(pcm.subarray(off, off + frame), frame);
      assert.ok(packet.length > 0, 'wasm encode: an empty packet');
      packets.push(packet);
    }
    return packets;
  } finally {
    enc.close();
  }
}

function encodeNative({ rate, frame, bitrate, complexity }, pcm) {
  requireBuilt(cliPath);
  const input = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength); // little-endian host
  const out = execFileSync(cliPath, [
    '--rate', String(rate), '--frame', String(frame),
    '--bitrate', String(bitrate), '--complexity', String(complexity),
  ], { input, maxBuffer: 16 << 20 });
  const packets = [];
  for (let off = 0; off < out.length;) {
    const n = out.readUInt32LE(off);
    packets.push(new Uint8Array(out.subarray(off + 4, off + 4 + n)));
    off += 4 + n;
  }
  return packets;
}

// 16 and 10 LPC coefficients (wideband; narrowband, which the encoder picks
// at 6 kbit/s: `narrow` checks it did), two, three and four delayed-decision
// states (complexity 5, 7, 10: the WASM builds' noise-shaping feedback runs
// states in pairs and an odd last one alone, wasm/opus/wasm_patch/).
const cases = [
  { name: '48 kHz, 20 ms frames, 24 kbit/s, complexity 5', rate: 48000, frame: 960, bitrate: 24000, complexity: 5 },
  { name: '48 kHz, 20 ms frames, 24 kbit/s, complexity 7', rate: 48000, frame: 960, bitrate: 24000, complexity: 7 },
  { name: '16 kHz, 20 ms frames, 16 kbit/s, complexity 10', rate: 16000, frame: 320, bitrate: 16000, complexity: 10 },
  { name: '48 kHz, 20 ms frames, 6 kbit/s, complexity 5', rate: 48000, frame: 960, bitrate: 6000, complexity: 5, narrow: true },
];

for (const build of Object.keys(BUILDS)) {
  for (const c of cases) {
    test(`the ${build} wasm and the native encoder emit identical packets for a chirp (${c.name})`, async () => {
      const V = await loadVoice(build);
      const pcm = chirp(c.rate, 50, c.frame);
      const wasm = encodeWasm(V, c, pcm);
      const native = encodeNative(c, pcm);
      assert.equal(wasm.length, 50);
      assert.equal(native.length, 50);
      // TOC configs 0-3: SILK narrowband
      if (c.narrow) assert.ok(native.every((p) => p[0] >> 3 <= 3), 'narrowband packets');
      for (let i = 0; i < 50; i++) {
        assert.deepEqual(Buffer.from(wasm[i]), Buffer.from(native[i]), `packet ${i} differs`);
      }
    });
  }
}

test('wasm decoder conceals a lost packet and names bad arguments', async () => {
  const V = await loadVoice();
  const dec = new V.VoiceDecoder(48000);
  try {
    assert.equal(dec.status(), 0);
    assert.equal(dec.decodeLost(960), 960);          // PLC: a full frame of audio
    assert.equal(V.errorName(dec.decodeLost(100)), 'OPUS_BAD_ARG');
    assert.equal(V.errorName(dec.decode(0)), 'OPUS_BAD_ARG');
    assert.equal(V.errorName(new V.VoiceEncoder(44100, 24000, 5).status()), 'OPUS_BAD_ARG');
  } finally {
    dec.delete();
  }
});

test('voice-api: a bad encoder or decoder setting throws, naming the libopus error, and frees its object', async () => {
  const V = await loadVoice();
  assert.throws(() => openEncoder(V, { rate: 44100, bitrate: 24000, complexity: 5 }), /^Error: VoiceEncoder: OPUS_BAD_ARG$/);
  assert.throws(() => openDecoder(V, { rate: 44100 }), /^Error: VoiceDecoder: OPUS_BAD_ARG$/);
  const dec = openDecoder(V, { rate: 48000 });
  try {
    assert.equal(dec.decode(new Uint8Array(V.maxPacketBytes + 1)), null, 'longer than any packet');
    assert.equal(dec.conceal(960).length, 960);
  } finally {
    dec.close();
  }
});
