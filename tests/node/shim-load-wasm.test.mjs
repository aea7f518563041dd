// shim/load-wasm.js with a fake WebAssembly: a page's CSP without
// 'wasm-unsafe-eval' is reported once, by name, and not retried; the
// voice glue's hook gets the instance, or its failure rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantiateWasmFile, wasmLoader, CSP_HINT } from '../../shim/load-wasm.js';

class CompileError extends Error { get name() { return 'CompileError'; } }
const CHROMIUM_CSP = "WebAssembly.instantiateStreaming(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: \"script-src 'self'\"";

function setUp(error) {
  const warnings = [];
  const calls = { streaming: 0, plain: 0 };
  const response = { ok: true, headers: { get: () => 'application/wasm' }, arrayBuffer: async () => new ArrayBuffer(8) };
  const WebAssembly = {
    instantiateStreaming: async () => { calls.streaming += 1; throw error; },
    instantiate: async () => { calls.plain += 1; throw error; },
  };
  const failure = instantiateWasmFile({
    url: 'https://cdn.example/core.wasm', integrity: 'sha384-x', fetch: async () => response,
    WebAssembly, console: { warn: (...a) => warnings.push(a) },
  }, {});
  return { loader: { failure }, warnings, calls };
}

test('a CSP without wasm-unsafe-eval fails at once with the directive to add', async () => {
  const { loader, warnings, calls } = setUp(new CompileError(CHROMIUM_CSP));
  const err = await loader.failure.then(() => null, (e) => e);
  assert.equal(err.message, CSP_HINT);
  assert.match(err.message, /add 'wasm-unsafe-eval' to its script-src directive/);
  assert.equal(err.cause.message, CHROMIUM_CSP);
  assert.deepEqual(calls, { streaming: 1, plain: 0 }, 'not retried without streaming');
  assert.deepEqual(warnings, []);
});

test("Safari's EvalError is recognised too", async () => {
  const e = new Error("Refused to create a WebAssembly object because 'unsafe-eval' or 'wasm-unsafe-eval' is not an allowed source of script");
  e.name = 'EvalError';
  const err = await setUp(e).loader.failure.then(() => null, (x) => x);
  assert.equal(err.message, CSP_HINT);
});

test('any other compile failure is retried without streaming and passed on as it is', async () => {
  const broken = new CompileError('expected magic word 00 61 73 6d');
  const { loader, warnings, calls } = setUp(broken);
  const err = await loader.failure.then(() => null, (x) => x);
  assert.equal(err, broken);
  assert.deepEqual(calls, { streaming: 1, plain: 1 });
  assert.equal(warnings.length, 1);
});

test("the glue's hook: the instance reaches the glue; a failure rejects `failure`", async () => {
  const instance = { exports: {} };
  const response = { ok: true, headers: { get: () => 'application/wasm' } };
  const ok = wasmLoader({
    url: 'https://cdn.example/voice.wasm', integrity: 'sha384-x', fetch: async () => response,
    WebAssembly: { instantiateStreaming: async (_, imports) => ({ instance, module: imports }) }, console,
  });
  const imports = { a: {} };
  const got = await new Promise((resolve) => assert.deepEqual(ok.hook(imports, (i, m) => resolve([i, m])), {}));
  assert.equal(got[0], instance);
  assert.equal(got[1], imports, 'instantiated with the glue\'s imports');

  const broken = wasmLoader({
    url: 'https://cdn.example/voice.wasm', integrity: 'sha384-x',
    fetch: async () => ({ ok: false, status: 404 }), WebAssembly: {}, console,
  });
  broken.hook({}, () => assert.fail('must not instantiate'));
  await assert.rejects(broken.failure, /voice\.wasm failed: HTTP 404/);
});
