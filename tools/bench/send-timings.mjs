// Time to launcher and time to send, alone (`node tools/bench/send-timings.mjs`):
// the same measurement as `npm run bench` (browser-timings.mjs, NATTER_BENCH_RUNS
// runs, default 25, each widget run interleaved with its baseline, and
// launcher-paint.mjs, 48 times as many pairs of page loads, then
// launcher-trace.mjs, twice as many under a trace), on a production build
// (sizes.mjs buildProduction: build/wasm as built), rewriting only that
// section of docs/benchmarks.md.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../gateway/server.mjs';
import { buildBenchSite } from './bench-site.mjs';
import { measureBrowserTimings } from './browser-timings.mjs';
import { measureLauncherPaint, paintPairs } from './launcher-paint.mjs';
import { traceLauncherPaint, tracePairs } from './launcher-trace.mjs';
import { measureAlone } from './doc-section.mjs';
import { renderTimingSection } from './report.mjs';
import { buildProduction } from './sizes.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const runs = Number(process.env.NATTER_BENCH_RUNS ?? 25);
if (!Number.isInteger(runs) || runs < 20) throw new Error('NATTER_BENCH_RUNS must be an integer >= 20');

await measureAlone('send-timings.mjs', '## Time to launcher and time to send', async () => {
  const site = buildBenchSite(repoRoot);
  const server = await startServer({ host: '127.0.0.1', port: 0, distDir: await buildProduction(), webDir: site.webDir, tokenDelayMs: 1, log: () => {} });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const base = server.url.replace(/\/$/, '');
    const timings = await measureBrowserTimings({ browser, base, runs, onRun: (i) => process.stdout.write(`\r[bench] send timings ${i}/${runs}`) });
    timings.paint = await measureLauncherPaint({ browser, base, pairs: paintPairs(runs), onPair: (i) => process.stdout.write(`\r[bench] launcher paint ${i}/${paintPairs(runs)}`) });
    timings.paintTrace = await traceLauncherPaint({ browser, base, pairs: tracePairs(runs), onPair: (i) => process.stdout.write(`\r[bench] launcher traces ${i}/${tracePairs(runs)}`) });
    return timings;
  } finally {
    await browser.close();
    await server.close?.();
  }
}, (timings) => renderTimingSection(timings, runs));
process.exit(0);
