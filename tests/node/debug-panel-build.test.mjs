// The debug panel is in development and staging bundles only: a production
// build must not carry a byte of it (the shop's shoppers download that
// bundle). Builds both from the existing build/wasm outputs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from '../../tools/bundle/build.mjs';

const work = mkdtempSync(path.join(tmpdir(), 'natter-debug-build-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function coreBundle(env) {
  const { outDir, manifest } = await build({ outDir: path.join(work, env), env, wasm: false });
  return readFileSync(path.join(outDir, manifest.files.core_js.path), 'utf8');
}

// Strings that exist only in shim/ui/debug-panel.js.
const MARKERS = ['Natter debug', 'core+effects ms'];

for (const env of ['development', 'staging']) {
  test(`a ${env} bundle carries the debug panel`, async () => {
    const js = await coreBundle(env);
    for (const m of MARKERS) assert.ok(js.includes(m), `${m} in the ${env} bundle`);
  });
}

test('a production bundle carries none of it', async () => {
  const js = await coreBundle('production');
  for (const m of MARKERS) assert.ok(!js.includes(m), `${m} left in the production bundle`);
  assert.ok(js.includes('exists only in development and staging builds'), 'the note for natter(\'debug\', \'panel\') stays');
});
