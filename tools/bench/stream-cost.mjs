// What a streamed reply costs the page's main thread in the core: the WASM
// core (the build the widget ships) fed a 32 KiB reply over HTTP/SSE, one
// `http_body` event per delta, and each turn's effects JSON.parsed, as
// shim/core-host.js does. The core draws a streaming reply at most once per
// window (ReplyAssembler::redraw_window: 50 ms of the events' clock per
// started 4 KiB of the reply), so what it costs depends on how the deltas
// arrive: all at once (a resumed session's replay), or at an agent's pace
// (20 ms per delta, as `npm start`).
//
// Baseline, in the same runs: the least JS that does the same reading, a
// loop that takes each SSE event's JSON text and appends it to a string
// (no Markdown, no drawing). Runs interleave the cases and the baseline; CPU
// (process.cpuUsage, user + system) around each loop, min and median.
//   node tools/bench/stream-cost.mjs    (after npm run build; NATTER_BENCH_STREAM_RUNS=11)
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_IMPORTS, natterCoreClass, initCore } from '../../shim/core-api.js';
import { measureAlone } from './doc-section.mjs';
import { median } from './stats.mjs';

export const STREAM_COST_HEADING = '## Streaming a reply';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORE_WASM = path.join(repoRoot, 'build/wasm/wasm/natter.core.wasm');
const CONFIG = JSON.stringify({ chat_url: 'http://agent.test/api/chat', seed_hi: '1', seed_lo: '2' });
const REPLY_CHARS = 32_000;
const AGENT_PACE_MS = 20;

// Plain prose, or a Markdown-heavy reply (bold every other word).
const PROSE = 'Yes, we have that in stock in sizes seven to twelve. ';
const MARKDOWN = 'word **bold** ';
export const STREAM_CASES = [
  { name: '8,000 deltas of 4 characters, all at once', piece: 4, text: PROSE, paceMs: 0 },
  { name: '8,000 deltas of 4 characters, one per 20 ms', piece: 4, text: PROSE, paceMs: AGENT_PACE_MS },
  { name: '500 deltas of 64 characters, bold every other word, all at once', piece: 64, text: MARKDOWN, paceMs: 0 },
  { name: '500 deltas of 64 characters, bold every other word, one per 20 ms', piece: 64, text: MARKDOWN, paceMs: AGENT_PACE_MS },
];

function chunksFor({ piece, text }) {
  const whole = text.repeat(Math.ceil(REPLY_CHARS / text.length)).slice(0, REPLY_CHARS);
  const chunks = [];
  for (let at = 0; at < whole.length; at += piece) {
    chunks.push(`event: delta\ndata: ${JSON.stringify({ text: whole.slice(at, at + piece) })}\n\n`);
  }
  return { whole, chunks, done: 'event: done\ndata: {}\n\n' };
}

const cpuMs = (since) => { const d = process.cpuUsage(since); return (d.user + d.system) / 1000; };

// One reply through a fresh core: CPU ms, draws, the last draw and the
// finished reply's text (the host's `message` event).
function throughCore(NatterCore, c, { chunks, done }) {
  const core = new NatterCore(CONFIG);
  core.handle(JSON.stringify({ type: 'send_clicked', text: 'do you have running shoes?' }), 1000);
  core.handle('{"type":"http_responded","request_id":1,"status":200}', 1010);
  let draws = 0;
  let last = null;
  let text = null;
  const count = (effects) => {
    for (const e of effects) {
      if (e.type === 'agent_reply_updated') { draws += 1; last = e; }
      if (e.type === 'host_event' && e.name === 'message' && e.payload.role === 'agent') text = e.payload.text;
    }
  };
  const t0 = process.cpuUsage();
  let now = 1020;
  for (const chunk of chunks) {
    count(JSON.parse(core.handle(JSON.stringify({ type: 'http_body', request_id: 1, chunk }), now)));
    now += c.paceMs;
  }
  count(JSON.parse(core.handle(JSON.stringify({ type: 'http_body', request_id: 1, chunk: done }), now)));
  const ms = cpuMs(t0);
  core.delete();
  return { ms, draws, last, text };
}

function throughBaseline({ chunks }) {
  const t0 = process.cpuUsage();
  let text = '';
  for (const chunk of chunks) {
    const line = chunk.split('\n').find((l) => l.startsWith('data: '));
    text += JSON.parse(line.slice(6)).text;
  }
  return { ms: cpuMs(t0), text };
}

export async function measureStreamCost({ runs = Number(process.env.NATTER_BENCH_STREAM_RUNS ?? 11) } = {}) {
  if (!existsSync(CORE_WASM)) throw new Error(`${CORE_WASM} missing: run npm run build first`);
  const { instance } = await WebAssembly.instantiate(readFileSync(CORE_WASM), CORE_IMPORTS);
  const NatterCore = natterCoreClass(initCore(instance));
  const inputs = STREAM_CASES.map(chunksFor);
  const samples = STREAM_CASES.map(() => ({ core: [], baseline: [], draws: new Set() }));
  for (let run = 0; run < runs; run += 1) {
    STREAM_CASES.forEach((c, i) => {
      const core = throughCore(NatterCore, c, inputs[i]);
      const base = throughBaseline(inputs[i]);
      // The figures mean nothing unless both read the whole reply.
      if (base.text !== inputs[i].whole) throw new Error(`${c.name}: the baseline lost text`);
      if (core.last?.done !== true || core.text !== inputs[i].whole) throw new Error(`${c.name}: the core did not finish the whole reply`);
      samples[i].core.push(core.ms);
      samples[i].baseline.push(base.ms);
      samples[i].draws.add(core.draws);
    });
  }
  return {
    runs,
    cases: STREAM_CASES.map((c, i) => ({
      name: c.name, deltas: inputs[i].chunks.length, lastsMs: inputs[i].chunks.length * c.paceMs,
      draws: [...samples[i].draws],
      core: { min: Math.min(...samples[i].core), median: median(samples[i].core) },
      baseline: { min: Math.min(...samples[i].baseline), median: median(samples[i].baseline) },
    })),
  };
}

const ms = (v) => `${v.toFixed(1)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(0)}×`;

export function renderStreamCostSection(r) {
  // Of a paced reply: the share of the time it streams that the core takes.
  const share = (c) => (c.lastsMs ? `${((100 * c.core.median) / c.lastsMs).toFixed(1)} %` : 'n/a');
  const rows = r.cases.map((c) => `| ${c.name} | ${c.draws.join(', ')} | ${ms(c.core.min)} | ${ms(c.core.median)} | ${ms(c.baseline.min)} | ${ms(c.baseline.median)} | ${ratio(c.core.min, c.baseline.min)} | ${ratio(c.core.median, c.baseline.median)} | ${share(c)} |`);
  return `${STREAM_COST_HEADING}

What one streamed reply of ${REPLY_CHARS.toLocaleString('en-US')} characters costs the page in the core
(\`tools/bench/stream-cost.mjs\`): the WASM core in Node, one \`http_body\` event
per SSE delta, each turn's effects JSON.parsed as \`shim/core-host.js\` does;
${r.runs} runs, the cases and the baseline interleaved; CPU (\`process.cpuUsage\`)
around each reply. The core re-reads the whole reply for each draw
(\`agent_reply_updated\` carries it whole, and the page rebuilds the bubble
from it), so it draws at most once per window of the events' clock: 50 ms
per started 4 KiB of the reply (\`ReplyAssembler::redraw_window\`), so a
draw's cost and the time between draws grow together. A reply's first delta
and its \`done\` draw at once, the text in between when the window ends.
"All at once" is a resumed session's replay; "one per 20 ms" is the pace of
\`npm start\`'s agent, and its last column is the core's median CPU as a share
of the time the reply streams (deltas × 20 ms). Baseline: a JS loop that
takes each event's JSON and appends its text to a string (no Markdown, no
drawing). The page's own drawing is not in these figures.

| reply | draws | core, min | core, median | baseline, min | baseline, median | vs baseline (mins) | vs baseline (medians) | core's share of the streaming time |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measureAlone('stream-cost.mjs', STREAM_COST_HEADING, () => measureStreamCost(), renderStreamCostSection)
    .catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
