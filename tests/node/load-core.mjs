// Loads the WASM build of the core in node. Emscripten 3.1.6's loader breaks
// on Node 20's global fetch for file paths, so the binary is read here and
// passed in as wasmBinary.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const coreGluePath = path.join(repoRoot, 'build/wasm/wasm/natter.core.js');
export const coreWasmPath = path.join(repoRoot, 'build/wasm/wasm/natter.core.wasm');

export async function loadCore() {
  if (!existsSync(coreGluePath)) throw new Error(`${coreGluePath} missing: run npm run build first`);
  const createNatterCore = createRequire(import.meta.url)(coreGluePath);
  return createNatterCore({ wasmBinary: readFileSync(coreWasmPath) });
}
