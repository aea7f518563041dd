// shim/capabilities.js: feature tests (never engine names) reported as facts,
// and coreConfig handing them to the core (voice_missing) in session mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectCapabilities } from '../../shim/capabilities.js';
import { coreConfig } from '../../shim/config.js';

function fullBrowser() {
  function AudioContext() {}
  AudioContext.prototype.createMediaStreamDestination = () => ({});
  return {
    isSecureContext: true,
    navigator: { mediaDevices: { getUserMedia: async () => ({}) } },
    AudioContext, AudioWorkletNode: function AudioWorkletNode() {}, Worker: function Worker() {}, WebAssembly: {},
  };
}

test('a browser with everything voice uses lacks nothing', () => {
  assert.deepEqual(detectCapabilities(fullBrowser()), { voice_missing: [] });
});

test('each missing feature is named, in a fixed order', () => {
  const win = fullBrowser();
  delete win.AudioWorkletNode;
  assert.deepEqual(detectCapabilities(win).voice_missing, ['audio_worklet']);
  const insecure = { ...fullBrowser(), isSecureContext: false, navigator: {} };
  assert.deepEqual(detectCapabilities(insecure).voice_missing, ['secure_context', 'microphone']);
  const bare = { navigator: {} };
  assert.deepEqual(detectCapabilities(bare).voice_missing,
    ['microphone', 'audio_context', 'audio_worklet', 'worker', 'webassembly']);
});

test('a feature whose getter throws counts as missing', () => {
  const win = fullBrowser();
  Object.defineProperty(win, 'navigator', { get() { throw new Error('blocked'); } });
  assert.deepEqual(detectCapabilities(win).voice_missing, ['microphone']);
});

test('coreConfig hands the missing features to the core in session mode only', () => {
  const base = { pageUrl: 'https://shop.example/p', seeds: { hi: '1', lo: '2' }, storedId: 'c', tabId: 't', build: 'b' };
  const lacking = { voice_missing: ['audio_worklet', 'worker'] };
  assert.equal(coreConfig({ ...base, dataset: { transport: 'session' }, capabilities: lacking }).voice_missing, 'audio_worklet,worker');
  assert.equal('voice_missing' in coreConfig({ ...base, dataset: { transport: 'session' }, capabilities: { voice_missing: [] } }), false);
  assert.equal('voice_missing' in coreConfig({ ...base, dataset: {}, capabilities: lacking }), false, 'no voice over HTTP');
});
