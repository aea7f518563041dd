// Every shipped file of a production build stays within its byte budget
// (tools/bench/budgets.mjs, gzipped as served): a sudden jump (a new dependency, a
// debug build, a lost size flag) fails here, ordinary growth does not (the
// budgets have headroom). Reuses build/wasm (npm test builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { measureProductionSizes } from '../../tools/bench/sizes.mjs';
import { budgetFor, LOADER_BUDGET, targetTotals } from '../../tools/bench/budgets.mjs';

const sizes = await measureProductionSizes();

test('the production build ships the files the budgets know', () => {
  for (const key of ['loader', 'core_js', 'core_wasm', 'core_rest_wasm', 'core_session_wasm', 'core_session_rest_wasm', 'voice_js', 'voice_wasm']) {
    assert.ok(sizes.some((s) => s.key === key), `no ${key} in the build`);
  }
});

test('every shipped file has a budget (add one to tools/bench/budgets.mjs for a new file)', () => {
  assert.deepEqual(sizes.filter((s) => s.budget === null).map((s) => s.key), []);
});

for (const s of sizes) {
  test(`${s.key} (${s.file}) is within its budget`, (t) => {
    t.diagnostic(`${s.gzip} B gzipped, budget ${s.budget} B`);
    assert.ok(s.gzip <= s.budget, `${s.file}: ${s.gzip} B gzipped, over its ${s.budget} B budget`);
  });
}

test('the loader budget is the product requirement, 2 KiB', () => {
  assert.equal(budgetFor('loader'), 2048);
  assert.equal(LOADER_BUDGET, 2048);
});

test('the first chat and first call totals add up the files they name', (t) => {
  const totals = Object.fromEntries(targetTotals(sizes).map((x) => [x.name, x]));
  const sum = (keys) => sizes.filter((s) => keys(s.key)).reduce((n, s) => n + s.gzip, 0);
  assert.equal(totals.first_chat.gzip, sum((k) => ['loader', 'core_js', 'core_wasm'].includes(k)));
  assert.equal(totals.first_chat_session.gzip, sum((k) => ['loader', 'core_js', 'core_session_wasm'].includes(k)));
  assert.equal(totals.first_call.gzip, sum((k) => ['session_ui_js', 'voice_runtime_js', 'voice_js', 'voice_wasm'].includes(k) ||
    k.startsWith('worklet_') || k.startsWith('voice_frame_')));
  for (const x of Object.values(totals)) t.diagnostic(`${x.label}: ${x.gzip} B (target ${x.target} B)`);
});

test('every shipped file has brotli and gzip siblings that decode to it, and the totals report them', () => {
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../build/bench-dist');
  for (const s of sizes) {
    const data = readFileSync(path.join(dist, s.file));
    assert.ok(brotliDecompressSync(readFileSync(path.join(dist, `${s.file}.br`))).equals(data), `${s.file}.br`);
    assert.ok(gunzipSync(readFileSync(path.join(dist, `${s.file}.gz`))).equals(data), `${s.file}.gz`);
    assert.ok(s.br > 0 && s.br < s.raw, `${s.file}: brotli ${s.br} B of ${s.raw}`);
  }
  for (const x of targetTotals(sizes)) {
    assert.ok(x.br !== null && x.br < x.gzip, `${x.label}: brotli ${x.br} B against gzip ${x.gzip}`);
  }
});
