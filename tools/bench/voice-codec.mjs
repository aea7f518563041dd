// Voice codec speed: the same speech encoded by the native build of
// libopus (natter_opus_encode_cli --time 1, which times its encode loop
// alone), the WASM build (VoiceEncoder.encode) in Node and in headless
// Chromium (voice-codec-chromium.mjs: where calls run it), and opusscript from npm
// (libopus 1.4 compiled by its authors with Emscripten), at the call's
// settings and at complexity 5 and 10 (ENCODE_COMPLEXITIES); plus
// CaptureStream.push of one 20 ms frame -> packet ready.
//
// Alone, `node tools/bench/voice-codec.mjs` prints the encode figures
// (NATTER_BENCH_ENCODE_RUNS runs, default and minimum 11) without touching
// docs/benchmarks.md: min and median per encoder, and the WASM/native
// ratios of both, native measured in the same run.
//
//   encode      CPU ms per second of audio, per run (a fresh encoder each
//               run); WASM and opusscript: process.cpuUsage() around the
//               loop (user + system, the whole Node process), native:
//               CLOCK_PROCESS_CPUTIME_ID around the loop, Chromium: the
//               page's clock around the loop (a busy loop on one thread).
//   capture     per frame: write the 960 floats into the stream's input,
//               push(), copy the packet out (what voice-worker.js does
//               before it posts the bytes), process.hrtime (wall).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCapture, openEncoder } from '../../wasm/bindings/voice-api.js';
import { median } from './stats.mjs';
import { openChromiumEncoder } from './voice-codec-chromium.mjs';
import { speechWav, readWav } from '../../tests/browser/voice-audio.mjs';

export const SETTINGS = { rate: 48000, frame: 960, bitrate: 24000, complexity: 5, fec: true, lossPerc: 10 };
// The call's complexity (5) and libopus's highest (10).
export const ENCODE_COMPLEXITIES = [5, 10];
// The libopus version both builds compile (cmake/opus.cmake).
export function opusVersion(repoRoot) {
  const m = /set\(NATTER_OPUS_VERSION ([0-9.]+)\)/.exec(readFileSync(path.join(repoRoot, 'cmake/opus.cmake'), 'utf8'));
  return m ? m[1] : 'unknown';
}
const require = createRequire(import.meta.url);
const TEXT = 'Hello, I am looking for running shoes in size nine for trail running. ' +
  'Do you have anything waterproof with a wide toe box? I would also like to know ' +
  'how long delivery takes to Edinburgh, and whether I can return them if they do not fit. ' +
  'My budget is about one hundred and twenty pounds, and I prefer dark colours.';

// `seconds` of espeak-ng speech, 48 kHz mono Int16, looped to length.
export function speechPcm(seconds) {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-vbench-'));
  try {
    const { rate, samples } = readWav(speechWav(dir, 'speech', TEXT));
    if (rate !== SETTINGS.rate) throw new Error(`speech WAV at ${rate} Hz`);
    const pcm = new Int16Array(seconds * rate);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(samples[i % samples.length] * 32768);
    return { pcm, spokenSeconds: samples.length / rate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// stem: natter.voice (the WASM SIMD build) or natter.voicescalar (without).
export async function loadVoiceWasm(repoRoot, stem = 'natter.voice') {
  const glue = path.join(repoRoot, `build/wasm/wasm/${stem}.js`);
  if (!existsSync(glue)) throw new Error(`build/wasm/wasm/${stem}.js missing: run tools/bundle/build.mjs`);
  // Emscripten 3.1.6's loader breaks on Node 20's fetch for file paths.
  return require(glue)({ wasmBinary: readFileSync(glue.replace(/\.js$/, '.wasm')) });
}

const cpuMs = (start) => { const d = process.cpuUsage(start); return (d.user + d.system) / 1000; };

function nativeRun(cli, pcm, complexity) {
  const r = spawnSync(cli, ['--rate', String(SETTINGS.rate), '--frame', String(SETTINGS.frame),
    '--bitrate', String(SETTINGS.bitrate), '--complexity', String(complexity), '--time', '1'],
  { input: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`natter_opus_encode_cli: ${r.stderr}`);
  const m = /frames=(\d+) cpu_ns=(\d+) wall_ns=(\d+)/.exec(r.stderr.toString());
  if (!m) throw new Error(`natter_opus_encode_cli printed no timing: ${r.stderr}`);
  return { cpuMs: Number(m[2]) / 1e6, packets: splitRecords(r.stdout) };
}

function splitRecords(buf) {
  const out = [];
  for (let at = 0; at < buf.length;) {
    const n = buf.readUInt32LE(at);
    out.push(buf.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

function wasmRun(V, pcm, complexity) {
  const { rate, frame, bitrate } = SETTINGS;
  const enc = openEncoder(V, { rate, bitrate, complexity });
  const packets = [];
  try {
    const t = process.cpuUsage();
    for (let off = 0; off < pcm.length; off += frame) packets.push(enc.encode(pcm.subarray(off, off + frame), frame));
    return { cpuMs: cpuMs(t), packets };
  } finally {
    enc.close();
  }
}

// opusscript's VOIP application and CTLs (libopus request numbers), as
// wasm/src/voice/audio/opus_codec.cpp sets them.
function opusscriptRun(OpusScript, pcm, complexity) {
  const { rate, frame, bitrate, lossPerc } = SETTINGS;
  const enc = new OpusScript(rate, 1, OpusScript.Application.VOIP);
  const packets = [];
  try {
    enc.encoderCTL(4002, bitrate);          // OPUS_SET_BITRATE
    enc.encoderCTL(4010, complexity);       // OPUS_SET_COMPLEXITY
    enc.encoderCTL(4012, 1);                // OPUS_SET_INBAND_FEC
    enc.encoderCTL(4014, lossPerc);         // OPUS_SET_PACKET_LOSS_PERC
    enc.encoderCTL(4024, 3001);             // OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)
    const t = process.cpuUsage();
    // An Int16Array, not a byte Buffer: its encode copies element by element.
    for (let off = 0; off < pcm.length; off += frame) packets.push(enc.encode(pcm.subarray(off, off + frame), frame));
    return { cpuMs: cpuMs(t), packets };
  } finally {
    enc.delete();
  }
}

function loadOpusscript() {
  try { return { OpusScript: require('opusscript') }; } catch (err) { return { error: err.message }; }
}

const kbps = (packets, seconds) => packets.reduce((s, p) => s + p.length, 0) * 8 / seconds / 1000;
const same = (a, b) => a.length === b.length && a.every((p, i) => Buffer.compare(Buffer.from(p), Buffer.from(b[i])) === 0);

// The encoders measureEncode runs, in the order each run interleaves them.
export const ENCODERS = ['native', 'wasm', 'wasm_scalar', 'chromium', 'opusscript'];

// Returns {seconds, spokenSeconds, runs, opusVersion, byComplexity: {<c>:
// {native/wasm/wasm_scalar/chromium/opusscript: {cpuMsPerAudioS: [..], kbps}}}
// (opusscript, chromium: {error} when it could not be loaded), wasmSameAsNative
// (the Node and the Chromium WASM, every complexity)}. The encoders and the
// complexities are interleaved within each run, so load on the machine hits
// all of them alike.
export async function measureEncode({ repoRoot, V, seconds = 20, runs, complexities = ENCODE_COMPLEXITIES }) {
  const cli = path.join(repoRoot, 'build/native/tools/voice/natter_opus_encode_cli');
  if (!existsSync(cli)) throw new Error('natter_opus_encode_cli missing: cmake --build build/native --target natter_opus_encode_cli');
  const { pcm, spokenSeconds } = speechPcm(seconds);
  const { OpusScript, error } = loadOpusscript();
  const scalar = await loadVoiceWasm(repoRoot, 'natter.voicescalar');
  let page = null;
  let pageError = null;
  try {
    page = await openChromiumEncoder({ glue: path.join(repoRoot, 'build/wasm/wasm/natter.voice.js') });
  } catch (err) {
    pageError = `headless Chromium: ${err.message.split('\n')[0]}`;
  }
  const byComplexity = {};
  for (const c of complexities) {
    byComplexity[c] = { native: { cpuMsPerAudioS: [] }, wasm: { cpuMsPerAudioS: [] }, wasm_scalar: { cpuMsPerAudioS: [] },
      chromium: pageError ? { error: pageError } : { cpuMsPerAudioS: [] },
      opusscript: error ? { error } : { cpuMsPerAudioS: [] } };
  }
  const last = {};
  try {
    for (let i = 0; i < runs; i += 1) {
      for (const c of complexities) {
        last[c] = { native: nativeRun(cli, pcm, c), wasm: wasmRun(V, pcm, c), wasm_scalar: wasmRun(scalar, pcm, c),
          chromium: page && await page.run(pcm, c, SETTINGS), opusscript: OpusScript && opusscriptRun(OpusScript, pcm, c) };
        for (const k of ENCODERS) if (last[c][k]) byComplexity[c][k].cpuMsPerAudioS.push(last[c][k].cpuMs / seconds);
      }
    }
  } finally {
    await page?.close();
  }
  for (const c of complexities) {
    for (const k of ENCODERS) if (last[c][k]) byComplexity[c][k].kbps = kbps(last[c][k].packets, seconds);
  }
  return { seconds, spokenSeconds, runs, opusVersion: opusVersion(repoRoot), byComplexity,
    wasmSameAsNative: complexities.every((c) => same(last[c].wasm.packets, last[c].native.packets)
      && same(last[c].wasm_scalar.packets, last[c].native.packets)
      && (!last[c].chromium || same(last[c].chromium.packets, last[c].native.packets))) };
}

// Returns {frames, perFrameMs: [..], withoutPacket: n}: one CaptureStream
// (device rate 48 kHz, as the codec) fed 20 ms at a time.
export function measureCapture({ V, pcm }) {
  const { rate, frame, bitrate, complexity } = SETTINGS;
  const cap = openCapture(V, { rate, bitrate, complexity });
  const perFrameMs = [];
  let withoutPacket = 0;
  const chunk = new Float32Array(frame);
  try {
    for (let off = 0; off + frame <= pcm.length; off += frame) {
      for (let i = 0; i < frame; i++) chunk[i] = pcm[off + i] / 32768;
      const t = process.hrtime.bigint();
      const count = cap.push(chunk).length;
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (count === 0) withoutPacket += 1; else perFrameMs.push(ms);
    }
  } finally {
    cap.close();
  }
  return { frames: perFrameMs.length + withoutPacket, perFrameMs, withoutPacket };
}

// Alone: the encode figures only, on stdout.
async function main() {
  const runs = Number(process.env.NATTER_BENCH_ENCODE_RUNS ?? 11);
  if (!Number.isInteger(runs) || runs < 11) throw new Error('NATTER_BENCH_ENCODE_RUNS must be an integer >= 11');
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const e = await measureEncode({ repoRoot, V: await loadVoiceWasm(repoRoot), runs });
  const min = (a) => Math.min(...a);
  console.log(`libopus ${e.opusVersion}, ${e.runs} interleaved runs of ${e.seconds} s of speech, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const [c, r] of Object.entries(e.byComplexity)) {
    for (const k of ENCODERS) {
      if (r[k].error) { console.log(`complexity ${c} ${k.padEnd(10)} not measured: ${r[k].error}`); continue; }
      const x = r[k].cpuMsPerAudioS;
      console.log(`complexity ${c} ${k.padEnd(10)} min ${min(x).toFixed(2)} median ${median(x).toFixed(2)} ms CPU per s of audio` +
        (k === 'native' ? '' : `; vs native: min ${(min(x) / min(r.native.cpuMsPerAudioS)).toFixed(3)}x, median ${(median(x) / median(r.native.cpuMsPerAudioS)).toFixed(3)}x`));
    }
  }
  console.log(`WASM packets ${e.wasmSameAsNative ? 'byte-identical to' : 'DIFFERENT from'} native`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
