// POST /api/chat: the reply stream, request validation, CORS, and the
// request log (docs/protocol.md).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, parseEvents, postChat, replyText, request, startTestServer, stats, conversationKeyFor } from './helpers.mjs';

let server;
before(async () => { server = await startTestServer(); });
after(async () => { await server.close(); });
beforeEach(async () => { await request(server.url, { method: 'POST', path: '/__natter/reset' }); });

test('a message gets a reply streamed as start, deltas, done', async () => {
  const res = await postChat(server.url, { key: 'happy-path-1', text: 'hello' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/event-stream');
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.equal(res.headers['access-control-allow-origin'], '*');
  const events = parseEvents(res.body);
  assert.equal(events[0].event, 'start');
  assert.match(events[0].data.reply_id, /^r_[0-9a-f]+$/);
  assert.deepEqual(events.at(-1), { event: 'done', data: {} });
  const deltas = events.slice(1, -1);
  assert.ok(deltas.length > 5);
  assert.ok(deltas.every((e) => e.event === 'delta'));
  assert.match(replyText(events), /^Hi! .*\*\*Pixel Harbour Games\*\*/);
  // every delta is one word plus the whitespace after it
  for (const { data } of deltas) assert.match(data.text, /^\S+\s*$/);
});

test('events are framed as event line, data line, blank line', async () => {
  const res = await postChat(server.url, { text: 'hi' });
  assert.match(res.body, /^event: start\ndata: \{"reply_id":"[^"]+"\}\n\nevent: delta\ndata: \{"text":"Hi! "\}\n\n/);
  assert.ok(res.body.endsWith('event: done\ndata: {}\n\n'));
});

test('deltas are paced by tokenDelayMs', async () => {
  const slow = await startTestServer({ tokenDelayMs: 15 });
  try {
    const started = Date.now();
    const res = await postChat(slow.url, { text: 'hi' });
    const deltas = parseEvents(res.body).filter((e) => e.event === 'delta').length;
    assert.ok(Date.now() - started >= deltas * 15 * 0.8, `${deltas} deltas came too fast`);
  } finally {
    await slow.close();
  }
});

test('a malformed JSON body is 400 malformed_json', async () => {
  const res = await postChat(server.url, { key: 'k-malformed', body: '{"message_id": "k-malformed",' });
  assert.equal(res.status, 400);
  assert.equal(JSON.parse(res.body).error.code, 'malformed_json');
  assert.equal(res.headers['access-control-allow-origin'], '*');
});

test('a body that is not an object, or lacks a field, is 400', async () => {
  for (const body of ['[]', 'null', '{"conversation_id":"c","text":"hi"}', '{"message_id":"k","text":"hi"}',
    '{"message_id":"k","conversation_id":"c"}', '{"message_id":"k","conversation_id":"c","text":5}']) {
    const res = await postChat(server.url, { key: 'k', body });
    assert.equal(res.status, 400, body);
    assert.ok(['malformed_body', 'missing_field'].includes(JSON.parse(res.body).error.code), body);
  }
});

test('blank text is 400 blank_text and runs no agent', async () => {
  const res = await postChat(server.url, { key: 'k-blank', text: ' \n\t ' });
  assert.equal(res.status, 400);
  assert.equal(JSON.parse(res.body).error.code, 'blank_text');
  assert.deepEqual((await stats(server.url)).agent_runs, {});
});

test('4000 characters after trimming are accepted, 4001 are 413 too_long', async () => {
  const ok = await postChat(server.url, { text: `  ${'a'.repeat(4000)}  ` });
  assert.equal(ok.status, 200);
  const tooLong = await postChat(server.url, { key: 'k-long', text: 'a'.repeat(4001) });
  assert.equal(tooLong.status, 413);
  assert.equal(JSON.parse(tooLong.body).error.code, 'too_long');
});

test('text length counts UTF-16 units, as the widget does (JavaScript length)', async () => {
  const fits = await postChat(server.url, { key: 'k-emoji-fits', text: '🎮'.repeat(2000) });
  assert.equal(fits.status, 200);
  const over = await postChat(server.url, { key: 'k-emoji-over', text: '🎮'.repeat(2000) + 'x' });
  assert.equal(over.status, 413);
});

test('a body over 64 KB is 413 body_too_large', async () => {
  const res = await postChat(server.url, { key: 'k-big', body: JSON.stringify({
    message_id: 'k-big', conversation_id: 'c', conversation_key: conversationKeyFor('c'), text: 'x'.repeat(70 * 1024) }) });
  assert.equal(res.status, 413);
  assert.equal(JSON.parse(res.body).error.code, 'body_too_large');
});

test('an Idempotency-Key different from message_id is 422 key_mismatch', async () => {
  const res = await postChat(server.url, { key: 'msg-1', headerKey: 'msg-2' });
  assert.equal(res.status, 422);
  assert.equal(JSON.parse(res.body).error.code, 'key_mismatch');
  assert.deepEqual((await stats(server.url)).agent_runs, {});
});

test('a request without Idempotency-Key is 400 missing_idempotency_key', async () => {
  const res = await postChat(server.url, { key: 'msg-3', headerKey: null });
  assert.equal(res.status, 400);
  assert.equal(JSON.parse(res.body).error.code, 'missing_idempotency_key');
});

test('a CORS preflight allows any origin and the Idempotency-Key header', async () => {
  const res = await request(server.url, { method: 'OPTIONS', path: '/api/chat', headers: {
    Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST',
    'Access-Control-Request-Headers': 'content-type,idempotency-key' } });
  assert.equal(res.status, 204);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.match(res.headers['access-control-allow-methods'], /POST/);
  assert.match(res.headers['access-control-allow-headers'], /Content-Type/);
  assert.match(res.headers['access-control-allow-headers'], /Idempotency-Key/);
});

test('GET /api/chat is 405', async () => {
  assert.equal((await request(server.url, { path: '/api/chat' })).status, 405);
});

test('each request is logged with method, path, status, short key and duration', async () => {
  server.lines.length = 0;
  await postChat(server.url, { key: 'abcdef0123456789', text: 'hi' });
  await postChat(server.url, { key: 'k-blank-log', text: ' ' });
  await request(server.url, { path: '/nope.txt' });
  await eventually(() => server.lines.length >= 3);
  const lines = [...server.lines].sort();
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^\[server\] GET \/nope\.txt 404 \d+ms$/);
  assert.match(lines[1], /^\[server\] POST \/api\/chat 200 key=abcdef01 \d+ms$/);
  assert.match(lines[2], /^\[server\] POST \/api\/chat 400 key=k-blank- \d+ms$/);
});

test('test controls are 404 unless enabled', async () => {
  const plain = await startTestServer({ testControls: false });
  try {
    assert.equal((await request(plain.url, { path: '/__natter/stats' })).status, 404);
    assert.equal((await request(plain.url, { method: 'POST', path: '/__natter/reset' })).status, 404);
    assert.equal((await request(plain.url, { method: 'POST', path: '/__natter/faults', body: '{"chat":[]}' })).status, 404);
  } finally {
    await plain.close();
  }
});
