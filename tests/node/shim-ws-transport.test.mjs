// ws-transport: one WebSocket per conn_id, every report carrying the id the
// socket was created for, was_open true iff onopen fired, close codes the
// browser accepts, and the HTTP probe after a failed upgrade.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWsTransport, closeCode, closeReason } from '../../shim/ws-transport.js';

// A WebSocket as the shim sees it; the test plays the network with the
// server* methods. close() throws like a browser on a code it refuses.
function fakeWebSocketClass() {
  const made = [];
  class FakeWebSocket {
    constructor(url) {
      if (!/^wss?:/.test(url)) throw new SyntaxError(`The URL's scheme must be either 'ws' or 'wss'.`);
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closeCalls = [];
      made.push(this);
    }
    send(text) {
      if (this.readyState === 0) throw new Error('InvalidStateError: still CONNECTING');
      this.sent.push(text);
    }
    close(code, reason) {
      if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) throw new Error('InvalidAccessError');
      if (new TextEncoder().encode(reason ?? '').length > 123) throw new Error('SyntaxError: reason too long');
      this.closeCalls.push([code, reason]);
      this.readyState = 2;
    }
    serverOpen() { this.readyState = 1; this.onopen?.({ type: 'open' }); }
    serverSends(data) { this.onmessage?.({ type: 'message', data }); }
    serverCloses(code, reason = '') { this.readyState = 3; this.onclose?.({ type: 'close', code, reason }); }
    fails() { this.readyState = 3; this.onerror?.({ type: 'error' }); this.onclose?.({ type: 'close', code: 1006, reason: '' }); }
  }
  return { FakeWebSocket, made };
}

function setup({ fetch = async () => { throw new Error('no fetch in this test'); }, onBinary = null } = {}) {
  const { FakeWebSocket, made } = fakeWebSocketClass();
  const events = [];
  const logs = [];
  const ws = createWsTransport({
    WebSocket: FakeWebSocket, fetch, dispatch: (e) => events.push(e), wallNow: () => 0,
    log: (level, text) => logs.push([level, text]),
    onBinary,
  });
  return { ws, made, events, logs };
}

test('a socket reports open, each text frame and its close with the conn_id it was made for', () => {
  const { ws, made, events } = setup();
  ws.connect({ conn_id: 7, url: 'ws://shop.test/api/session' });
  assert.equal(made.length, 1);
  assert.equal(made[0].url, 'ws://shop.test/api/session');
  made[0].serverOpen();
  made[0].serverSends('{"type":"welcome"}');
  made[0].serverSends('{"type":"pong","t":1}');
  made[0].serverCloses(1001, 'going away');
  assert.deepEqual(events, [
    { type: 'ws_opened', conn_id: 7 },
    { type: 'ws_frame', conn_id: 7, text: '{"type":"welcome"}' },
    { type: 'ws_frame', conn_id: 7, text: '{"type":"pong","t":1}' },
    { type: 'ws_closed', conn_id: 7, code: 1001, reason: 'going away', was_open: true },
  ]);
});

test('a socket that closes before it opened reports was_open false (the upgrade failed)', () => {
  const { ws, made, events } = setup();
  ws.connect({ conn_id: 3, url: 'ws://shop.test/api/session' });
  made[0].fails();
  assert.deepEqual(events, [{ type: 'ws_closed', conn_id: 3, code: 1006, reason: '', was_open: false }]);
});

test('an error event alone reports nothing: the close that follows does', () => {
  const { ws, made, events } = setup();
  ws.connect({ conn_id: 3, url: 'ws://shop.test/api/session' });
  made[0].serverOpen();
  made[0].onerror({ type: 'error' });
  assert.deepEqual(events, [{ type: 'ws_opened', conn_id: 3 }]);
});

test('an old socket still reports under its own id: the shim never filters, the core drops stale ids', () => {
  const { ws, made, events } = setup();
  ws.connect({ conn_id: 1, url: 'ws://shop.test/api/session' });
  ws.close({ conn_id: 1, code: 1000, reason: 'superseded' });
  ws.connect({ conn_id: 2, url: 'ws://shop.test/api/session' });
  made[1].serverOpen();
  made[0].serverSends('{"type":"ack","message_id":"m1"}'); // late frame from the old socket
  made[0].serverCloses(1000, 'superseded');
  assert.deepEqual(events, [
    { type: 'ws_opened', conn_id: 2 },
    { type: 'ws_frame', conn_id: 1, text: '{"type":"ack","message_id":"m1"}' },
    { type: 'ws_closed', conn_id: 1, code: 1000, reason: 'superseded', was_open: false },
  ]);
  assert.deepEqual(made[0].closeCalls, [[1000, 'superseded']]);
  assert.deepEqual(made[1].closeCalls, [], 'the new socket is untouched');
});

test('binary frames are not forwarded, and logged once per socket', () => {
  const { ws, made, events, logs } = setup();
  ws.connect({ conn_id: 4, url: 'ws://shop.test/api/session' });
  assert.equal(made[0].binaryType, 'arraybuffer');
  made[0].serverOpen();
  made[0].serverSends(new ArrayBuffer(3));
  made[0].serverSends(new ArrayBuffer(5));
  made[0].serverSends('{"type":"pong","t":2}');
  assert.deepEqual(events.map((e) => e.type), ['ws_opened', 'ws_frame']);
  assert.equal(events[1].text, '{"type":"pong","t":2}');
  assert.deepEqual(logs.filter(([level]) => level === 'warn').length, 1);
  assert.match(logs[0][1], /binary frame on connection 4/);
});

test('with voice, binary frames go to onBinary with their conn_id, never to the core', () => {
  const got = [];
  const { ws, made, events, logs } = setup({ onBinary: (id, data) => got.push([id, data.byteLength]) });
  ws.connect({ conn_id: 9, url: 'ws://shop.test/api/session' });
  made[0].serverOpen();
  made[0].serverSends(new ArrayBuffer(12));
  made[0].serverSends(new ArrayBuffer(40));
  assert.deepEqual(got, [[9, 12], [9, 40]]);
  assert.deepEqual(events.map((e) => e.type), ['ws_opened']);
  assert.equal(logs.length, 0);
});

test('sendBinary writes to the named open socket only, and never throws', () => {
  const { ws, made } = setup();
  ws.connect({ conn_id: 2, url: 'ws://shop.test/api/session' });
  const packet = new Uint8Array([1, 0, 0, 1]).buffer;
  ws.sendBinary(2, packet); // still connecting: dropped (live audio is not queued)
  made[0].serverOpen();
  ws.sendBinary(2, packet);
  ws.sendBinary(3, packet); // no such socket
  assert.deepEqual(made[0].sent, [packet]);
});

test('ws_send writes a text frame to an open socket only', () => {
  const { ws, made, logs } = setup();
  ws.connect({ conn_id: 5, url: 'ws://shop.test/api/session' });
  ws.send({ conn_id: 5, text: 'too early' }); // still connecting: a browser would throw
  made[0].serverOpen();
  ws.send({ conn_id: 5, text: '{"type":"hello","v":1}' });
  ws.send({ conn_id: 99, text: 'unknown socket' });
  assert.deepEqual(made[0].sent, ['{"type":"hello","v":1}']);
  assert.equal(logs.filter(([level]) => level === 'debug').length, 2);
});

test('ws_close passes 1000 and 3000-4999 through and turns any other code into 1000', () => {
  const { ws, made } = setup();
  const codes = [1000, 4008, 3000, 4999, 1001, 1006, 2999, 5000, -1];
  codes.forEach((code, i) => {
    ws.connect({ conn_id: 10 + i, url: 'ws://shop.test/api/session' });
    ws.close({ conn_id: 10 + i, code, reason: 'r' });
  });
  assert.deepEqual(made.map((s) => s.closeCalls[0][0]), [1000, 4008, 3000, 4999, 1000, 1000, 1000, 1000, 1000]);
  assert.equal(closeCode(4002), 4002);
  assert.equal(closeCode(1.5), 1000);
});

test('a close reason longer than the browser allows is cut at a character boundary', () => {
  const long = 'é'.repeat(100); // 200 bytes
  const cut = closeReason(long);
  assert.ok(new TextEncoder().encode(cut).length <= 123);
  assert.equal(cut, 'é'.repeat(61));
  assert.equal(closeReason('heartbeat timeout'), 'heartbeat timeout');
  const { ws, made } = setup();
  ws.connect({ conn_id: 1, url: 'ws://shop.test/api/session' });
  ws.close({ conn_id: 1, code: 4002, reason: long });
  assert.deepEqual(made[0].closeCalls, [[4002, 'é'.repeat(61)]]);
});

test('ws_close for a socket that already closed does nothing', () => {
  const { ws, made, events } = setup();
  ws.connect({ conn_id: 1, url: 'ws://shop.test/api/session' });
  made[0].fails();
  ws.close({ conn_id: 1, code: 1000, reason: 'late' });
  assert.deepEqual(made[0].closeCalls, []);
  assert.equal(events.length, 1);
});

test('a URL the browser refuses outright is reported as a failed upgrade, after the effect returns', async () => {
  const { ws, events } = setup();
  ws.connect({ conn_id: 8, url: 'http://not-a-ws-url' });
  assert.deepEqual(events, [], 'never reported inside the effect');
  await Promise.resolve();
  assert.equal(events.length, 1);
  assert.deepEqual({ ...events[0], reason: typeof events[0].reason }, {
    type: 'ws_closed', conn_id: 8, code: 1006, reason: 'string', was_open: false,
  });
});

test('the probe is a plain GET without credentials and reports status and Retry-After', async () => {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return { status: 503, headers: new Headers({ 'Retry-After': '7' }), body: null };
  };
  const { ws, events } = setup({ fetch });
  await ws.probe({ conn_id: 9, url: 'http://shop.test/api/session' });
  assert.deepEqual(calls, [{ url: 'http://shop.test/api/session', init: { method: 'GET', credentials: 'omit', cache: 'no-store' } }]);
  assert.deepEqual(events, [{ type: 'probe_answered', conn_id: 9, status: 503, retry_after_ms: 7000 }]);
});

test('a probe that fails below HTTP reports status 0 and no Retry-After', async () => {
  const { ws, events } = setup({ fetch: async () => { throw new TypeError('Failed to fetch'); } });
  await ws.probe({ conn_id: 2, url: 'http://shop.test/api/session' });
  assert.deepEqual(events, [{ type: 'probe_answered', conn_id: 2, status: 0, retry_after_ms: -1 }]);
});
