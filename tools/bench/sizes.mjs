// Part (a) of the bench: gzipped bytes of every shipped file, against a
// budget per file. The loader's 2 KiB is the product requirement (it is on
// every page of every shop); the others are ceilings with room to grow,
// set so that a sudden jump (a new dependency, a debug build) fails loudly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGETS = {
  loader: 2048,
  core_js: 24 * 1024,
  core_wasm: 128 * 1024,
  voice_js: 16 * 1024,
  voice_wasm: 192 * 1024,
  core_frame_js: 16 * 1024,
};

// Returns [{key, file, raw, gzip, budget, pass}] for dist/natter.js and
// every file in dist/manifest.json, gzip level 9 (what a CDN serves).
export function measureSizes(distDir) {
  const manifest = JSON.parse(readFileSync(path.join(distDir, 'manifest.json'), 'utf8'));
  const entries = [['loader', 'natter.js'], ...Object.entries(manifest.files).map(([key, f]) => [key, f.path])];
  return entries.map(([key, file]) => {
    const data = readFileSync(path.join(distDir, file));
    const gzip = gzipSync(data, { level: 9 }).length;
    const budget = BUDGETS[key] ?? null;
    return { key, file, raw: data.length, gzip, budget, pass: budget === null ? null : gzip < budget };
  });
}

// What a shopper's first voice call downloads on top of the chat widget:
// the voice worker with its glue (voice_js), its WASM and the audio
// worklets (worklet_*). Returns {files: [rows of measureSizes], raw, gzip}.
export function voiceDownload(sizes) {
  const files = sizes.filter((s) => s.key === 'voice_js' || s.key === 'voice_wasm' || s.key.startsWith('worklet_'));
  return { files, raw: files.reduce((n, s) => n + s.raw, 0), gzip: files.reduce((n, s) => n + s.gzip, 0) };
}
