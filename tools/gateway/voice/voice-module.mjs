// The voice codec's WASM module (wasm/bindings/voice_embind.cpp) for the
// server: found once, loaded once per server on first use, shared by every
// call (each call owns its VoiceEncoder/VoiceDecoder objects).
//
// Where it comes from: the build output, build/wasm/wasm/natter.voice.*
// (what `npm run build` makes). dist/ does not ship the bare glue: its
// voice_js is the browser's voice worker with the glue bundled inside.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BUILD_VOICE_DIR = path.join(repoRoot, 'build/wasm/wasm');

// { js, wasm } absolute paths, or null when neither place has both files.
export function findVoiceModuleFiles() {
  const js = path.join(BUILD_VOICE_DIR, 'natter.voice.js');
  const wasm = path.join(BUILD_VOICE_DIR, 'natter.voice.wasm');
  return existsSync(js) && existsSync(wasm) ? { js, wasm } : null;
}

// The glue is CommonJS; dist/ copies sit under the repo's "type": "module"
// package, where require() would read them as ES modules, so the source is
// compiled as a CommonJS function body directly. The binary is passed in
// (Emscripten's own loader cannot fetch file paths on Node 20).
async function instantiate({ js, wasm }) {
  const params = ['exports', 'require', 'module', '__filename', '__dirname'];
  const body = vm.compileFunction(readFileSync(js, 'utf8'), params, { filename: js });
  const module = { exports: {} };
  body(module.exports, createRequire(js), module, js, path.dirname(js));
  return module.exports({ wasmBinary: readFileSync(wasm) });
}

// Returns load(): a promise of the module, made on the first call and
// shared after (a failed load is retried on the next call).
export function createVoiceModuleLoader() {
  let loading = null;
  return function load() {
    loading ??= (async () => {
      const files = findVoiceModuleFiles();
      if (!files) throw new Error('natter.voice.{js,wasm} not found: run node tools/bundle/build.mjs');
      return instantiate(files);
    })().catch((error) => { loading = null; throw error; });
    return loading;
  };
}
