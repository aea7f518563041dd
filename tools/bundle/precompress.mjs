// Precompressed siblings of the shipped files: `<file>.br` (brotli, quality
// 11) and `<file>.gz` (gzip made by zopfli) beside each text or WebAssembly
// file, made once at build time so no server spends a request's CPU on them.
// zopfli writes ordinary gzip that every browser decodes, 3-7 % smaller than
// gzip -9 (the core's first part: 4.3 KB less), for ~3 s of CPU per build;
// it is a Debian package (tools/setup.sh). The
// reference server picks one by the request's Accept-Encoding
// (tools/server/encoding.mjs); nginx's gzip_static serves the `.gz`
// (tools/proxy/nginx-cdn.conf.tmpl). A sibling only counts when it is no
// older than its file: a file rewritten in place (the stable loader) is
// served plain until its siblings are written after it.
//
//   for (const [name, data] of withSiblings('natter.core.abc.wasm', bytes)) write(name, data);
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

// What compresses (text and WebAssembly); images and fonts already are.
export const COMPRESSIBLE = new Set(['.js', '.mjs', '.wasm', '.json', '.html', '.css', '.svg', '.map', '.txt']);

export const ENCODINGS = Object.freeze([
  { name: 'br', suffix: '.br', compress: (data) => brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }) },
  { name: 'gzip', suffix: '.gz', compress: zopfliGzip },
]);

// gzip by zopfli (its CLI reads a file, not stdin). 15 iterations, its
// default: 5 gave 0.3 % more on the core WASM, 50 nothing.
export function zopfliGzip(data) {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-zopfli-'));
  try {
    const file = path.join(dir, 'data');
    writeFileSync(file, data);
    const r = spawnSync('zopfli', ['--gzip', '-c', file], { maxBuffer: 64 << 20 });
    if (r.error) throw new Error(`zopfli could not start (${r.error.code}): install it (npm run setup)`);
    if (r.status !== 0) throw new Error(`zopfli failed with exit status ${r.status}: ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const isCompressible = (name) => COMPRESSIBLE.has(path.extname(name).toLowerCase());

// [[name, data], ...]: the file itself first, then its siblings (none for a
// file that does not compress).
export function withSiblings(name, data) {
  const out = [[name, data]];
  if (!isCompressible(name)) return out;
  for (const { suffix, compress } of ENCODINGS) out.push([name + suffix, compress(Buffer.from(data))]);
  return out;
}
