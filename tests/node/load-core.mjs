// Loads the WASM build of the core in node. Emscripten 3.1.6's loader breaks
// on Node 20's global fetch for file paths, so the binary is read here and
// passed in as wasmBinary. Returns the module with its exports wrapped as the
// shim does (shim/core-api.js): {Module, NatterCore}.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { natterCoreClass } from '../../shim/core-api.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const coreGluePath = path.join(repoRoot, 'build/wasm/wasm/natter.core.js');
export const coreWasmPath = path.join(repoRoot, 'build/wasm/wasm/natter.core.wasm');

export async function loadCore() {
  if (!existsSync(coreGluePath)) throw new Error(`${coreGluePath} missing: run npm run build first`);
  const createNatterCore = createRequire(import.meta.url)(coreGluePath);
  const Module = await createNatterCore({ wasmBinary: readFileSync(coreWasmPath) });
  return { Module, NatterCore: natterCoreClass(Module) };
}
