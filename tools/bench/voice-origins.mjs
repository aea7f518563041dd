// What embedding the widget from another origin costs a voice call, against
// the same-origin embed, in the same run (docs/decisions/
// 0017-voice-worker-in-a-frame-across-origins.md). Same origin: the page starts the voice worker itself.
// Cross origin: a shop page on http://localhost:P loads natter.js from the
// reference server on http://127.0.0.1:Q (another site: Chromium puts the
// widget-origin frame and its worker in another process), and the worker
// runs in the voice frame; every audio message then crosses processes.
//
// Per setup, `calls` calls of `seconds` each, alternating the setups, with
// Chromium's fake microphone looping espeak-ng speech:
//   uplinkMs   natter('debug').voice_uplink_ms of each call: a captured chunk
//              reaching the worker -> its packets handed to WebSocket.send on
//              the page (encode + the worker -> page hop + the page's queue);
//              medians and p95s per call
//   downlinkMs natter('debug').voice_downlink_ms: an agent packet handed to
//              the worker by the page -> its arrival in the worker (the hop)
//   startMs    "Start a voice call" click -> the voice bar's `agent_speaking`
//              (runtime download, frame, worker, codec, first greeting audio)
//   bytes      what the first call downloads on top of the chat (gzip as served),
//              from the build's manifest: the same files in both setups,
//              plus the voice frame's page and script across origins
//
//   node tools/bench/voice-origins.mjs   (NATTER_BENCH_VOICE_CALLS=5, NATTER_BENCH_VOICE_SECONDS=15)
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servedGzipBytes } from './served-bytes.mjs';
import { startProductionStack } from './production-stack.mjs';
import { openLive } from '../../tests/browser/session-helpers.mjs';
import { startShopServer } from '../../tests/browser/shop-origin.mjs';
import { speechWav, micArgs } from '../../tests/browser/voice-audio.mjs';

// Gzipped bytes (the build's .gz siblings, as served) of the manifest
// entries a first call downloads.
export function firstCallBytes(distDir) {
  const manifest = JSON.parse(readFileSync(path.join(distDir, 'manifest.json'), 'utf8'));
  const size = (key) => servedGzipBytes(distDir, manifest.files[key].path);
  const keys = Object.keys(manifest.files);
  const common = ['voice_runtime_js', 'voice_js', 'voice_wasm', ...keys.filter((k) => k.startsWith('worklet_'))];
  const frame = ['voice_frame_html', 'voice_frame_js'];
  const sum = (list) => list.reduce((n, k) => n + size(k), 0);
  return { sameOrigin: sum(common), crossOrigin: sum(common) + sum(frame), frame: sum(frame) };
}

async function oneCall(stack, url, seconds) {
  const s = await openLive(stack, { path: url });
  try {
    await s.openChat();
    await s.widget.locator('.status-text', { hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    const from = Date.now();
    await s.widget.getByRole('button', { name: 'Start a voice call' }).click();
    await s.widget.locator('.voice[data-state="agent_speaking"]').waitFor({ state: 'attached', timeout: 30_000 });
    const startMs = Date.now() - from;
    await s.page.waitForTimeout(seconds * 1000); // the greeting, the shopper's question, the agent's answer
    const debug = await s.page.evaluate(() => window.natter('debug'));
    const framed = s.page.frames().some((f) => /natter\.voiceframe\./.test(f.url()));
    return { startMs, uplink: debug.voice_uplink_ms, downlink: debug.voice_downlink_ms, framed };
  } finally {
    await s.page.close();
  }
}

export async function measureVoiceOrigins({ calls = 5, seconds = 15, log = console.log } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-vbench-origins-'));
  const wav = speechWav(dir, 'shopper', 'Hello, I am looking for running shoes in size nine. Do you have any?',
    { leadSeconds: 2, tailSeconds: 3 });
  const stack = await startProductionStack({ extraArgs: micArgs(wav) });
  const widget = new URL(stack.server.url).origin;
  const shop = await startShopServer({
    '/shop.html': { html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script async src="${widget}/natter.js" data-endpoint="${widget}" data-transport="session"></script></head><body><h1>Shop</h1></body></html>` },
  });
  const setups = { sameOrigin: `${widget}/demo/live.html`, crossOrigin: shop.url('/shop.html') };
  const runs = { sameOrigin: [], crossOrigin: [] };
  try {
    for (let i = 0; i < calls; i++) {
      for (const [name, url] of Object.entries(setups)) {
        log(`[bench] voice ${name}: call ${i + 1}/${calls} (${seconds} s)`);
        const r = await oneCall(stack, url, seconds);
        if (r.framed !== (name === 'crossOrigin')) throw new Error(`${name}: the voice frame was ${r.framed ? '' : 'not '}used`);
        runs[name].push(r);
        await stack.reset();
      }
    }
  } finally {
    await stack.close();
    await shop.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { calls, seconds, runs, bytes: firstCallBytes(stack.distDir) };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

// One Markdown table of the two setups (medians over the calls of each
// call's median and p95).
export function renderVoiceOrigins(r) {
  const same = r.runs.sameOrigin, cross = r.runs.crossOrigin;
  const ms = (v) => `${v.toFixed(2)} ms`;
  const m = (list, f) => median(list.map(f));
  const row = (label, list, bytes) => `| ${label} | ${ms(m(list, (x) => x.uplink.median))} | ${ms(m(list, (x) => x.uplink.p95))} | `
    + `${ms(m(list, (x) => x.downlink.median))} | ${ms(m(list, (x) => x.downlink.p95))} | ${m(list, (x) => x.startMs).toFixed(0)} ms | ${bytes.toLocaleString('en-GB')} B |`;
  const ratio = (f) => (m(cross, f) / m(same, f)).toFixed(2);
  return [
    '| embed | uplink per chunk, median | p95 | downlink hop per packet, median | p95 | click → first agent audio | first call download (gzip) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row('same origin (worker started by the page)', same, r.bytes.sameOrigin),
    row('cross origin (worker in the voice frame)', cross, r.bytes.crossOrigin),
    '',
    `Cross / same, medians of ${r.calls} calls of ${r.seconds} s each (the setups alternating): uplink median ×${ratio((x) => x.uplink.median)}, `
      + `p95 ×${ratio((x) => x.uplink.p95)}; downlink hop median ×${ratio((x) => x.downlink.median)}, p95 ×${ratio((x) => x.downlink.p95)}; `
      + `click → first agent audio ×${ratio((x) => x.startMs)}. The voice frame adds ${r.bytes.frame.toLocaleString('en-GB')} B gzipped `
      + '(its page and script) and one iframe to the first call.',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const calls = Number(process.env.NATTER_BENCH_VOICE_CALLS ?? 5);
  const seconds = Number(process.env.NATTER_BENCH_VOICE_SECONDS ?? 15);
  measureVoiceOrigins({ calls, seconds }).then((r) => {
    console.log(JSON.stringify(r.runs));
    console.log(renderVoiceOrigins(r));
  }).catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
