// The real names of a WASM module's imports. A Release link with Emscripten
// glue minifies them (`a.a`, `a.b`, …), so the name alone says nothing; the
// link also writes a symbol map (--emit-symbol-map, wasm/CMakeLists.txt):
// `<index>:<name>` for every function, imported functions first, in import order. The .wasm is
// the shipped one (the map is a side file; the module carries no names).
import { readFileSync, existsSync, statSync } from 'node:fs';

// The symbol map beside the module at wasmPath: function index -> real name.
// A link with glue writes <stem>.js.symbols, a standalone one
// <stem>.wasm.symbols; the newest is this link's (a reused build dir can
// keep the other kind from an earlier link).
export function functionNames(wasmPath) {
  const stem = wasmPath.replace(/\.wasm$/, '');
  const mapPath = [`${stem}.js.symbols`, `${stem}.symbols`, `${wasmPath}.symbols`]
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!mapPath) throw new Error(`no symbol map next to ${wasmPath}: link with --emit-symbol-map`);
  const names = new Map();
  for (const line of readFileSync(mapPath, 'utf8').split('\n')) {
    const m = /^(\d+):(.+)$/.exec(line.trim());
    if (m) names.set(Number(m[1]), m[2]);
  }
  return { names, mapPath };
}

// [{module, name, kind, real}] for every import of the module at wasmPath.
export function realImports(wasmPath) {
  const { names, mapPath } = functionNames(wasmPath);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmPath)));
  let functionIndex = 0;
  return imports.map((i) => {
    const real = i.kind === 'function' ? names.get(functionIndex++) : `${i.kind}`;
    if (real === undefined) throw new Error(`${mapPath} names no function ${functionIndex - 1} (${i.module}.${i.name})`);
    return { ...i, real };
  });
}

// The imports of wasmPath whose real name is not in `allowed`.
export function importsOutside(wasmPath, allowed) {
  return realImports(wasmPath).filter((i) => i.kind === 'function' && !allowed.has(i.real));
}
