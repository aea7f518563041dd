// shim/voice/voice-link.js with fake window/document objects and node's
// real MessageChannel: a same-origin widget starts its worker directly; a
// widget from another origin frames the voice frame, answers only its own
// frame's ready, hands it the two ports, and reports a blocked frame, a
// silent frame or a failed worker once, with the fix named.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openVoiceLink } from '../../shim/voice/voice-link.js';
import { VOICE_READY, VOICE_PORT } from '../../shim/voice/voice-frame-protocol.js';

const WIDGET = 'https://widget.example';
const workerUrl = `${WIDGET}/natter.voice.abc.js`;
const frameUrl = `${WIDGET}/natter.voiceframe.abc.html`;

// Every port made, closed after each test (an open port keeps node alive).
const channels = [];
class TrackedChannel extends MessageChannel {
  constructor() {
    super();
    channels.push(this);
  }
}
afterEach(() => { for (const c of channels.splice(0)) { c.port1.close(); c.port2.close(); } });

function fakePage(pageOrigin) {
  const listeners = { win: {}, doc: {} };
  const on = (where) => (type, fn) => { (listeners[where][type] ||= new Set()).add(fn); };
  const off = (where) => (type, fn) => listeners[where][type]?.delete(fn);
  const posted = [];
  const iframe = {
    attrs: {}, removed: false, src: '',
    setAttribute(k, v) { this.attrs[k] = v; },
    remove() { this.removed = true; },
    contentWindow: { postMessage: (data, origin, ports) => posted.push({ data, origin, ports }) },
  };
  const timers = [];
  const workers = [];
  const win = {
    location: { origin: pageOrigin },
    MessageChannel: TrackedChannel,
    Worker: class { constructor(url) { this.url = url; workers.push(this); } postMessage() {} terminate() {} },
    addEventListener: on('win'), removeEventListener: off('win'),
  };
  const doc = { createElement: () => iframe, addEventListener: on('doc'), removeEventListener: off('doc') };
  const root = { children: [], appendChild(el) { this.children.push(el); } };
  const fire = (where, type, event) => { for (const fn of [...(listeners[where][type] ?? [])]) fn(event); };
  return {
    win, doc, root, iframe, posted, workers, timers, fire, listeners,
    setTimeout: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
    clearTimeout: (id) => { if (timers[id - 1]) timers[id - 1].cleared = true; },
  };
}

function open(p, failures) {
  return openVoiceLink({
    win: p.win, doc: p.doc, root: p.root, workerUrl, frameUrl, onFailed: (err) => failures.push(err),
    setTimeout: p.setTimeout, clearTimeout: p.clearTimeout,
  });
}

test('same origin: the page starts the worker itself, no frame', () => {
  const p = fakePage(WIDGET);
  const link = open(p, []);
  assert.equal(p.workers.length, 1);
  assert.equal(p.workers[0].url, workerUrl);
  assert.equal(link.port, p.workers[0]);
  assert.deepEqual(p.root.children, []);
});

test('another origin: the voice frame starts it; only its own ready gets the two ports', async () => {
  const p = fakePage('https://shop.example');
  const failures = [];
  const link = open(p, failures);
  assert.equal(p.workers.length, 0, 'no Worker from a foreign URL');
  assert.deepEqual(p.root.children, [p.iframe]);
  assert.equal(p.iframe.src, frameUrl);
  assert.equal(p.iframe.hidden, true);
  link.port.postMessage({ load: 1 }); // waits in the port until the worker takes it
  p.fire('win', 'message', { source: {}, origin: WIDGET, data: { natter: VOICE_READY } });
  p.fire('win', 'message', { source: p.iframe.contentWindow, origin: 'https://evil.example', data: { natter: VOICE_READY } });
  assert.equal(p.posted.length, 0, 'another window or origin is ignored');
  p.fire('win', 'message', { source: p.iframe.contentWindow, origin: WIDGET, data: { natter: VOICE_READY } });
  p.fire('win', 'message', { source: p.iframe.contentWindow, origin: WIDGET, data: { natter: VOICE_READY } });
  assert.equal(p.posted.length, 1, 'handed over once');
  assert.deepEqual(p.posted[0].data, { natter: VOICE_PORT });
  assert.equal(p.posted[0].origin, WIDGET);
  assert.equal(p.posted[0].ports.length, 2);
  const [workerSide, status] = p.posted[0].ports;
  const got = await new Promise((resolve) => { workerSide.onmessage = (e) => resolve(e.data); });
  assert.deepEqual(got, { load: 1 }, 'what was posted before the handshake arrives');
  assert.ok(p.timers[0].cleared, 'no timeout after the handshake');
  status.postMessage({ failed: 'the voice worker failed: load error' });
  status.postMessage({ failed: 'again' });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(failures.map((e) => [e.name, e.message]), [['NatterVoiceBlocked', 'the voice worker failed: load error']]);
  link.close();
  workerSide.close();
  status.close();
  assert.equal(p.iframe.removed, true);
});

test('a frame-src violation for the widget origin fails at once, naming the directive; once', () => {
  const p = fakePage('https://shop.example');
  const failures = [];
  const link = open(p, failures);
  p.fire('doc', 'securitypolicyviolation', { effectiveDirective: 'img-src', blockedURI: `${WIDGET}/x.png` });
  p.fire('doc', 'securitypolicyviolation', { effectiveDirective: 'frame-src', blockedURI: 'https://other.example/' });
  assert.equal(failures.length, 0);
  p.fire('doc', 'securitypolicyviolation', { effectiveDirective: 'frame-src', blockedURI: frameUrl });
  p.timers[0].fn();
  assert.equal(failures.length, 1);
  assert.equal(failures[0].message, `this page's frame-src directive blocks the voice frame: add ${WIDGET} to frame-src`);
  link.close();
});

test('a frame that never answers fails after the timeout, naming the frame headers', () => {
  const p = fakePage('https://shop.example');
  const failures = [];
  const link = open(p, failures);
  assert.equal(p.timers[0].ms, 10000);
  p.timers[0].fn();
  assert.equal(failures.length, 1);
  assert.match(failures[0].message, /did not answer within 10 s: https:\/\/widget\.example must serve it without X-Frame-Options/);
  link.close();
});
