// http-transport: fetch -> http_responded / http_body / http_ended /
// http_failed events, with a fake fetch streaming chosen byte chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpTransport } from '../../shim/http-transport.js';

const enc = new TextEncoder();

function streamOf(chunks) {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
}

function setup(fetchImpl) {
  const events = [];
  let onEvent = () => {};
  const transport = createHttpTransport({
    fetch: fetchImpl,
    dispatch: (e) => { events.push(e); onEvent(e); },
    wallNow: () => Date.parse('Tue, 01 Jul 2025 12:00:00 GMT'),
  });
  return { events, transport, setOnEvent: (fn) => { onEvent = fn; } };
}

const request = { type: 'http_request', request_id: 7, method: 'POST', url: 'http://agent.test/api/chat',
  headers: [['Content-Type', 'application/json'], ['Idempotency-Key', 'k-1']], body: '{"text":"hi"}' };

test('a UTF-8 character split across network chunks arrives whole in one http_body', async () => {
  const bytes = enc.encode('data: caf\u00e9 \u{1F3AE}\n\n');
  const cut1 = bytes.indexOf(0xc3) + 1; // inside "é"
  const cut2 = bytes.length - 4; // inside the 4-byte emoji
  const { events, transport } = setup(async () => new Response(
    streamOf([bytes.slice(0, cut1), bytes.slice(cut1, cut2), bytes.slice(cut2)]),
    { status: 200, headers: { 'content-type': 'text/event-stream' } }));
  await transport.start(request);
  const body = events.filter((e) => e.type === 'http_body').map((e) => e.chunk);
  assert.equal(body.join(''), 'data: caf\u00e9 \u{1F3AE}\n\n');
  for (const chunk of body) assert.ok(!chunk.includes('\uFFFD'), `no replacement char in ${JSON.stringify(chunk)}`);
  assert.deepEqual(events[0], { type: 'http_responded', request_id: 7, status: 200, retry_after_ms: -1 });
  assert.deepEqual(events.at(-1), { type: 'http_ended', request_id: 7 });
});

test('the request is sent as the effect describes it', async () => {
  let seen;
  const { transport } = setup(async (url, init) => { seen = { url, ...init }; return new Response(''); });
  await transport.start(request);
  assert.equal(seen.url, request.url);
  assert.equal(seen.method, 'POST');
  assert.deepEqual(seen.headers, request.headers);
  assert.equal(seen.body, request.body);
  assert.ok(seen.signal instanceof AbortSignal);
});

test('Retry-After in seconds reaches the core in milliseconds', async () => {
  const { events, transport } = setup(async () => new Response('{}', { status: 503, headers: { 'retry-after': '7' } }));
  await transport.start(request);
  assert.equal(events[0].status, 503);
  assert.equal(events[0].retry_after_ms, 7000);
});

test('a refused connection becomes http_failed with a reason', async () => {
  const { events, transport } = setup(async () => { throw new TypeError('fetch failed'); });
  await transport.start(request);
  assert.deepEqual(events, [{ type: 'http_failed', request_id: 7, reason: 'network error' }]);
});

test('a body cut mid-stream becomes http_failed, not http_ended', async () => {
  const body = new ReadableStream({
    start(c) { c.enqueue(enc.encode('event: start\n')); },
    pull(c) { c.error(new Error('reset')); },
  });
  const { events, transport } = setup(async () => new Response(body, { status: 200 }));
  await transport.start(request);
  assert.deepEqual(events.map((e) => e.type), ['http_responded', 'http_body', 'http_failed']);
});

test('http_abort from the core while handling http_responded stops the body quietly', async () => {
  let pulled = 0;
  const body = new ReadableStream({ pull(c) { pulled++; c.enqueue(enc.encode('x')); } });
  const { events, transport, setOnEvent } = setup(async (_u, init) => {
    const res = new Response(body, { status: 500 });
    init.signal.addEventListener('abort', () => body.cancel().catch(() => {}));
    return res;
  });
  setOnEvent((e) => { if (e.type === 'http_responded') transport.abort(7); });
  await transport.start(request);
  assert.deepEqual(events.map((e) => e.type), ['http_responded']);
  assert.ok(pulled <= 1, 'the body was not read after the abort');
});

test('abort during the fetch sends nothing at all', async () => {
  const { events, transport } = setup((_u, init) => new Promise((_, reject) => {
    init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
  }));
  const done = transport.start(request);
  transport.abort(7);
  await done;
  assert.deepEqual(events, []);
});
