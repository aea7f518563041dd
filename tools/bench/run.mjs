// npm run bench: measures what a shop pays for embedding Natter and writes
// docs/benchmarks.md (see report.mjs for the figures and how each is taken).
//   node tools/bench/run.mjs      (after npm run build and tools/bench/build-native.sh;
//                                  NATTER_BENCH_RUNS=25: runs,
//                                  and reconnect trials; NATTER_BENCH_IDLE_MINUTES=10;
//                                  NATTER_BENCH_CALL_SECONDS=60: the voice call;
//                                  NATTER_BENCH_GATEWAY_IDLE_S=30: the gateway's idle window)
// Exits 1 when a file is over its size budget (after writing the report).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../gateway/server.mjs';
import { buildProduction, measureSizes } from './sizes.mjs';
import { buildBenchSite } from './bench-site.mjs';
import { measureBrowserTimings } from './browser-timings.mjs';
import { measureLauncherPaint, paintPairs } from './launcher-paint.mjs';
import { traceLauncherPaint, tracePairs } from './launcher-trace.mjs';
import { measureHostCost } from './host-cost.mjs';
import { measureReconnect } from './reconnect.mjs';
import { measureIdle } from './idle.mjs';
import { measureVoice, callSecondsFromEnv } from './voice.mjs';
import { measureVoiceAgent } from './voice-agent.mjs';
import { measureLookBytes, measureCatalogueLoads } from './look-cost.mjs';
import { renderReport } from './report.mjs';
import { measureAndWriteChecks } from './checks.mjs';
import { measureGateway } from './gateway.mjs';
import { measureHandoff } from './handoff.mjs';
import { measureAttack } from './attack.mjs';
import { measureCallStart } from './call-start.mjs';
import { measurePreload } from './preload.mjs';
import { measureVoiceRungs } from './voice-rungs.mjs';
import { measureVoiceEar } from './voice-ear.mjs';
import { measureEchoCanceller } from './echo-canceller.mjs';
import { measureStreamCost } from './stream-cost.mjs';
import { carrySections } from './doc-section.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const runs = Number(process.env.NATTER_BENCH_RUNS ?? 25);
if (!Number.isInteger(runs) || runs < 20) throw new Error('NATTER_BENCH_RUNS must be an integer >= 20');
const idleMinutes = Number(process.env.NATTER_BENCH_IDLE_MINUTES ?? 10);
if (!(idleMinutes > 0)) throw new Error('NATTER_BENCH_IDLE_MINUTES must be a number > 0');
const callSeconds = callSecondsFromEnv();

async function main() {
  const began = Date.now();
  const load = os.loadavg()[0]; // other work on the machine skews the timings
  // A production build, what shops get: its bytes, and what the timed pages
  // below serve (the development build in dist/ adds the debug panel).
  const distDir = await buildProduction();
  const sizes = measureSizes(distDir);
  for (const s of sizes) console.log(`[bench] ${s.file}: ${s.gzip} B gzip${s.budget ? ` (budget ≤ ${s.budget}: ${s.pass ? 'pass' : 'FAIL'})` : ''}`);

  const lookBytes = await measureLookBytes();
  const site = buildBenchSite(repoRoot);
  const server = await startServer({ host: '127.0.0.1', port: 0, distDir, webDir: site.webDir, tokenDelayMs: 1, log: () => {} });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  let timings;
  let hostCost;
  let idle;
  let look;
  try {
    timings = await measureBrowserTimings({
      browser, base: server.url.replace(/\/$/, ''), runs,
      onRun: (n) => { if (n % 5 === 0) console.log(`[bench] browser runs: ${n}/${runs}`); },
    });
    timings.paint = await measureLauncherPaint({
      browser, base: server.url.replace(/\/$/, ''), pairs: paintPairs(runs),
      onPair: (n) => { if (n % 25 === 0) console.log(`[bench] launcher paint pairs: ${n}/${paintPairs(runs)}`); },
    });
    timings.paintTrace = await traceLauncherPaint({
      browser, base: server.url.replace(/\/$/, ''), pairs: tracePairs(runs),
      onPair: (n) => { if (n % 25 === 0) console.log(`[bench] launcher traces: ${n}/${tracePairs(runs)}`); },
    });
    hostCost = await measureHostCost({ browser, base: server.url.replace(/\/$/, ''), runs });
    look = { bytes: lookBytes, loads: await measureCatalogueLoads({ browser, base: server.url.replace(/\/$/, '') }), sizes };
    console.log(`[bench] idle cost: ${idleMinutes} min`);
    idle = await measureIdle({ browser, base: server.url.replace(/\/$/, ''), minutes: idleMinutes });
  } finally {
    await browser.close().catch(() => {});
    await server.close();
    site.dispose();
  }
  // Its own server (with test controls, to drop sockets) and browser.
  const reconnect = await measureReconnect({
    trials: runs, onTrial: (n) => { if (n % 5 === 0) console.log(`[bench] reconnect trials: ${n}/${runs}`); },
  });

  // Its own server and browser (a fake microphone), and Node for the codecs.
  const voice = await measureVoice({ sizes, runs, callSeconds });
  const voiceAgent = await measureVoiceAgent();
  const callStart = await measureCallStart(); // fresh browsers of its own
  const preload = await measurePreload(); // its own server and browser
  // Its own network namespace, path, servers and browser (skipped, and said
  // so in its section, where it cannot make them).
  const voiceRungs = await measureVoiceRungs();
  const voiceEar = await measureVoiceEar({ runs: Number(process.env.NATTER_BENCH_EAR_RUNS ?? 2) }); // its own servers and browser
  const echo = await measureEchoCanceller(); // its own PulseAudio loopback and browser (skipped where it cannot make them)

  // Its own gateway processes, load generator and redis-server.
  const gateway = await measureGateway({ idleSeconds: Number(process.env.NATTER_BENCH_GATEWAY_IDLE_S ?? 30) });
  const handoff = await measureHandoff();
  const attack = await measureAttack(); // its own gateway, shoppers and hostile client
  const stream = await measureStreamCost(); // the WASM core in this process, no browser

  const cpus = os.cpus();
  const report = renderReport({
    command: 'npm run bench',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: {
      nproc: os.availableParallelism?.() ?? cpus.length,
      cpu: cpus[0]?.model ?? 'unknown CPU',
      memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
      os: `${os.type()} ${os.release()}`,
      load: load.toFixed(2),
      node: process.versions.node,
      chromium: browser.version(),
    },
    sizes, timings, hostCost, reconnect, idle, voice, voiceAgent, callStart, preload, look, gateway, handoff, attack, voiceRungs, voiceEar, echo, stream, runs, seconds: (Date.now() - began) / 1000,
  });
  const out = path.join(repoRoot, 'docs/benchmarks.md');
  // Sections kept by hand (KEPT_HEADINGS) survive the rewrite.
  writeFileSync(out, carrySections(existsSync(out) ? readFileSync(out, 'utf8') : '', report));
  console.log(`[bench] wrote ${path.relative(repoRoot, out)} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  measureAndWriteChecks(); // the simulation and fuzz figures (checks.mjs), same run
  if (sizes.some((s) => s.pass === false)) {
    console.error('[bench] a file is over its size budget');
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`[bench] failed: ${err.stack ?? err}`);
  process.exit(1);
});
