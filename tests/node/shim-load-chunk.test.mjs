// load-chunk.js (and its users: the voice runtime, the catalogues, the
// continue chunk and the frame host):
// a chunk is a script tag with the manifest's SRI hash, answered through a
// window.natter hook that is removed afterwards; failures reject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVoiceRuntime } from '../../shim/voice/load-runtime.js';
import { loadCatalogue } from '../../shim/i18n/load.js';
import { loadContinueChunk } from '../../shim/continue/load-continue-chunk.js';
import { loadFrameHost } from '../../shim/frame/load-frame-host.js';

const manifest = {
  files: {
    voice_runtime_js: { path: 'natter.voiceruntime.abc.js', integrity: 'sha384-v' },
    i18n_de: { path: 'i18n.de.def.js', integrity: 'sha384-d' },
    continue_js: { path: 'natter.continue.c0.js', integrity: 'sha384-c' },
    frame_host_js: { path: 'natter.framehost.f0.js', integrity: 'sha384-f' },
  },
};
const base = 'https://cdn.example/natter/natter.js';

function fakeDoc() {
  const tags = [];
  return {
    tags,
    createElement: (name) => ({ name }),
    head: { appendChild: (tag) => tags.push(tag) },
  };
}

test('the voice runtime chunk: one SRI script tag, resolved by its hook, which then goes', async () => {
  const doc = fakeDoc();
  const natter = {};
  const loading = loadVoiceRuntime({ manifest, base, doc, natter });
  assert.equal(doc.tags.length, 1);
  const [tag] = doc.tags;
  assert.equal(tag.name, 'script');
  assert.equal(tag.src, 'https://cdn.example/natter/natter.voiceruntime.abc.js');
  assert.equal(tag.integrity, 'sha384-v');
  assert.equal(tag.crossOrigin, 'anonymous');
  natter.__voiceRuntime(() => 'runtime'); // not the chunk's parts: ignored
  natter.__voiceRuntime({ createRtcLink: () => 'link' }); // ignored
  const parts = { createVoiceRuntime: () => 'runtime', createRtcLink: () => 'link' };
  natter.__voiceRuntime(parts);
  assert.equal(await loading, parts);
  assert.equal('__voiceRuntime' in natter, false);
});

test('a chunk that fails to download rejects with its URL', async () => {
  const doc = fakeDoc();
  const natter = {};
  const loading = loadVoiceRuntime({ manifest, base, doc, natter });
  doc.tags[0].onerror();
  await assert.rejects(loading, /could not load https:\/\/cdn\.example\/natter\/natter\.voiceruntime\.abc\.js/);
  assert.equal('__voiceRuntime' in natter, false);
});

test('a chunk that never answers times out', async () => {
  const natter = {};
  await assert.rejects(loadVoiceRuntime({ manifest, base, doc: fakeDoc(), natter, timeoutMs: 5 }), /timed out loading/);
  assert.equal('__voiceRuntime' in natter, false);
});

test('a release without the chunk rejects at once', async () => {
  const doc = fakeDoc();
  await assert.rejects(loadVoiceRuntime({ manifest: { files: {} }, base, doc, natter: {} }), /the release has no voice_runtime_js/);
  assert.equal(doc.tags.length, 0);
});

test('catalogues go through the same loader, answered only for their own locale', async () => {
  const doc = fakeDoc();
  const natter = {};
  const loading = loadCatalogue({ locale: 'de', manifest, base, doc, natter });
  assert.equal(doc.tags[0].src, 'https://cdn.example/natter/i18n.de.def.js');
  assert.equal(doc.tags[0].integrity, 'sha384-d');
  natter.__i18n('ar', { hi: 'x' });
  natter.__i18n('de', { hi: 'Hallo' });
  assert.deepEqual(await loading, { hi: 'Hallo' });
  await assert.rejects(loadCatalogue({ locale: 'fr', manifest, base, doc, natter }), /no catalogue for fr/);
  assert.deepEqual(await loadCatalogue({ locale: 'en', manifest, base, doc, natter }), {});
});

test('the continue chunk and the frame host resolve to their parts, once the object handed over carries the function each needs', async () => {
  for (const [load, hook, file, needed] of [
    [loadContinueChunk, '__continue', 'natter.continue.c0.js', 'drawQr'],
    [loadFrameHost, '__frameHost', 'natter.framehost.f0.js', 'openCoreFrame'],
  ]) {
    const doc = fakeDoc();
    const natter = {};
    const loading = load({ manifest, base, doc, natter });
    assert.equal(doc.tags[0].src, `https://cdn.example/natter/${file}`);
    natter[hook](null); // ignored
    natter[hook]({ [needed]: 'not a function' }); // ignored
    const parts = { [needed]: () => {} };
    natter[hook](parts);
    assert.equal(await loading, parts);
    assert.equal(hook in natter, false);
  }
});
