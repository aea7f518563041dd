// Precompressed siblings of the shipped files: `<file>.br` (brotli, quality
// 11) and `<file>.gz` (gzip made by zopfli) beside each text or WebAssembly
// file, made once at build time so no server spends a request's CPU on them.
// zopfli writes ordinary gzip that every browser decodes, 3-7 % smaller than
// gzip -9 (the core's first part: 4.3 KB less), for ~3 s of CPU per build;
// it is a Debian package (tools/setup.sh). The
// reference server picks one by the request's Accept-Encoding
// (tools/gateway/static/encoding.mjs); nginx's gzip_static serves the `.gz`
// (tools/proxy/nginx-cdn.conf.tmpl). A sibling only counts when it is no
// older than its file: a file rewritten in place (the stable loader) is
// served plain until its siblings are written after it.
//
//   for (const [name, data] of withSiblings('natter.core.abc.wasm', bytes)) write(name, data);
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';

// What compresses (text and WebAssembly); images and fonts already are.
export const COMPRESSIBLE = new Set(['.js', '.mjs', '.wasm', '.json', '.html', '.css', '.svg', '.map', '.txt']);

export const ENCODINGS = Object.freeze([
  { name: 'br', suffix: '.br', compress: (data) => brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }), decompress: brotliDecompressSync },
  { name: 'gzip', suffix: '.gz', compress: zopfliGzip, decompress: gunzipSync },
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

// Both compressors are deterministic, and most builds compress the same
// bytes again: the tests build several releases whose WebAssembly files are
// identical, and a fresh clone builds what the last one did. So each result
// is kept under the hash of its input, outside the clone
// ($NATTER_CACHE/precompressed, default ~/.cache/natter): the same input
// gives the same bytes as compressing it anew. Bump CACHE_VERSION when an
// encoding's settings change. NATTER_PRECOMPRESS_CACHE=off compresses always.
const CACHE_VERSION = 1;
const cacheDir = process.env.NATTER_PRECOMPRESS_CACHE === 'off' ? null
  : path.join(process.env.NATTER_CACHE || path.join(homedir(), '.cache/natter'), 'precompressed');

// An entry is used only if it decodes to the input (a truncated or damaged
// file is made again), which costs a decompression, not a compression.
function decodesTo(decompress, packed, data) {
  try { return decompress(packed).equals(data); } catch { return false; }
}

function compressCached({ name, compress, decompress }, data) {
  if (!cacheDir) return compress(data);
  const key = createHash('sha256').update(`${CACHE_VERSION}\0${name}\0`).update(data).digest('hex');
  const file = path.join(cacheDir, key.slice(0, 2), key);
  if (existsSync(file)) {
    const packed = readFileSync(file);
    if (decodesTo(decompress, packed, data)) return packed;
  }
  const out = compress(data);
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`; // never a half-written entry for a concurrent build
  writeFileSync(partial, out);
  renameSync(partial, file);
  return out;
}

// [[name, data], ...]: the file itself first, then its siblings (none for a
// file that does not compress).
export function withSiblings(name, data) {
  const out = [[name, data]];
  if (!isCompressible(name)) return out;
  for (const encoding of ENCODINGS) out.push([name + encoding.suffix, compressCached(encoding, Buffer.from(data))]);
  return out;
}
