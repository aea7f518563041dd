// What the build writes into the scripts about the release's other files
// (tools/bundle/build.mjs): the core bundle names every file a first chat
// or the widget's chunks may load, the voice runtime chunk the files only a
// call uses (shim/voice/voice-files.js), the session UI chunk the chunks
// only it loads (shim/session-ui/session-ui-files.js), the reply parts
// chunk the thumbs chunk (shim/ui/load-thumbs.js), and the core bundle
// none of those.
// Checked on dist/ (npm test builds it first), by the content-hashed names
// and SRI hashes, which appear nowhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const manifest = JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
const text = (key) => readFileSync(path.join(dist, manifest.files[key].path), 'utf8');
const VOICE_ONLY = ['voice_js', 'voice_wasm', 'voice_scalar_wasm', 'voice_frame_html', 'worklet_capture', 'worklet_playback'];

test('the voice runtime chunk names each file only a call uses, with its SRI hash where it is fetched', () => {
  const chunk = text('voice_runtime_js');
  for (const key of VOICE_ONLY) {
    assert.ok(manifest.files[key], `${key} in the manifest`);
    assert.ok(chunk.includes(manifest.files[key].path), `the chunk names ${key}`);
  }
  for (const key of ['voice_wasm', 'voice_scalar_wasm']) {
    assert.ok(chunk.includes(manifest.files[key].integrity), `the chunk has ${key}'s SRI hash`);
  }
});

// The chunks only the session UI chunk loads: it names them, the core bundle does not.
const SESSION_UI_ONLY = ['voice_runtime_js', 'continue_js'];

test('the session UI chunk names the chunks only it loads, with their SRI hashes', () => {
  const chunk = text('session_ui_js');
  for (const key of SESSION_UI_ONLY) {
    assert.ok(chunk.includes(manifest.files[key].path), `the session UI chunk names ${key}`);
    assert.ok(chunk.includes(manifest.files[key].integrity), `the session UI chunk has ${key}'s SRI hash`);
  }
});

// The chunk only the reply parts chunk loads (an answer's thumbs, shim/ui/load-thumbs.js).
const REPLY_PARTS_ONLY = ['thumbs_js'];

test('the reply parts chunk names the thumbs chunk, with its SRI hash', () => {
  const chunk = text('reply_parts_js');
  for (const key of REPLY_PARTS_ONLY) {
    assert.ok(chunk.includes(manifest.files[key].path), `the reply parts chunk names ${key}`);
    assert.ok(chunk.includes(manifest.files[key].integrity), `the reply parts chunk has ${key}'s SRI hash`);
  }
});

test('the core bundle names none of them, and every other file but the frames\' own scripts', () => {
  const core = text('core_js');
  const apart = [...VOICE_ONLY, ...SESSION_UI_ONLY, ...REPLY_PARTS_ONLY];
  for (const key of apart) assert.ok(!core.includes(manifest.files[key].path), `the core bundle names ${key}`);
  const others = Object.keys(manifest.files).filter((k) => !apart.includes(k)
    && !['core_js', 'core_frame_js', 'voice_frame_js'].includes(k));
  assert.ok(others.includes('session_ui_js') && others.includes('core_wasm'), others.join());
  for (const key of others) assert.ok(core.includes(manifest.files[key].path), `the core bundle names ${key}`);
});
