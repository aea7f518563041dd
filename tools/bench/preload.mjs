// "Page view with no intent": what the widget downloads while
// the shopper shows no intent, under the loader's preload policy
// (docs/decisions/0005-core-loaded-on-intent.md): the core is
// preloaded only on a loaded, idle page with a fast connection; with
// Save-Data, a slow connection (2g/3g) or a page that is never idle, only
// the loader is downloaded until intent. Per case, `runs` page views of the
// demo storefront in a fresh tab, the pointer never near the launcher, held
// `holdMs` after the load event; the files the page fetched from the widget
// (Resource Timing), summed as gzipped bytes as served (the build's .gz siblings).
// Cases are emulated over CDP: Emulation.setDataSaverOverride (Save-Data),
// Network.emulateNetworkConditions at 400 ms RTT / 400 kbit/s (Chromium
// then reports effectiveType 3g), and a page script that keeps the main
// thread busy (a 45 ms task every 50 ms, so no idle period is long enough).
//
//   node tools/bench/preload.mjs   (NATTER_BENCH_PRELOAD_RUNS=5)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureAlone } from './doc-section.mjs';
import { servedGzipBytes } from './served-bytes.mjs';
import { openStorefront } from '../../tests/browser/harness.mjs';
import { startProductionStack } from './production-stack.mjs';

export const PRELOAD_HEADING = '## Page view with no intent';

const CASES = {
  'idle page, fast connection': {},
  'Save-Data': { dataSaver: true },
  'slow connection (3g)': { slow: true },
  'page never idle': { busy: true },
};

function manifestSizes(distDir) {
  const manifest = JSON.parse(readFileSync(path.join(distDir, 'manifest.json'), 'utf8'));
  const sizes = new Map([['natter.js', servedGzipBytes(distDir, 'natter.js')]]);
  for (const { path: file } of Object.values(manifest.files)) {
    sizes.set(path.basename(file), servedGzipBytes(distDir, file));
  }
  return sizes;
}

async function onePageView(stack, { dataSaver = false, slow = false, busy = false }, holdMs, sizes) {
  const s = await openStorefront(stack, {
    onPage: async (page) => {
      const cdp = await page.context().newCDPSession(page);
      if (dataSaver) await cdp.send('Emulation.setDataSaverOverride', { dataSaverEnabled: true });
      if (slow) {
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000,
        });
      }
      if (busy) {
        await page.addInitScript(() => {
          setInterval(() => { const end = performance.now() + 45; while (performance.now() < end) { /* busy */ } }, 50);
        });
      }
    },
  });
  try {
    await s.page.waitForLoadState('load');
    await s.page.waitForTimeout(holdMs);
    const seen = await s.page.evaluate(() => ({
      files: performance.getEntriesByType('resource').map((e) => e.name),
      net: navigator.connection ? { saveData: navigator.connection.saveData, effectiveType: navigator.connection.effectiveType } : null,
    }));
    const widgetFiles = [...new Set(seen.files.map((u) => path.basename(new URL(u).pathname)).filter((f) => sizes.has(f)))];
    return { files: widgetFiles, bytes: widgetFiles.reduce((n, f) => n + sizes.get(f), 0), net: seen.net };
  } finally {
    await s.page.close();
  }
}

export async function measurePreload({ runs = 5, holdMs = 3000, log = console.log } = {}) {
  const stack = await startProductionStack();
  const sizes = manifestSizes(stack.distDir);
  const rows = [];
  try {
    for (const [name, options] of Object.entries(CASES)) {
      const views = [];
      for (let i = 0; i < runs; i++) views.push(await onePageView(stack, options, holdMs, sizes));
      const withCore = views.filter((v) => v.files.some((f) => f.startsWith('natter.core.'))).length;
      const bytes = views.map((v) => v.bytes).sort((a, b) => a - b);
      const row = { name, runs, withCore, medianBytes: bytes[Math.floor(bytes.length / 2)], maxBytes: bytes.at(-1),
        net: views[0].net, files: views.at(-1).files };
      log(`[bench] preload, ${name}: core fetched in ${withCore}/${runs}, median ${row.medianBytes} B gzip (${row.files.join(', ')})`);
      rows.push(row);
    }
  } finally {
    await stack.close();
  }
  return { runs, holdMs, rows };
}

export function renderPreloadSection({ runs, holdMs, rows }) {
  const net = (n) => (n ? `saveData ${n.saveData}, effectiveType ${n.effectiveType}` : '—');
  return `${PRELOAD_HEADING}

What the widget downloads while the shopper shows no intent
(\`tools/bench/preload.mjs\`): ${runs} page views per case of the demo
storefront, each in a fresh tab, the pointer never near the launcher, held
${holdMs / 1000} s after the load event; the widget's files the page fetched
(Resource Timing), as gzipped bytes of the build's files as served (their
\`.gz\` siblings). Save-Data and the
slow connection are emulated over CDP (\`Emulation.setDataSaverOverride\`;
\`Network.emulateNetworkConditions\` at 400 ms RTT and 400 kbit/s); the busy
page runs a 45 ms task every 50 ms. The policy
(docs/decisions/0005-core-loaded-on-intent.md): only the loader until intent, except on an idle
page with a fast connection, where the core is preloaded.

| case | what the page reported | core fetched | widget bytes, median | max |
|---|---|---:|---:|---:|
${rows.map((r) => `| ${r.name} | ${net(r.net)} | ${r.withCore}/${r.runs} | ${r.medianBytes.toLocaleString('en-US')} B | ${r.maxBytes.toLocaleString('en-US')} B |`).join('\n')}
`;
}

function main() {
  return measureAlone('preload.mjs', PRELOAD_HEADING,
    () => measurePreload({ runs: Number(process.env.NATTER_BENCH_PRELOAD_RUNS ?? 5) }), renderPreloadSection);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
