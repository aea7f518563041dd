// Precompressed siblings of the shipped files: `<file>.br` (brotli, quality
// 11) and `<file>.gz` (gzip -9) beside each text or WebAssembly file, made
// once at build time so no server spends a request's CPU on them. The
// reference server picks one by the request's Accept-Encoding
// (tools/server/encoding.mjs); nginx's gzip_static serves the `.gz`
// (tools/proxy/nginx-cdn.conf.tmpl). A sibling only counts when it is no
// older than its file: a file rewritten in place (the stable loader) is
// served plain until its siblings are written after it.
//
//   for (const [name, data] of withSiblings('natter.core.abc.wasm', bytes)) write(name, data);
import path from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

// What compresses (text and WebAssembly); images and fonts already are.
export const COMPRESSIBLE = new Set(['.js', '.mjs', '.wasm', '.json', '.html', '.css', '.svg', '.map', '.txt']);

export const ENCODINGS = Object.freeze([
  { name: 'br', suffix: '.br', compress: (data) => brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }) },
  { name: 'gzip', suffix: '.gz', compress: (data) => gzipSync(data, { level: 9 }) },
]);

export const isCompressible = (name) => COMPRESSIBLE.has(path.extname(name).toLowerCase());

// [[name, data], ...]: the file itself first, then its siblings (none for a
// file that does not compress).
export function withSiblings(name, data) {
  const out = [[name, data]];
  if (!isCompressible(name)) return out;
  for (const { suffix, compress } of ENCODINGS) out.push([name + suffix, compress(Buffer.from(data))]);
  return out;
}
