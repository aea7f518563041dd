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
