// The core bundle and the core frame ship the browser-only link of the core
// (natter.core.web.js, no node branch); node tests load natter.core.js.
// Both links come from the same objects and must give the same .wasm, so
// what the node suites test is byte for byte what a browser runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './load-core.mjs';

const dir = path.join(repoRoot, 'build/wasm/wasm');
const skip = !existsSync(path.join(dir, 'natter.core.web.wasm')) && 'run npm run build first';

test('the browser link of the core has the same .wasm as the node link', { skip }, () => {
  assert.ok(readFileSync(path.join(dir, 'natter.core.web.wasm')).equals(readFileSync(path.join(dir, 'natter.core.wasm'))));
});

test('the browser glue has no node branch and the node glue has one', { skip }, () => {
  const web = readFileSync(path.join(dir, 'natter.core.web.js'), 'utf8');
  const node = readFileSync(path.join(dir, 'natter.core.js'), 'utf8');
  assert.ok(node.includes('process.versions.node') || node.includes('"node"'), 'the node glue checks for node');
  assert.ok(!web.includes('process.versions.node'), 'the browser glue does not');
  assert.ok(web.length < node.length);
});
