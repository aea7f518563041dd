// Rewrites one "## " section of docs/benchmarks.md in place (the benches
// that run alone: gateway, handoff, call start, preload). The section runs
// from its heading to the next "## " heading or the end; a missing one is
// appended. One blank line always separates it from the next.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_MD = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

export function replaceSection(doc, heading, section) {
  const body = `${section.replace(/\n*$/, '\n')}`;
  const at = doc.indexOf(heading);
  if (at < 0) return `${doc.replace(/\n*$/, '\n')}\n${body}`;
  const next = doc.indexOf('\n## ', at + heading.length);
  return doc.slice(0, at) + body + (next < 0 ? '' : `\n${doc.slice(next + 1)}`);
}

// The section under `heading` (up to the next "## " heading), or null.
export function sectionOf(doc, heading) {
  const at = doc.indexOf(`\n${heading}\n`);
  if (at < 0) return null;
  const next = doc.indexOf('\n## ', at + 1 + heading.length);
  return doc.slice(at + 1, next < 0 ? doc.length : next + 1).replace(/\n*$/, '\n');
}

// Sections kept by hand in docs/benchmarks.md: the whole report's rewrite
// (run.mjs) carries them over from the file it replaces, unchanged.
// '## The record': measured by hand with tools/bench/record-cost.mjs (not part of npm run bench yet).
export const KEPT_HEADINGS = ['## Earlier measurements', '## The record'];

// `fresh` with each kept section of `previous` that `fresh` lacks appended.
export function carrySections(previous, fresh, headings = KEPT_HEADINGS) {
  let doc = fresh;
  for (const heading of headings) {
    const kept = sectionOf(previous, heading);
    if (kept && sectionOf(doc, heading) === null) doc = `${doc.replace(/\n*$/, '\n')}\n${kept}`;
  }
  return doc;
}

export function writeSection(heading, section, file = BENCHMARKS_MD) {
  writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), heading, section));
}

// Measures with fn(), then rewrites the section: what each bench does when
// it runs alone (`node tools/bench/<script>`), with the date, the machine's
// load when it started and how long it took.
export async function measureAlone(script, heading, fn, render) {
  const began = Date.now();
  const load = os.loadavg()[0];
  const result = await fn();
  const note = `\nMeasured alone by \`node tools/bench/${script}\` on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} `
    + `(${os.availableParallelism?.() ?? os.cpus().length} CPUs, load average ${load.toFixed(2)} when it started, `
    + `${((Date.now() - began) / 1000).toFixed(0)} s).\n`;
  writeSection(heading, render(result) + note);
  console.log(`[bench] wrote the ${heading.slice(3)} section of docs/benchmarks.md`);
}
