// Loads the WASM build of the core in node as the widget does
// (shim/core-api.js: CORE_IMPORTS, initCore, natterCoreClass), from the
// build dir. Returns {wasm (the started exports), NatterCore}.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { CORE_IMPORTS, natterCoreClass, initCore } from '../../shim/core-api.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const coreWasmPath = path.join(repoRoot, 'build/wasm/wasm/natter.core.wasm');

export async function loadCore() {
  if (!existsSync(coreWasmPath)) throw new Error(`${coreWasmPath} missing: run npm run build first`);
  const { instance } = await WebAssembly.instantiate(readFileSync(coreWasmPath), CORE_IMPORTS);
  const wasm = initCore(instance);
  return { wasm, NatterCore: natterCoreClass(wasm) };
}
