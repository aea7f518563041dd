// shim/release-files.js: the core bundle completes the loader's one-entry
// manifest with the entries the build wrote into it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { releaseManifest } from '../../shim/release-files.js';

const coreJs = { path: 'natter.core.aaa.js', integrity: 'sha384-a' };
const bundled = { core_wasm: { path: 'natter.core.bbb.wasm', integrity: 'sha384-b' }, i18n_de: { path: 'i18n.de.ccc.js', integrity: 'sha384-c' } };

test("a release loader's manifest gets the bundle's entries; version and build stay the loader's", () => {
  const m = releaseManifest({ version: '1.0.0', build: 'b1', files: { core_js: coreJs } }, bundled);
  assert.deepEqual(m, { version: '1.0.0', build: 'b1', files: { core_js: coreJs, ...bundled } });
});

test('a full manifest (a stable loader fetched manifest.json) keeps its own entries', () => {
  const own = { core_js: coreJs, core_wasm: { path: 'natter.core.ddd.wasm', integrity: 'sha384-d' } };
  assert.deepEqual(releaseManifest({ version: '1.0.0', build: 'b1', files: own }, bundled).files.core_wasm, own.core_wasm);
});
