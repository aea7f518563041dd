// POST /api/attachment (docs/protocol.md, "Attachments") on both stores:
// a photo is kept once per (message, index) however often it is retried,
// on either of two instances; its type is read from its bytes; too large,
// too many, without the conversation's key or with another's is refused
// with a code a shop page can read (CORS), keeping nothing; the store's
// budgets refuse rather than evict.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { postChat } from './helpers.mjs';
import { STORE_KINDS, startGatewayOnStore, startRedis } from './redis-helpers.mjs';
import { jpegHeader, newKey, png, upload, webpHeader } from './attachment-helpers.mjs';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RedisStore } from '../../tools/gateway/store/redis-store.mjs';
import { createAttachmentHandler } from '../../tools/gateway/http/attachment-endpoint.mjs';
import { limitsWith } from '../../tools/gateway/store/limits.mjs';

const MAX_BYTES = 8192;
const PER_CONVERSATION = 4;

function refused(res, status, code) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json?.error?.code, code, JSON.stringify(res.json));
  assert.equal(res.headers['access-control-allow-origin'], '*', 'a shop page can read the refusal');
}

for (const kind of STORE_KINDS) {
  describe(`${kind} store`, () => {
    let gateway;
    let a;
    let b;
    before(async () => {
      gateway = await startGatewayOnStore(kind, { limits: { attachmentMaxBytes: MAX_BYTES, attachmentsPerConversation: PER_CONVERSATION } });
      a = gateway.server.url;
      b = kind === 'redis' ? (await gateway.another()).url : a;
    });
    after(() => gateway?.close());

    const fresh = () => ({ conversation_id: randomUUID(), message_id: randomUUID(), index: 0 });

    test('a photo is kept once: the retry (on another instance too) gets the same id, other bytes in its place are 409', async () => {
      const query = fresh();
      const key = newKey();
      const bytes = png(40, 30);
      const first = await upload(a, { query, key, bytes });
      assert.equal(first.status, 201, JSON.stringify(first.json));
      assert.equal(first.headers['access-control-allow-origin'], '*');
      const att = first.json.attachment;
      assert.match(att.id, /^att_[0-9a-f]{24}$/);
      assert.deepEqual({ ...att, id: 'x' }, { id: 'x', type: 'image/png', size: bytes.length, width: 40, height: 30 });
      const again = await Promise.all([upload(a, { query, key, bytes }), upload(b, { query, key, bytes })]);
      for (const res of again) {
        assert.equal(res.status, 200);
        assert.equal(res.headers['idempotent-replayed'], 'true');
        assert.deepEqual(res.json.attachment, att);
      }
      refused(await upload(b, { query, key, bytes: png(40, 30) }), 409, 'attachment_conflict');
      const second = await upload(a, { query: { ...query, index: 1 }, key, type: 'image/jpeg', bytes: jpegHeader(64, 48) });
      assert.equal(second.status, 201);
      assert.deepEqual({ ...second.json.attachment, id: 'x' }, { id: 'x', type: 'image/jpeg', size: jpegHeader().length, width: 64, height: 48 });
      assert.notEqual(second.json.attachment.id, att.id);
      const third = await upload(a, { query: { ...query, index: 2 }, key, type: 'image/webp', bytes: webpHeader(300, 200) });
      assert.equal(third.status, 201);
      assert.deepEqual([third.json.attachment.width, third.json.attachment.height], [300, 200]);
    });

    test('the type is read from the bytes: another type, or not an image, is 415 and keeps nothing', async () => {
      const query = fresh();
      const key = newKey();
      refused(await upload(a, { query, key, type: 'image/png', bytes: jpegHeader() }), 415, 'type_mismatch');
      refused(await upload(a, { query, key, type: 'image/jpeg', bytes: Buffer.from('<svg onload="alert(1)"/>') }), 415, 'type_mismatch');
      refused(await upload(a, { query, key, type: 'image/svg+xml', bytes: Buffer.from('<svg/>') }), 415, 'unsupported_type');
      refused(await upload(a, { query, key, type: 'text/html', bytes: png() }), 415, 'unsupported_type');
      // Nothing was kept in that place: a PNG now is the first upload there.
      assert.equal((await upload(a, { query, key, bytes: png() })).status, 201);
    });

    test('too large is 413, a fourth photo of a message 400, past the conversation\'s budget 413 (retries still answered)', async () => {
      const query = fresh();
      const key = newKey();
      refused(await upload(a, { query, key, bytes: png(8, 8, { padTo: MAX_BYTES + 100 }) }), 413, 'body_too_large');
      assert.equal((await upload(a, { query, key, bytes: png(8, 8, { padTo: MAX_BYTES - 100 }) })).status, 201);
      refused(await upload(a, { query: { ...query, index: 3 }, key, bytes: png() }), 400, 'too_many_attachments');
      const kept = [];
      for (let i = 1; i < PER_CONVERSATION; i += 1) {
        const bytes = png();
        const q = { ...query, message_id: `m${i}` };
        const res = await upload(a, { query: q, key, bytes });
        assert.equal(res.status, 201);
        kept.push({ q, bytes, id: res.json.attachment.id });
      }
      refused(await upload(b, { query: { ...query, message_id: 'one-too-many' }, key, bytes: png() }), 413, 'attachments_full');
      const retry = await upload(b, { query: kept[0].q, key, bytes: kept[0].bytes });
      assert.equal(retry.status, 200, 'a retry of a kept photo is answered, never refused for the budget');
      assert.equal(retry.json.attachment.id, kept[0].id);
    });

    test('without the Conversation-Key 400 missing_key; another conversation\'s key 403, for uploads and chat alike', async () => {
      const query = fresh();
      const key = newKey();
      refused(await upload(a, { query, bytes: png() }), 400, 'missing_key');
      refused(await upload(a, { query, key: 'short', bytes: png() }), 400, 'bad_request');
      refused(await upload(a, { query: { ...query, message_id: undefined }, key, bytes: png() }), 400, 'bad_request');
      assert.equal((await upload(a, { query, key, bytes: png() })).status, 201, 'the first upload binds the key');
      refused(await upload(b, { query: { ...query, index: 1 }, key: newKey(), bytes: png() }), 403, 'not_owner');
      const id = randomUUID();
      const chat = await postChat(a, { key: id, body: JSON.stringify({ message_id: id, conversation_id: query.conversation_id, conversation_key: newKey(), text: 'hi' }) });
      assert.equal(chat.status, 403, 'the upload bound the conversation to its key');
      // A conversation the chat began takes uploads only with its key.
      const conversation = randomUUID();
      const chatKey = newKey();
      const m = randomUUID();
      assert.equal((await postChat(a, { key: m, body: JSON.stringify({ message_id: m, conversation_id: conversation, conversation_key: chatKey, text: 'hi' }) })).status, 200);
      refused(await upload(b, { query: { ...fresh(), conversation_id: conversation }, key: newKey(), bytes: png() }), 403, 'not_owner');
      assert.equal((await upload(b, { query: { ...fresh(), conversation_id: conversation }, key: chatKey, bytes: png() })).status, 201);
    });

    test('the preflight allows the Conversation-Key header', async () => {
      const res = await new Promise((resolve, reject) => {
        http.request(new URL('/api/attachment', a), { method: 'OPTIONS', agent: false }, resolve).on('error', reject).end();
      });
      res.resume();
      assert.equal(res.statusCode, 204);
      assert.match(res.headers['access-control-allow-headers'], /Conversation-Key/);
      assert.match(res.headers['access-control-allow-methods'], /POST/);
    });
  });
}

// The handler alone on each store: the per-address budget (429 with
// Retry-After, a retry not counted twice per conversation) and the
// store's own budget (503 store_full: nothing older is evicted).
for (const kind of STORE_KINDS) {
  test(`${kind} store: over the address budget 429 with Retry-After; the store full 503, keeping what it holds`, async () => {
    const redis = kind === 'redis' ? await startRedis() : null;
    const limits = limitsWith({ attachmentPerAddress: 5, attachmentPerConversation: 3, attachmentsTotal: 3 });
    const store = await (redis ? new RedisStore({ url: redis.url, limits }) : new MemoryStore({ limits })).start();
    const handler = createAttachmentHandler({ store, limits });
    const server = http.createServer((req, res) => handler(req, res));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}/`;
    try {
      const kept = [];
      for (let i = 0; i < 3; i += 1) {
        const q = { conversation_id: randomUUID(), message_id: 'm', index: 0 };
        const key = newKey();
        const bytes = png();
        const res = await upload(url, { query: q, key, bytes });
        assert.equal(res.status, 201, JSON.stringify(res.json));
        kept.push({ q, key, bytes, id: res.json.attachment.id });
      }
      refused(await upload(url, { query: { conversation_id: randomUUID(), message_id: 'm' }, key: newKey(), bytes: png() }), 503, 'store_full');
      for (const k of kept) {
        assert.equal((await store.readAttachment(k.q.conversation_id, k.id))?.bytes.equals(k.bytes), true, 'nothing kept was evicted');
      }
      // Five requests from this address so far (the fifth a retry): the sixth is over.
      const q = kept[0].q;
      assert.equal((await upload(url, { query: q, key: kept[0].key, bytes: kept[0].bytes })).status, 200);
      const over = await upload(url, { query: q, key: kept[0].key, bytes: kept[0].bytes });
      refused(over, 429, 'rate_limited');
      assert.match(over.headers['retry-after'], /^\d+$/);
      assert.match(over.json.error.message, /client/);
    } finally {
      await new Promise((r) => server.close(r));
      await store.close();
      await redis?.stop();
    }
  });
}

// A conversation id is a name others may know: a stranger uploading with it
// and the wrong key is refused (403) without spending the conversation's
// upload budget, so its owner can still send photos (http/chat-budget.mjs).
test('a stranger uploading under a conversation\'s id with the wrong key does not use up its owner\'s budget', async () => {
  const limits = limitsWith({ attachmentPerAddress: 100, attachmentPerConversation: 2 });
  const store = await new MemoryStore({ limits }).start();
  const handler = createAttachmentHandler({ store, limits });
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    const conversation = randomUUID();
    const owner = newKey();
    const send = (key, localAddress = '127.0.0.1') =>
      upload(url, { query: { conversation_id: conversation, message_id: randomUUID() }, key, bytes: png(), localAddress });
    assert.equal((await send(owner)).status, 201, 'the owner binds its key');
    for (let i = 0; i < 3; i += 1) refused(await send(newKey(), '127.0.0.2'), 403, 'not_owner');
    assert.equal((await send(owner)).status, 201, 'the owner\'s next photo is taken');
    refused(await send(owner), 429, 'rate_limited');
  } finally {
    await new Promise((r) => server.close(r));
    await store.close();
  }
});

// The embedded store lets an expired photo go whatever its conversation id
// holds (the client's text: a newline included), so the store's budget is
// given back; before, such a photo stayed counted for good and a client
// could fill the store for every shopper.
test('memory store: an expired photo is let go even when its conversation id holds a newline', async () => {
  let t = 0;
  const limits = limitsWith({ attachmentsTotal: 2, runTtlMs: 1000 });
  const { MemoryAttachments } = await import('../../tools/gateway/store/memory-attachments.mjs');
  const store = new MemoryAttachments({ limits, now: () => t });
  const meta = (id) => ({ id, type: 'image/png', size: 3, width: 1, height: 1, message_id: 'm', index: 0, sha256: id });
  assert.equal(store.saveAttachment('a\nb', meta('att_000000000000000000000001'), Buffer.from('abc')).outcome, 'stored');
  assert.equal(store.saveAttachment('c\nd\ne', meta('att_000000000000000000000002'), Buffer.from('abc')).outcome, 'stored');
  assert.equal(store.saveAttachment('x', meta('att_000000000000000000000003'), Buffer.from('abc')).outcome, 'full');
  t = 1001;
  assert.equal(store.saveAttachment('x', meta('att_000000000000000000000003'), Buffer.from('abc')).outcome, 'stored', 'the expired two were let go');
  assert.equal(store.size, 1);
});
