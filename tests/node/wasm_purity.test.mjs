// The core is sans-IO: its WASM module may import only what the C runtime
// needs to grow memory and report errors. Release links with Emscripten glue
// minify import names (`a.a`, …), so the check reads the real names from the
// link's symbol map (tests/node/wasm-imports.mjs) and holds them to an allowlist:
// anything else (a clock, randomness, sockets, files, an EM_JS/EM_ASM
// snippet of arbitrary JS) fails. The voice module gets its own list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { coreWasmPath, repoRoot } from './load-core.mjs';
import { importsOutside, realImports } from './wasm-imports.mjs';

// What each module may import, by real name. Adding a name here is a
// design decision: say in the commit why the core needs it.
// The core is linked standalone (no glue): shim/core-api.js CORE_IMPORTS
// answers these two.
export const CORE_ALLOWED = new Set([
  'emscripten_notify_memory_growth', '__wasi_proc_exit', // the C runtime: memory grew, abort()
]);
export const VOICE_ALLOWED = new Set([
  'abort', 'emscripten_memcpy_big', 'emscripten_resize_heap',
  // embind's registration of the exported classes and types (voice_embind.cpp)
  '_embind_register_bool', '_embind_register_class', '_embind_register_class_constructor',
  '_embind_register_class_function', '_embind_register_constant', '_embind_register_emval',
  '_embind_register_float', '_embind_register_function', '_embind_register_integer',
  'legalimport$_embind_register_bigint', '_embind_register_memory_view', '_embind_register_std_string',
  '_embind_register_std_wstring', '_embind_register_void',
]);

const modules = {
  core: { wasm: coreWasmPath, allowed: CORE_ALLOWED },
  voice: { wasm: path.join(repoRoot, 'build/wasm/wasm/natter.voice.wasm'), allowed: VOICE_ALLOWED },
  'voice (scalar)': { wasm: path.join(repoRoot, 'build/wasm/wasm/natter.voicescalar.wasm'), allowed: VOICE_ALLOWED },
};

for (const [name, { wasm, allowed }] of Object.entries(modules)) {
  test(`the ${name} WASM module imports only allowlisted functions, by their real names`, () => {
    const imports = realImports(wasm);
    assert.ok(imports.some((i) => i.kind === 'function'), 'no function imports at all: is this the right file?');
    const outside = importsOutside(wasm, allowed);
    assert.deepEqual(outside.map((i) => `${i.real} (${i.module}.${i.name})`), [],
      `${name}: imports outside the allowlist`);
  });
}
