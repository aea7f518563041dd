// The debug panel is in development and staging bundles only: a production
// build must not carry a byte of it (the shop's shoppers download that
// bundle), nor the endpoint guess of a development build (config.js
// envDefaults). Builds them from the existing build/wasm outputs.
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

// envDefaults compares the env with "development"; boot.js calls it only
// in a development build, so no other bundle has that literal.
test('only a development bundle guesses an endpoint from the loader\'s URL', async () => {
  assert.ok((await coreBundle('development')).includes('"development"'), 'the guess in the development bundle');
  for (const env of ['staging', 'production']) {
    assert.ok(!(await coreBundle(env)).includes('"development"'), `envDefaults left in the ${env} bundle`);
  }
});
