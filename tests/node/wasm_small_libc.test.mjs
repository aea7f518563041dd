// The core links its own small snprintf and strtod (wasm/src/boundary/small_libc.hpp)
// instead of musl's: printf_core and strtod's software long double cost
// about 10 KB gzipped of the first chat. Read from the link's symbol map, so
// a change that brings musl's back (a float format, a std::stod) fails here
// rather than only in the size bench.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { coreWasmPath, repoRoot } from './load-core.mjs';
import { functionNames } from './wasm-imports.mjs';

const MUSL_ONLY = ['printf_core', 'fmt_fp', '__floatscan', '__multf3', '__divtf3', '__addtf3', 'fmodl', 'scalbnl'];

for (const wasm of [coreWasmPath]) {
  test(`${path.basename(wasm)} carries the small snprintf/strtod, none of musl's printf or long double code`, () => {
    const names = new Set(functionNames(wasm).names.values());
    assert.ok(names.has('natter_core_handle'), 'the symbol map is the core\'s');
    assert.deepEqual(MUSL_ONLY.filter((n) => names.has(n)), []);
  });
}
