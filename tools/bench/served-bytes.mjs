// What a browser that accepts gzip but not br is sent for a shipped file:
// the build's gzip sibling, <file>.gz, made by zopfli
// (tools/bundle/precompress.mjs), as the reference server and nginx's
// gzip_static send it. The benches' gzipped figures are these bytes.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export function servedGzipBytes(distDir, file) {
  const sibling = path.join(distDir, `${file}.gz`);
  if (!existsSync(sibling)) throw new Error(`${sibling} missing: the build writes a .gz beside every shipped file`);
  return statSync(sibling).size;
}
