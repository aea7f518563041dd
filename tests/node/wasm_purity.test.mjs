// The core is sans-IO: its WASM module may import only what the glue and the
// C runtime need to move memory and report errors. Anything that reads a
// clock, randomness, sockets or files from the host fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { coreWasmPath } from './load-core.mjs';

const FORBIDDEN = /time|now|clock|random|getentropy|socket|websocket|fetch|fd_read|path_open|environ/i;

test('the core WASM module imports nothing that reads a clock, randomness or the network', () => {
  const module = new WebAssembly.Module(readFileSync(coreWasmPath));
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
  assert.ok(imports.length > 0, 'no imports at all: is this the right file?');
  const bad = imports.filter((name) => FORBIDDEN.test(name));
  assert.deepEqual(bad, [], `impure imports: ${bad.join(', ')}`);
});
