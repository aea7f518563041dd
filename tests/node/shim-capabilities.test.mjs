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
    RTCPeerConnection: function RTCPeerConnection() {},
  };
}

test('a browser with everything voice uses lacks nothing', () => {
  assert.deepEqual(detectCapabilities(fullBrowser()), { voice_missing: [], rtc: true });
});

test('WebRTC is a fact of its own: without it voice still works, on the WebSocket', () => {
  const win = fullBrowser();
  delete win.RTCPeerConnection;
  assert.deepEqual(detectCapabilities(win), { voice_missing: [], rtc: false });
  const session = { endpoint: 'https://agent.test', transport: 'session' };
  const args = {
    dataset: session, pageUrl: 'https://shop.test/', seeds: { hi: '0', lo: '0' }, storedId: null, tabId: 't',
  };
  assert.equal(coreConfig({ ...args, capabilities: { voice_missing: [], rtc: true } }).rtc, true);
  assert.equal('rtc' in coreConfig({ ...args, capabilities: { voice_missing: [], rtc: false } }), false);
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
