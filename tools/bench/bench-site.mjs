// The pages the browser half of the bench loads, built in a temp directory
// that the reference server serves as its webDir (tools/gateway is not
// changed for the bench). Both pages are the demo storefront
// (web/demo/index.html) with the shop's async embed replaced by:
//
//   /bench/widget.html  probe-head.js in <head>; at the end of <body>:
//                       t0.js, then the real loader /natter.js (synchronous,
//                       so it runs right after t0.js)
//   /bench/widget-de.html  the same with <html lang="de">
//   /bench/plain.html   the same, with plain-launcher.js for the loader and a
//                       plain textarea wired by plain-send.js (the baseline
//                       for sending)
//   /bench/plain-launcher.html  the same with plain-launcher.js alone (the
//                       baseline for the launcher's paint: a textarea is
//                       layout work the widget page does not have)
//   /bench/bare.html    the storefront with no widget and no probe (the idle
//                       baseline)
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const EMBED = /<script async src="\/natter\.js"[^>]*><\/script>/;

function page(demoHtml, bodyEnd) {
  if (!EMBED.test(demoHtml)) throw new Error('web/demo/index.html no longer has the natter.js embed the bench replaces');
  return demoHtml
    .replace(EMBED, '<script src="/bench/probe-head.js"></script>')
    .replace('</body>', `${bodyEnd}\n</body>`);
}

// Returns {webDir, dispose()}.
export function buildBenchSite(repoRoot) {
  const webDir = mkdtempSync(path.join(tmpdir(), 'natter-bench-'));
  cpSync(path.join(repoRoot, 'web/demo'), path.join(webDir, 'demo'), { recursive: true });
  const benchDir = path.join(webDir, 'bench');
  mkdirSync(benchDir);
  for (const file of readdirSync(path.join(here, 'page'))) cpSync(path.join(here, 'page', file), path.join(benchDir, file));
  const demo = readFileSync(path.join(repoRoot, 'web/demo/index.html'), 'utf8');
  writeFileSync(path.join(benchDir, 'widget.html'), page(demo, [
    '<script src="/bench/t0.js"></script>',
    '<script src="/natter.js" data-endpoint=""></script>',
  ].join('\n')));
  // The same page in German: which catalogue files a page downloads (look-cost.mjs).
  const HTML_LANG = /<html lang="[^"]*">/;
  if (!HTML_LANG.test(demo)) throw new Error('web/demo/index.html no longer has <html lang="…">');
  writeFileSync(path.join(benchDir, 'widget-de.html'), page(demo.replace(HTML_LANG, '<html lang="de">'), [
    '<script src="/bench/t0.js"></script>',
    '<script src="/natter.js" data-endpoint=""></script>',
  ].join('\n')));
  writeFileSync(path.join(benchDir, 'plain.html'), page(demo, [
    '<textarea id="plain" aria-label="Plain baseline"></textarea>',
    '<script src="/bench/plain-send.js"></script>',
    '<script src="/bench/t0.js"></script>',
    '<script src="/bench/plain-launcher.js"></script>',
  ].join('\n')));
  writeFileSync(path.join(benchDir, 'plain-launcher.html'), page(demo, [
    '<script src="/bench/t0.js"></script>',
    '<script src="/bench/plain-launcher.js"></script>',
  ].join('\n')));
  writeFileSync(path.join(benchDir, 'bare.html'), demo.replace(EMBED, ''));
  return { webDir, dispose: () => rmSync(webDir, { recursive: true, force: true }) };
}
