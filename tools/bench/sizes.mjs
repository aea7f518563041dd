// Part (a) of the bench: gzipped bytes of every shipped file, against its
// budget (tools/bench/budgets.mjs, the one place for budgets), and what a
// first chat and a first call add up to against their targets.
// Measured on a production build (what shops get), made by
// measureProductionSizes() into build/bench-dist.
//
// Alone, `node tools/bench/sizes.mjs [--before DIR]` builds, measures and
// rewrites only the "Shipped bytes" section and the "Voice download"
// subsection of docs/benchmarks.md; DIR is an earlier build's output (with
// its manifest.json), shown as a "before" column. Exits 1 over a budget.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from '../bundle/build.mjs';
import { budgetFor } from './budgets.mjs';
import { servedGzipBytes } from './served-bytes.mjs';
import { renderSizeSection, SIZES_HEADING } from './report.mjs';
import { renderVoiceDownload, VOICE_DOWNLOAD_HEADING } from './voice-report.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Returns [{key, file, raw, gzip, gzip9, br, budget, pass}] for
// dist/natter.js and every file in dist/manifest.json: gzip, the build's
// gzip sibling (servedGzipBytes: the measure budgets and targets use);
// gzip9, gzip -9 of the file (the measure before the siblings were made by
// zopfli, kept to compare with older figures); br, the build's brotli
// sibling (<file>.br, what the reference server sends a browser that
// accepts br), or null when the build wrote none.
export function measureSizes(distDir) {
  const manifest = JSON.parse(readFileSync(path.join(distDir, 'manifest.json'), 'utf8'));
  const entries = [['loader', 'natter.js'], ...Object.entries(manifest.files).map(([key, f]) => [key, f.path])];
  return entries.map(([key, file]) => {
    const data = readFileSync(path.join(distDir, file));
    const gzip = servedGzipBytes(distDir, file);
    const gzip9 = gzipSync(data, { level: 9 }).length;
    const sibling = path.join(distDir, `${file}.br`);
    const br = existsSync(sibling) ? statSync(sibling).size : null;
    const budget = budgetFor(key);
    return { key, file, raw: data.length, gzip, gzip9, br, budget, pass: budget === null ? null : gzip <= budget };
  });
}

// A production build of the current tree (build/wasm reused: run
// tools/bundle/build.mjs first) into build/bench-dist: what shops get, and
// what every bench serves its pages from (run.mjs, send-timings.mjs,
// production-stack.mjs). Built once per process (about 10 s, most of it
// zopfli): every bench in a run measures the same files. Resolves to its path.
let production;
export function buildProduction() {
  production ??= build({ env: 'production', outDir: path.join(repoRoot, 'build/bench-dist'), wasm: false }).then((r) => r.outDir);
  return production;
}

// buildProduction(), measured.
export async function measureProductionSizes() {
  return measureSizes(await buildProduction());
}

// What a shopper's first voice call downloads on top of the chat widget:
// the voice runtime (voice_runtime_js), the voice worker with its glue
// (voice_js), its WASM and the audio worklets (worklet_*).
// Returns {files: [rows of measureSizes], raw, gzip}.
export function voiceDownload(sizes) {
  const keys = ['voice_runtime_js', 'voice_js', 'voice_wasm'];
  const files = sizes.filter((s) => keys.includes(s.key) || s.key.startsWith('worklet_'));
  return { files, raw: files.reduce((n, s) => n + s.raw, 0), gzip: files.reduce((n, s) => n + s.gzip, 0) };
}

// Replaces the block from `heading` to the next heading of the same or a
// higher level (or the end) in doc.
function replaceBlock(doc, heading, block) {
  const at = doc.indexOf(`${heading}\n`);
  if (at < 0) throw new Error(`docs/benchmarks.md has no "${heading}": run the whole bench (tools/bench/run.mjs)`);
  const level = heading.split(' ')[0];
  const nextHeading = new RegExp(`\\n#{1,${level.length}} `, 'g');
  nextHeading.lastIndex = at + heading.length;
  const next = nextHeading.exec(doc);
  return doc.slice(0, at) + block + (next ? doc.slice(next.index + 1) : '');
}

async function main() {
  const args = process.argv.slice(2);
  const beforeAt = args.indexOf('--before');
  let before = null;
  if (beforeAt >= 0) {
    const dir = args[beforeAt + 1];
    if (!dir) throw new Error('--before needs a directory (an earlier build with its manifest.json)');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    before = { build: manifest.build, label: `version ${manifest.version}, ${manifest.env}`, sizes: measureSizes(dir) };
  }
  const sizes = await measureProductionSizes();
  for (const s of sizes) console.log(`[bench] ${s.file}: ${s.gzip} B gzip${s.budget ? ` (budget ≤ ${s.budget}: ${s.pass ? 'pass' : 'FAIL'})` : ''}`);
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  let doc = readFileSync(file, 'utf8');
  doc = replaceBlock(doc, SIZES_HEADING, `${renderSizeSection(sizes, { before, alone: { date } })}\n`);
  doc = replaceBlock(doc, VOICE_DOWNLOAD_HEADING, `${renderVoiceDownload(voiceDownload(sizes))}\n`);
  writeFileSync(file, doc);
  console.log('[bench] wrote the sizes of docs/benchmarks.md');
  if (sizes.some((s) => s.pass === false)) {
    console.error('[bench] a file is over its size budget');
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
