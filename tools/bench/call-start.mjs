// "Voice call start": how soon a first call is running, over
// `calls` first calls, each in a fresh browser (new profile: empty HTTP
// cache, nothing compiled) against a fresh reference server, with
// Chromium's fake microphone playing espeak-ng speech. Per call, on the
// bench's clock (node; Playwright's page and WebSocket events):
//   micMs    the click on "Start a voice call" -> the first binary frame
//            (a microphone packet) the page puts on the session's WebSocket
//            or on a WebRTC data channel (its send, seen by an init script)
//   agentMs  the click -> the voice bar's agent_speaking (the greeting's
//            first audio handed to playback)
// Both include the voice runtime's download, the microphone prompt
// (auto-accepted), the worker, the codec's compile and the AudioWorklet.
// Reported as p50 / p95 (and min / max). Interleaved with them, the same
// calls in a Chromium without WASM SIMD (V8 without SSE4.1), which gets the
// scalar codec build (shim/voice/codec-build.js), as Safari before 16.4
// does. Then the same in Firefox ESR and WebKitGTK (call-start-engines.mjs).
//
//   node tools/bench/call-start.mjs   (NATTER_BENCH_CALL_STARTS=20)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureAlone } from './doc-section.mjs';
import { CHROMIUM_NO_WASM_SIMD } from '../../tests/browser/harness.mjs';
import { startProductionStack } from './production-stack.mjs';
import { openLive } from '../../tests/browser/session-helpers.mjs';
import { speechWav, micArgs } from '../../tests/browser/voice-audio.mjs';
import { percentile } from './stats.mjs';
import { measureCallStartInEngines, CALL_START_ENGINES } from './call-start-engines.mjs';

export const CALL_START_HEADING = '## Voice call start';

async function oneFirstCall(wav, extraArgs = []) {
  const stack = await startProductionStack({ extraArgs: [...micArgs(wav), ...extraArgs] });
  try {
    let firstPacketAt = null;
    const packetSent = () => { if (firstPacketAt === null) firstPacketAt = performance.now(); };
    const s = await openLive(stack, {
      onPage: async (page) => {
        page.on('websocket', (ws) => ws.on('framesent', (f) => { if (typeof f.payload !== 'string') packetSent(); }));
        // A call may climb to a WebRTC data channel before the microphone's
        // first frame: that frame then goes there, where Playwright does not look.
        await page.exposeFunction('__natterBenchPacketSent', packetSent);
        await page.addInitScript(() => {
          const send = RTCDataChannel.prototype.send;
          RTCDataChannel.prototype.send = function (data) {
            if (typeof data !== 'string') window.__natterBenchPacketSent();
            return send.call(this, data);
          };
        });
      },
    });
    await s.openChat();
    await s.widget.locator('.status-text', { hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    const clicked = performance.now();
    await s.widget.getByRole('button', { name: 'Start a voice call' }).click();
    await s.widget.locator('.voice[data-state="agent_speaking"]').waitFor({ state: 'attached', timeout: 30_000 });
    const agentMs = performance.now() - clicked;
    const deadline = performance.now() + 10_000;
    while (firstPacketAt === null && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const codec = await s.page.evaluate(() => window.natter('debug').voice_route?.codec);
    return { micMs: firstPacketAt === null ? null : firstPacketAt - clicked, agentMs, codec };
  } finally {
    await stack.close();
  }
}

export async function measureCallStart({ calls = 20, log = console.log } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-callstart-'));
  try {
    const wav = speechWav(dir, 'shopper', 'Hello, do you have running shoes in size nine?', { leadSeconds: 0.5, tailSeconds: 2 });
    const runs = [];
    const scalarRuns = [];
    for (let i = 0; i < calls; i++) {
      for (const [into, args, want] of [[runs, [], 'simd'], [scalarRuns, CHROMIUM_NO_WASM_SIMD, 'scalar']]) {
        const run = await oneFirstCall(wav, args);
        if (run.codec !== want) throw new Error(`call start: the ${want} codec build expected, the call got ${run.codec}`);
        log(`[bench] call start ${i + 1}/${calls} (${want} codec): first mic packet ${run.micMs?.toFixed(0)} ms, agent speaking ${run.agentMs.toFixed(0)} ms`);
        into.push(run);
      }
    }
    // The same first calls in Firefox ESR and WebKitGTK (call-start-engines.mjs).
    const engines = await measureCallStartInEngines({ calls, log });
    return { calls, runs, scalarRuns, engines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(label, values) {
  const v = values.filter((x) => x !== null);
  const f = (x) => `${x.toFixed(0)} ms`;
  return `| ${label} | ${v.length} | ${f(percentile(v, 50))} | ${f(percentile(v, 95))} | ${f(Math.min(...v))} | ${f(Math.max(...v))} |`;
}

export function renderCallStartSection({ calls, runs, scalarRuns = null, engines = null }) {
  return `${CALL_START_HEADING}

How soon a first call runs (\`tools/bench/call-start.mjs\`): ${calls} first
calls, each in a fresh Chromium profile (empty cache) against a fresh
reference server, the fake microphone playing espeak-ng speech. Times on the
bench's clock from the click on "Start a voice call": to the first
microphone packet the page sends (on the session's WebSocket, or on the
WebRTC data channel if the call climbed there first), and to the
voice bar's \`agent_speaking\` (the greeting's first audio handed to
playback). Both include the voice runtime's download, the microphone
prompt (auto-accepted here), the worker, the codec's compile and the
AudioWorklet.${scalarRuns ? ` Interleaved with them, the same calls in a Chromium
without WASM SIMD (V8 without SSE4.1: \`${CHROMIUM_NO_WASM_SIMD.join(' ')}\`),
which gets the scalar codec build, as Safari before 16.4 does.` : ''}

| from the click to | calls | p50 | p95 | min | max |
|---|---:|---:|---:|---:|---:|
${row('the first microphone packet on the wire', runs.map((r) => r.micMs))}
${row('the greeting playing', runs.map((r) => r.agentMs))}
${scalarRuns ? `${row('without WASM SIMD (scalar codec): the first microphone packet', scalarRuns.map((r) => r.micMs))}
${row('without WASM SIMD (scalar codec): the greeting playing', scalarRuns.map((r) => r.agentMs))}
` : ''}${engines ? enginesTable(calls, engines) : ''}`;
}

const ENGINE_NAMES = { firefox: 'Firefox ESR', webkit: 'WebKitGTK' };

// The other engines (call-start-engines.mjs): the same calls, timed on the
// page's clock from its click listener.
function enginesTable(calls, engines) {
  const rows = CALL_START_ENGINES.filter((e) => engines[e]).flatMap((e) => [
    row(`${ENGINE_NAMES[e]}: the first microphone packet`, engines[e].map((r) => r.micMs)),
    row(`${ENGINE_NAMES[e]}: the greeting playing`, engines[e].map((r) => r.agentMs)),
  ]);
  return `
The same ${calls} first calls in Firefox ESR and WebKitGTK, each in a fresh
browser through the engine tier's drivers (\`tools/bench/call-start-engines.mjs\`),
with the engine's own fake microphone (Firefox: a tone; WebKitGTK: its mock
device), timed on the page's clock from the click to the first binary
frame the page sends and to \`agent_speaking\`. WebKitGTK has no WebRTC:
its packets go on the WebSocket.
The page's clock leaves out the driver's round trips that Chromium's
figures above include (the click's delivery, Playwright's events), so the
rows compare engines only roughly.

| from the click to | calls | p50 | p95 | min | max |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
}

function main() {
  return measureAlone('call-start.mjs', CALL_START_HEADING,
    () => measureCallStart({ calls: Number(process.env.NATTER_BENCH_CALL_STARTS ?? 20) }), renderCallStartSection);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
