// What the shop's look and the shopper's language cost the first download
// (issue "The widget looks like the shop…", Benchmarks):
//
//   bytes   the core bundle (production, as tools/bundle/build.mjs makes
//           it) against the same bundle with every module of shim/theme/
//           and shim/i18n/ replaced by an empty stub exporting the same
//           names: the difference, gzipped (level 9), is what theming and
//           the built-in English catalogue add. Other catalogues are their
//           own files (i18n.<locale>.<hash>.js), listed with their size.
//   loads   in Chromium, the catalogue files a page downloads: an English
//           page and a German one, each opened and its chat panel shown.
//
//   const bytes = await measureLookBytes();             // Node only
//   const loads = await measureCatalogueLoads({ browser, base });
//
// Alone, `node tools/bench/look-cost.mjs` (after `node tools/bundle/build.mjs`,
// whose dist/ it serves) rewrites only the "Look and language" section.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleScript } from '../bundle/build.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOOK_DIRS = ['shim/theme', 'shim/i18n'].map((d) => path.join(repoRoot, d));

// An empty module with `source`'s export names: functions that do nothing,
// objects that hold nothing. Enough for esbuild to bundle; never run.
export function stubFor(source) {
  const names = new Set();
  for (const m of source.matchAll(/^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const m of source.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  const lines = [...names].map((n) => `export function ${n}() {}`);
  if (/^export\s+default\b/m.test(source)) lines.push('export default {};');
  return lines.join('\n') + '\n';
}

// The core bundle as tools/bundle/build.mjs makes it for production
// (without the release's file list), optionally with the look stubbed.
async function coreBundle({ stubLook }) {
  const stub = {
    name: 'look-cost',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => (LOOK_DIRS.some((d) => args.path.startsWith(d + path.sep))
        ? { contents: stubFor(readFileSync(args.path, 'utf8')), loader: 'js' } : undefined));
    },
  };
  return bundleScript({
    entry: path.join(repoRoot, 'shim/boot.js'), banner: '',
    define: { __NATTER_ENV__: '"production"', __NATTER_FILES__: '{}' }, plugins: stubLook ? [stub] : [],
  });
}

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

// Returns {withLook, withoutLook, added} (gzipped bytes of the core bundle)
// and modules: the files counted as theming and language.
export async function measureLookBytes() {
  const full = await coreBundle({ stubLook: false });
  const bare = await coreBundle({ stubLook: true });
  const modules = LOOK_DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.js'))
    .map((f) => path.relative(repoRoot, path.join(d, f))));
  return { withLook: gz(full), withoutLook: gz(bare), added: gz(full) - gz(bare), modules };
}

// Opens `page` (a path on base) in a fresh context, opens the chat panel and
// returns the catalogue files it downloaded (paths).
async function cataloguesLoaded(browser, base, page) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const loaded = [];
    tab.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (/^\/i18n\./.test(p)) loaded.push(p);
    });
    await tab.goto(base + page);
    const launcher = tab.locator('natter-widget').first().locator('button.launcher');
    await launcher.click();
    await tab.locator('natter-widget textarea').first().waitFor({ timeout: 15_000 });
    return loaded;
  } finally {
    await context.close();
  }
}

// base: the bench server (tools/bench/bench-site.mjs pages). Returns
// {english: [paths], german: [paths]}.
export async function measureCatalogueLoads({ browser, base }) {
  return {
    english: await cataloguesLoaded(browser, base, '/bench/widget.html'),
    german: await cataloguesLoaded(browser, base, '/bench/widget-de.html'),
  };
}

export const LOOK_HEADING = '## Look and language';

const bytes = (n) => n.toLocaleString('en-GB');
const list = (paths) => (paths.length ? paths.map((p) => `\`${p}\``).join(', ') : 'none');

// sizes: rows of sizes.mjs measureSizes (the production build) for the
// catalogue files; loads: measureCatalogueLoads.
export function renderLookSection({ bytes: b, loads, sizes }) {
  const catalogues = sizes.filter((s) => s.key.startsWith('i18n_'));
  return `${LOOK_HEADING}

What theming and languages add to the first download (the core bundle,
production build, gzipped level 9, without the release's file list it
embeds, which is the same either way): the bundle, against the same
bundle with every module of \`shim/theme/\` and \`shim/i18n/\` (${b.modules.length} files: the
options, contrast check, custom properties, locale choice, translator, the
English catalogue and the translation of the core's texts) replaced by empty
stubs (\`tools/bench/look-cost.mjs\`).

| core bundle | gzipped |
|---|---:|
| as built | ${bytes(b.withLook)} |
| without theming and languages | ${bytes(b.withoutLook)} |
| **added by theming and languages** | **${bytes(b.added)}** |

The loader's share (it colours and places the launcher before the core
arrives, \`web/loader/launcher.js\`) is inside its 2 KiB and not split out.
Other catalogues are separate files, downloaded only by a page in that
language: ${catalogues.map((c) => `\`${c.file}\` ${bytes(c.gzip)} B`).join(', ')} gzipped.
Measured in Chromium on the bench storefront, panel opened: an English page
downloaded ${list(loads.english)}; a German page downloaded ${list(loads.german)}.
`;
}

async function main() {
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../gateway/server.mjs');
  const { buildBenchSite } = await import('./bench-site.mjs');
  const { buildProduction, measureSizes } = await import('./sizes.mjs');
  const { measureAlone } = await import('./doc-section.mjs');
  const { CHROMIUM_ARGS } = await import('../../tests/browser/harness.mjs');
  await measureAlone('look-cost.mjs', LOOK_HEADING, async () => {
    const distDir = await buildProduction(); // what shops get, as run.mjs serves it
    const sizes = measureSizes(distDir);
    const lookBytes = await measureLookBytes();
    const site = buildBenchSite(repoRoot);
    const server = await startServer({
      host: '127.0.0.1', port: 0, distDir, webDir: site.webDir, tokenDelayMs: 1, log: () => {},
    });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    try {
      return { bytes: lookBytes, loads: await measureCatalogueLoads({ browser, base: server.url.replace(/\/$/, '') }), sizes };
    } finally {
      await browser.close().catch(() => {});
      await server.close();
      site.dispose();
    }
  }, renderLookSection);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
