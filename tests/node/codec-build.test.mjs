// shim/voice/codec-build.js: an engine with WASM SIMD gets the SIMD codec,
// one without (or one whose WebAssembly throws) the scalar one; the probe
// validates where SIMD exists and uses instructions the SIMD codec does,
// and the scalar codec has none, so an engine without SIMD can compile it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { voiceCodecBuild, CODEC_FILE } from '../../shim/voice/codec-build.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('Node has WASM SIMD: the probe validates, so the SIMD build', () => {
  assert.equal(voiceCodecBuild(globalThis), 'simd');
});

test('an engine that refuses the probe, or whose WebAssembly throws or is missing, gets the scalar build', () => {
  assert.equal(voiceCodecBuild({ WebAssembly: { validate: () => false } }), 'scalar');
  assert.equal(voiceCodecBuild({ WebAssembly: { validate: () => { throw new TypeError('no'); } } }), 'scalar');
  assert.equal(voiceCodecBuild({}), 'scalar');
});

// The SIMD instructions in a module, by name (binaryen's wasm-dis).
function simdOps(bytes) {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-probe-'));
  try {
    writeFileSync(path.join(dir, 'm.wasm'), bytes);
    const text = execFileSync('wasm-dis', [path.join(dir, 'm.wasm')], { maxBuffer: 64 << 20 }).toString();
    return new Set(text.match(/\b(?:v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.[a-z0-9_]+/g) ?? []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the probe checks SIMD the SIMD codec uses, and the scalar codec uses none', () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'dist/manifest.json'), 'utf8'));
  for (const key of Object.values(CODEC_FILE)) assert.ok(manifest.files[key]?.path.endsWith('.wasm'), key);
  let probe;
  const realValidate = WebAssembly.validate;
  WebAssembly.validate = (bytes) => { probe = Buffer.from(bytes); return realValidate(bytes); };
  try { voiceCodecBuild(globalThis); } finally { WebAssembly.validate = realValidate; }
  const codec = (file) => readFileSync(path.join(repoRoot, 'build/wasm/wasm', file));
  const probeOps = [...simdOps(probe)];
  const simdCodecOps = simdOps(codec('natter.voice.wasm'));
  assert.ok(probeOps.length >= 3, `the probe's SIMD: ${probeOps}`);
  for (const op of probeOps) assert.ok(simdCodecOps.has(op), `${op} is in the probe but not in the SIMD codec`);
  assert.deepEqual([...simdOps(codec('natter.voicescalar.wasm'))], [], 'the scalar codec has SIMD instructions');
});

// A real engine without WASM SIMD: V8 offers it only on CPUs with SSE4.1,
// and --no-enable-sse4-1 makes this Node such an engine. There the probe
// must say scalar, the SIMD codec must indeed not compile, and the scalar
// codec must compile and encode.
test('in V8 without WASM SIMD (node --no-enable-sse4-1): the probe says scalar, the SIMD codec does not compile, the scalar one encodes', () => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    import { voiceCodecBuild } from './shim/voice/codec-build.js';
    import { openEncoder } from './wasm/bindings/voice-api.js';
    const compiles = (file) => WebAssembly.compile(readFileSync('build/wasm/wasm/' + file)).then(() => 'compiles', (e) => e.message);
    const glue = createRequire(import.meta.url)('./build/wasm/wasm/natter.voicescalar.js');
    const V = await glue({ wasmBinary: readFileSync('build/wasm/wasm/natter.voicescalar.wasm') });
    const enc = openEncoder(V, { rate: 48000, bitrate: 24000, complexity: 5 });
    const pcm = new Int16Array(960).map((_, i) => Math.round(8000 * Math.sin(i / 10)));
    const packet = enc.encode(pcm, 960);
    enc.close();
    console.log(JSON.stringify({ build: voiceCodecBuild(globalThis), simd: await compiles('natter.voice.wasm'),
      scalar: await compiles('natter.voicescalar.wasm'), packetBytes: packet.length }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--no-enable-sse4-1', '--input-type=module', '-e', script],
    { cwd: repoRoot }).toString().trim().split('\n').pop());
  assert.equal(out.build, 'scalar');
  assert.match(out.simd, /SIMD unsupported/, 'the SIMD codec cannot compile here');
  assert.equal(out.scalar, 'compiles');
  assert.ok(out.packetBytes > 0, `a packet: ${JSON.stringify(out)}`);
});
