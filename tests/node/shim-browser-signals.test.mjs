// browser-signals: online/offline, navigator.connection's change and the
// page's visibility become the core's network_changed and
// visibility_changed, current values first; dispose removes every listener.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBrowserSignals } from '../../shim/browser-signals.js';

class FakeTarget {
  constructor() { this.listeners = new Map(); }
  addEventListener(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
  }
  removeEventListener(type, fn) { this.listeners.get(type)?.delete(fn); }
  fire(type, props = {}) { for (const fn of this.listeners.get(type) ?? []) fn({ type, ...props }); }
  count() { return [...this.listeners.values()].reduce((n, s) => n + s.size, 0); }
}

function setup({ onLine = true, visibilityState = 'visible', connection } = {}) {
  const win = new FakeTarget();
  win.navigator = { onLine, ...(connection ? { connection } : {}) };
  const doc = new FakeTarget();
  doc.visibilityState = visibilityState;
  const events = [];
  const signals = createBrowserSignals({ win, doc, dispatch: (e) => events.push(e) });
  return { win, doc, events, signals };
}

const net = (online, link = '') => ({ type: 'network_changed', online, link });
const vis = (visible) => ({ type: 'visibility_changed', visible });

test('start dispatches the current network and visibility once', () => {
  const a = setup();
  a.signals.start();
  a.signals.start(); // idempotent
  assert.deepEqual(a.events, [net(true), vis(true)]);
  const b = setup({ onLine: false, visibilityState: 'hidden' });
  b.signals.start();
  assert.deepEqual(b.events, [net(false), vis(false)]);
});

test('online and offline become network_changed', () => {
  const { win, events, signals } = setup();
  signals.start();
  events.length = 0;
  win.fire('offline');
  win.fire('online');
  assert.deepEqual(events, [net(false), net(true)]);
});

test('a connection change is forwarded with the link type for the core to judge; no connection API, no listener', () => {
  const connection = new FakeTarget();
  connection.type = 'wifi';
  const { win, events, signals } = setup({ connection });
  signals.start();
  connection.type = 'cellular';
  connection.fire('change');
  win.fire('offline');
  assert.deepEqual(events, [net(true, 'wifi'), vis(true), { ...net(true, 'cellular'), link_change: true }, net(false, 'cellular')]);
  signals.dispose();
  assert.equal(connection.count(), 0);
  const plain = setup();
  plain.signals.start();
  assert.deepEqual(plain.events[0], net(true), 'desktop browsers: no type, an empty link');
});

test('visibilitychange reports the document state, repeats included', () => {
  const { doc, events, signals } = setup();
  signals.start();
  events.length = 0;
  doc.visibilityState = 'hidden';
  doc.fire('visibilitychange');
  doc.visibilityState = 'visible';
  doc.fire('visibilitychange');
  doc.fire('visibilitychange');
  assert.deepEqual(events, [vis(false), vis(true), vis(true)]);
});

test('pagehide and freeze hide; persisted pageshow and resume report the document state', () => {
  const { win, doc, events, signals } = setup();
  signals.start();
  events.length = 0;
  win.fire('pagehide', { persisted: true });
  win.fire('pageshow', { persisted: false }); // a first load: start() covered it
  win.fire('pageshow', { persisted: true });
  doc.fire('freeze');
  doc.visibilityState = 'hidden';
  doc.fire('resume'); // resumed in the background
  assert.deepEqual(events, [vis(false), vis(true), vis(false), vis(false)]);
});

test('dispose removes every listener', () => {
  const { win, doc, events, signals } = setup();
  signals.start();
  assert.ok(win.count() > 0 && doc.count() > 0);
  signals.dispose();
  assert.equal(win.count() + doc.count(), 0);
  events.length = 0;
  win.fire('offline');
  doc.fire('visibilitychange');
  assert.deepEqual(events, []);
});
