// tools/bundle/minify-css.mjs: the widget's CSS literals ship minified, the
// rest of each module untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minifyCssModule } from '../../tools/bundle/minify-css.mjs';
import { bundleScript } from '../../tools/bundle/build.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('a *_CSS literal is minified; code, other strings and a literal with a substitution are not', async () => {
  const source = [
    "import { X } from './x.js';",
    'export const PANEL_CSS = `',
    '.panel {',
    '  color: red;',
    '  margin: 0px 0px 0px 0px;',
    '}',
    '`;',
    'export const NOTE = `keep   this`;',
    'export const LATE_CSS = `.a { color: ${X}; }`;',
  ].join('\n');
  const out = await minifyCssModule(source);
  const lines = out.split('\n');
  assert.equal(lines[0], "import { X } from './x.js';");
  assert.equal(lines[1], 'export const PANEL_CSS = ".panel{color:red;margin:0}";');
  assert.equal(lines[2], 'export const NOTE = `keep   this`;');
  assert.equal(lines[3], 'export const LATE_CSS = `.a { color: ${X}; }`;');
});

test('the core bundle carries the panel CSS minified', async () => {
  const js = (await bundleScript({
    entry: path.join(repoRoot, 'shim/boot.js'), banner: '',
    define: { __NATTER_ENV__: '"production"', __NATTER_FILES__: '{}' },
  })).toString();
  assert.ok(js.includes('.panel[hidden]{display:none}'), 'the panel rules, minified');
  assert.ok(!js.includes('\n.panel {'), 'no CSS as written');
});

// What the browser gets must mean what the source means at run time: for
// every shipped *_CSS literal, the minified text equals esbuild's
// minification of the value node evaluates from the unminified module.
// (Fed the source text instead of the value, the minifier turned the Save
// toggle's `\\2606` into a literal backslash: the card read "\2606 Save".)
test('every shipped CSS literal keeps its run-time value, escapes included', async () => {
  const { readFile } = await import('node:fs/promises');
  const esbuild = await import('esbuild');
  const modules = ['shim/ui/styles.js', 'shim/ui/continue-sheet.js', 'shim/ui/handoff-styles.js',
    'shim/session-ui/session-styles.js', 'shim/ui/reply-parts-styles.js'];
  let escapes = 0;
  for (const rel of modules) {
    const file = path.join(repoRoot, rel);
    const runtime = await import(file);
    const minified = await minifyCssModule(await readFile(file, 'utf8'));
    const names = Object.keys(runtime).filter((k) => k.endsWith('_CSS'));
    assert.ok(names.length > 0, `${rel} exports a *_CSS literal`);
    for (const name of names) {
      const shipped = minified.match(new RegExp(`export const ${name} = ("(?:[^"\\\\]|\\\\.)*")`));
      assert.ok(shipped, `${rel}: ${name} is minified`);
      const expected = (await esbuild.transform(runtime[name], { loader: 'css', minify: true })).code.trim();
      const actual = JSON.parse(shipped[1]);
      let at = 0;
      while (at < actual.length && actual[at] === expected[at]) at += 1;
      assert.ok(actual === expected,
        `${rel}: ${name} differs at ${at}: shipped …${actual.slice(at - 40, at + 40)}…, run-time value …${expected.slice(at - 40, at + 40)}…`);
      escapes += (runtime[name].match(/content:\s*'\\/g) ?? []).length;
    }
  }
  assert.ok(escapes >= 2, 'the Save toggle\'s escaped stars are among the literals compared');
});

test('a CSS escape in a literal reaches the bundle as the CSS escape, not as a backslash', async () => {
  const out = await minifyCssModule("export const A_CSS = `.s::before { content: '\\\\2606\\\\00a0'; }`;");
  const css = JSON.parse(out.match(/= (".*");/)[1]);
  assert.ok(!css.includes('\\\\'), `no escaped backslash in ${css}`);
  assert.match(css, /content:"(☆|\\2606)/);
});

// A single backslash in a template literal is eaten by JavaScript before the
// CSS sees it: `content: '\2197'` reaches the page as the text "2197" (the
// link chip read "Trade-in page 2197"). The run-time value must keep the
// backslash of every CSS escape in `content`.
test('no CSS content escape lost its backslash in the source', async () => {
  const modules = ['shim/ui/styles.js', 'shim/ui/continue-sheet.js', 'shim/ui/handoff-styles.js',
    'shim/session-ui/session-styles.js', 'shim/ui/reply-parts-styles.js'];
  for (const rel of modules) {
    const runtime = await import(path.join(repoRoot, rel));
    for (const [name, css] of Object.entries(runtime).filter(([k]) => k.endsWith('_CSS'))) {
      const bare = css.match(/content:\s*['"][0-9a-fA-F]{4,6}\b[^'"]*['"]/g) || [];
      assert.deepEqual(bare, [], `${rel}: ${name} has a content escape without its backslash`);
    }
  }
});
