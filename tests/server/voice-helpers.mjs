// Helpers for the voice gateway's tests: the voice WASM module (built by
// node tools/bundle/build.mjs into build/wasm/wasm), shopper speech made with
// espeak-ng + sox, packets in the wire layout, decoding what the server sent,
// and envelope comparison.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDecoder, openEncoder } from '../../wasm/bindings/voice-api.js';
import { request } from './helpers.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const glue = path.join(repoRoot, 'build/wasm/wasm/natter.voice.js');

export const RATE = 48000;
export const FRAME = 960;

let voice = null;
// The voice module, loaded the way tests/node/voice_codec_bytes.test.mjs does.
export function loadVoice() {
  if (!existsSync(glue)) throw new Error('build/wasm/wasm/natter.voice.js missing: run node tools/bundle/build.mjs');
  voice ??= createRequire(import.meta.url)(glue)({ wasmBinary: readFileSync(glue.replace(/\.js$/, '.wasm')) });
  return voice;
}

// `text` spoken by espeak-ng (another voice than the agent's), 48 kHz int16;
// the same every time (-D: sox adds no random dither).
export function shopperSpeech(text) {
  const wav = execFileSync('espeak-ng', ['-v', 'en-gb', '-s', '150', '--stdout', text]);
  const raw = execFileSync('sox', ['-D', '-t', 'wav', '-', '-t', 'raw', '-r', '48000', '-e', 'signed', '-b', '16',
    '-c', '1', '-L', '-'], { input: wav });
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

export function concatPcm(...parts) {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// PCM padded to whole 20 ms frames, encoded as the client would: one
// voice packet per frame, seq from `firstSeq`, speech_start on the first.
export function voicePackets(V, pcm, { firstSeq = 0 } = {}) {
  const enc = openEncoder(V, { rate: RATE, bitrate: 24000, complexity: 5 });
  const packets = [];
  try {
    for (let off = 0, k = firstSeq; off < pcm.length; off += FRAME, k++) {
      const opus = enc.encode(pcm.subarray(off, off + FRAME), FRAME);
      assert.ok(opus.length > 0, 'an empty Opus packet');
      const packet = Buffer.alloc(8 + opus.length);
      packet[0] = 1;
      packet[1] = k === firstSeq ? 1 : 0;
      packet.writeUInt16BE(k & 0xffff, 2);
      packet.writeUInt32BE((k * FRAME) % 2 ** 32, 4);
      packet.set(opus, 8);
      packets.push(packet);
    }
  } finally {
    enc.close();
  }
  return packets;
}

export function header(packet) {
  return { version: packet[0], flags: packet[1], seq: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4) };
}

// Decodes packets (in the order given) into one Int16Array.
export function decodePackets(V, packets) {
  const dec = openDecoder(V, { rate: RATE });
  const parts = [];
  try {
    for (const packet of packets) {
      const pcm = dec.decode(packet.subarray(8));
      assert.ok(pcm, `packet seq ${header(packet).seq} does not decode`);
      parts.push(pcm);
    }
  } finally {
    dec.close();
  }
  return concatPcm(...parts);
}

export function rms(pcm) {
  let sum = 0;
  for (const x of pcm) sum += x * x;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

// RMS per 10 ms window.
export function envelope(pcm, windowSamples = 480) {
  const env = [];
  for (let at = 0; at + windowSamples <= pcm.length; at += windowSamples) env.push(rms(pcm.subarray(at, at + windowSamples)));
  return env;
}

export function pearson(a, b) {
  const n = Math.min(a.length, b.length);
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (b[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

// The best Pearson correlation of two envelopes over lags -maxLag..maxLag
// windows (b shifted against a): { r, lag }.
export function bestEnvelopeCorrelation(a, b, maxLag = 50) {
  let best = { r: -Infinity, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const r = lag >= 0 ? pearson(a.slice(lag), b) : pearson(a, b.slice(-lag));
    if (r > best.r) best = { r, lag };
  }
  return best;
}

// GET a test control as a Buffer: { status, headers, body }.
export function getBinary(baseUrl, urlPath) {
  return new Promise((resolve, reject) => {
    http.get(new URL(urlPath, baseUrl), { agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

export async function voiceCalls(baseUrl) {
  return JSON.parse((await request(baseUrl, { path: '/__natter/voice/calls' })).body).calls;
}

export async function setVoiceFaults(baseUrl, spec) {
  const res = await request(baseUrl, {
    method: 'POST', path: '/__natter/voice/faults', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(spec),
  });
  assert.equal(res.status, 200, res.body);
  return JSON.parse(res.body);
}

// The agent's audio frames of one socket between the voice.agent start and
// end of utterance `n` (by arrival order), as Buffers.
export function utteranceFrames(socket, callId, n) {
  const frames = [];
  let inside = false;
  for (const item of socket.timeline) {
    const f = item.text;
    if (f?.type === 'voice.agent' && f.call_id === callId && f.utterance === n) {
      if (f.state === 'start') inside = true;
      else if (f.state === 'end') break;
    } else if (inside && item.binary) frames.push(item.binary);
  }
  return frames;
}

// Server bounds for tests that hand the gateway a whole utterance at once,
// far faster than the real-time packet rate a call is held to
// (session/client-bounds.mjs; tests/server/voice-flood.test.mjs tests that rate).
export const UNPACED_UPLINK = Object.freeze({ voicePacketsPerSecond: 1_000_000, voicePacketBurst: 1_000_000 });
