// The SIMD voice module's vector kernels (wasm/opus/simd/) give the scalar
// libopus code's results bit for bit, on seeded random inputs: the inner
// product of two float vectors (a double sum in libopus's order), the
// quantiser's short-term prediction (10 or 16 terms, 32x16-bit products),
// the LPC analysis filters' residuals (float sums, and 16-bit samples
// with wrapping 32-bit sums, rounding and saturation; four samples at once)
// and the down-sampling FIR (floored 32x16-bit products, four taps at once).
// tests/wasm_kernels/opus_simd_kernels.c holds both versions of each in one
// module; node tools/bundle/build.mjs (npm test) builds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modulePath = path.join(repoRoot, 'build/wasm/tests/wasm_kernels/opus_simd_kernels.wasm');

async function kernels() {
  if (!existsSync(modulePath)) throw new Error(`${path.relative(repoRoot, modulePath)} missing: run node tools/bundle/build.mjs`);
  const { instance } = await WebAssembly.instantiate(readFileSync(modulePath), {});
  instance.exports._initialize();
  return instance.exports;
}

// xorshift32: the same inputs every run.
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

test('inner product: the SIMD sum has the scalar one\'s bits, at every length 0-300 and in every magnitude', async () => {
  const k = await kernels();
  const next = random(14);
  const a = new Float32Array(k.memory.buffer, k.natter_kernel_a(), 1024);
  const b = new Float32Array(k.memory.buffer, k.natter_kernel_b(), 1024);
  // Mantissas of 24 random bits, exponents 2^-20..2^20, either sign: sums
  // that round differently in another order.
  const value = () => ((next() & 0xffffff) / 0x1000000) * 2 ** ((next() % 41) - 20) * (next() & 1 ? -1 : 1);
  let compared = 0;
  for (let round = 0; round < 10; round++) {
    for (let n = 0; n <= 300; n++) {
      for (let i = 0; i < n; i++) { a[i] = value(); b[i] = value(); }
      assert.equal(k.natter_inner_product_same(n), 1, `round ${round}, length ${n}`);
      compared++;
    }
  }
  assert.equal(compared, 3010);
});

test('short prediction: the SIMD sum equals the scalar one for 10 and 16 coefficients, over the whole int32 and int16 ranges', async () => {
  const k = await kernels();
  const next = random(16);
  const buf = new Int32Array(k.memory.buffer, k.natter_kernel_buf(), 16);
  const coef = new Int16Array(k.memory.buffer, k.natter_kernel_coef(), 16);
  for (let round = 0; round < 5000; round++) {
    const order = round % 2 ? 16 : 10;
    for (let i = 0; i < 16; i++) { buf[i] = next() | 0; coef[i] = next() & 0xffff; }
    assert.equal(k.natter_short_prediction_same(order), 1, `round ${round}, order ${order}`);
  }
});

test('LPC analysis filter: the SIMD residual has the scalar one\'s bits, every order and every length up to 330', async () => {
  const k = await kernels();
  const next = random(18);
  const s = new Float32Array(k.memory.buffer, k.natter_kernel_a(), 1024);
  const c = new Float32Array(k.memory.buffer, k.natter_kernel_b(), 1024);
  // Signals of 24 random bits in -32768..32768 (what the encoder filters)
  // and coefficients of 24 random bits in -4..4, with a few far larger and
  // smaller: float sums that round differently in another order.
  const mantissa = () => ((next() & 0xffffff) / 0x1000000) * (next() & 1 ? -1 : 1);
  let compared = 0;
  for (const order of [6, 8, 10, 12, 16]) {
    for (let length = order; length <= 330; length++) {
      for (let i = 0; i < length; i++) s[i] = mantissa() * 2 ** ((next() % 31) - 15);
      for (let i = 0; i < order; i++) c[i] = mantissa() * 4 * (next() % 8 ? 1 : 2 ** ((next() % 21) - 10));
      assert.equal(k.natter_lpc_analysis_filter_same(length, order), 1, `order ${order}, length ${length}`);
      compared++;
    }
  }
  assert.equal(compared, 5 * 331 - (6 + 8 + 10 + 12 + 16));
});

test('16-bit LPC analysis filter: the SIMD residual equals the scalar one, every even order 6-16 and every length up to 330, over the whole int16 range', async () => {
  const k = await kernels();
  const next = random(20);
  const input = new Int16Array(k.memory.buffer, k.natter_kernel_in16(), 1024);
  const coef = new Int16Array(k.memory.buffer, k.natter_kernel_coef(), 16);
  let compared = 0;
  for (let order = 6; order <= 16; order += 2) {
    for (let length = order; length <= 330; length++) {
      // Every third round full-scale samples and coefficients (sums that
      // wrap and outputs that saturate), the others speech-like: small
      // samples, Q12 coefficients within ±2.
      const loud = length % 3 === 0;
      for (let i = 0; i < length; i++) input[i] = loud ? next() & 0xffff : ((next() % 4001) - 2000);
      for (let i = 0; i < order; i++) coef[i] = loud ? next() & 0xffff : ((next() % 16385) - 8192);
      assert.equal(k.natter_lpc_analysis_filter_int16_same(length, order), 1, `order ${order}, length ${length}${loud ? ', full scale' : ''}`);
      compared++;
    }
  }
  assert.equal(compared, 6 * 331 - (6 + 8 + 10 + 12 + 14 + 16));
});

test('down-sampling FIR: the SIMD resampler gives the scalar output and state, every encoder ratio, lengths up to 1,000 and calls in a row', async () => {
  const k = await kernels();
  const next = random(22);
  const input = new Int16Array(k.memory.buffer, k.natter_kernel_in16(), 1024);
  // Each of libopus's down-sampling filters as the encoder picks them:
  // 3:1 (48 -> 16 kHz, the product's), 4:1 and 6:1 (order 36); 2:1 (order
  // 24); 3:2 and 4:3 (the interpolating order 18, libopus's own code).
  const ratios = [[48000, 16000], [48000, 12000], [48000, 8000], [24000, 8000], [16000, 8000], [24000, 12000], [24000, 16000], [16000, 12000]];
  let compared = 0;
  for (const [fsIn, fsOut] of ratios) {
    for (let length = 2; length <= 1000; length += 7) {
      // Every third round full-scale samples (the AR stage's largest
      // values), the others speech-like.
      const loud = length % 3 === 0;
      for (let i = 0; i < length; i++) input[i] = loud ? next() & 0xffff : ((next() % 4001) - 2000);
      assert.equal(k.natter_resampler_down_FIR_same(fsIn, fsOut, length, 3), 1, `${fsIn} -> ${fsOut} Hz, length ${length}${loud ? ', full scale' : ''}`);
      compared++;
    }
  }
  assert.equal(compared, 8 * 143);
});
