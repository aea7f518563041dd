// The voice benches (the "Voice mode" issue): codec speed of the WASM build
// against native libopus and opusscript, capture frame -> packet ready, main-
// thread long tasks during a call, a call embedded from another origin
// against one from the same origin, and the bytes of the voice download.
// Wired into run.mjs; also runs alone and then rewrites only the voice
// section of docs/benchmarks.md:
//   node tools/bench/voice.mjs   (NATTER_BENCH_RUNS=25, NATTER_BENCH_CALL_SECONDS=60)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureProductionSizes, voiceDownload } from './sizes.mjs';
import { loadVoiceWasm, measureEncode, measureCapture, speechPcm } from './voice-codec.mjs';
import { measureCallLongTasks } from './voice-call.mjs';
import { measureVoiceOrigins } from './voice-origins.mjs';
import { renderVoiceSection, VOICE_HEADING } from './voice-report.mjs';
import { writeSection } from './doc-section.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENCODE_SECONDS = 20;

export function callSecondsFromEnv() {
  const s = Number(process.env.NATTER_BENCH_CALL_SECONDS ?? 60);
  if (!(s > 0)) throw new Error('NATTER_BENCH_CALL_SECONDS must be a number > 0');
  return s;
}

// Returns the figures renderVoiceSection() takes.
export async function measureVoice({ sizes, runs, callSeconds, log = console.log }) {
  const V = await loadVoiceWasm(repoRoot);
  log(`[bench] voice encode: ${runs} runs of ${ENCODE_SECONDS} s of speech`);
  const encode = await measureEncode({ repoRoot, V, seconds: ENCODE_SECONDS, runs });
  const capture = measureCapture({ V, pcm: speechPcm(ENCODE_SECONDS).pcm });
  log(`[bench] voice call: ${callSeconds} s`);
  const call = await measureCallLongTasks({ seconds: callSeconds });
  const origins = await measureVoiceOrigins({ log }); // same origin against cross origin, same run
  return { encode, capture, call, origins, download: voiceDownload(sizes) };
}

// Alone: measure, then replace the voice section of docs/benchmarks.md
// (from its heading to the next "## " heading or the end). Only on the
// build the rest of the report measured: every voice file it lists must be
// a file "Shipped bytes" lists (same content hash), else run npm run bench.
async function main() {
  const runs = Number(process.env.NATTER_BENCH_RUNS ?? 25);
  if (!Number.isInteger(runs) || runs < 20) throw new Error('NATTER_BENCH_RUNS must be an integer >= 20');
  const began = Date.now();
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  const sizes = await measureProductionSizes();
  const before = readFileSync(file, 'utf8');
  const rest = before.slice(0, Math.max(0, before.indexOf(VOICE_HEADING)));
  const foreign = voiceDownload(sizes).files.map((f) => f.file).filter((name) => !rest.includes(`\`${name}\``));
  if (foreign.length) {
    throw new Error(`this build's ${foreign.join(', ')} are not the files docs/benchmarks.md's other sections measured: `
      + 'one report, one build; run the whole bench (npm run bench)');
  }
  const voice = await measureVoice({ sizes, runs, callSeconds: callSecondsFromEnv() });
  const section = renderVoiceSection(voice, { alone: { date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), seconds: (Date.now() - began) / 1000 } });
  writeSection(VOICE_HEADING, section, file);
  console.log(`[bench] wrote the voice section of docs/benchmarks.md in ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
