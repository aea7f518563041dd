// POST /api/feedback on both transports and both stores (docs/protocol.md,
// "Feedback"): a conversation held only over HTTP (the default transport)
// takes a thumb and a rating as a live one does; a conversation bound to a
// conversation_key takes feedback only with that key (400 missing_key
// without one, 403 not_owner with another, nothing kept); and one client is bounded per conversation and per
// address (429 rate_limited with Retry-After) while another address is served.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseEvents, postChat, postJson, request, conversationKeyFor } from './helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { HTTP_ERROR_NOT_OWNER } from '../../tools/gateway/session/wire-codes.mjs';

const TOKEN = 'staff-token-0123456789abcdef';
const newKey = () => randomBytes(24).toString('hex'); // as the widget mints it
const LIMITS = { feedbackPerConversation: 3, feedbackPerAddress: 20, feedbackWindowMs: 60_000 };

// POSTs feedback from `localAddress` (another machine: 127.0.0.2).
const postFeedback = (baseUrl, body, localAddress) => postJson(baseUrl, '/api/feedback', body, { localAddress });

// One answered message over HTTP; resolves the answer's reply_id.
async function chatOverHttp(url, conversation, key) {
  const id = randomUUID();
  const body = { message_id: id, conversation_id: conversation, text: 'is the PS5 in stock?' };
  if (key) body.conversation_key = key;
  const res = await postChat(url, { key: id, body: JSON.stringify(body) });
  assert.equal(res.status, 200, res.body);
  const events = parseEvents(res.body);
  assert.ok(events.some((e) => e.event === 'done'), res.body);
  return events.find((e) => e.event === 'start').data.reply_id;
}

async function keptFeedback(url, conversation, want) {
  let kept = [];
  for (let i = 0; i < 100; i += 1) {
    const res = await request(url, { path: `/staff/record/conversations/${conversation}`, headers: { Authorization: `Bearer ${TOKEN}` } });
    kept = res.status === 200 ? (JSON.parse(res.body).conversation?.feedback ?? []) : [];
    if (kept.length >= want) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return kept.map((f) => [f.kind, f.answerId, f.rating]).sort();
}

for (const kind of STORE_KINDS) {
  describe(`feedback over HTTP (${kind} store)`, () => {
    let gateway;
    let dir;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-feedback-http-'));
      gateway = await startGatewayOnStore(kind, {
        staffToken: TOKEN, limits: LIMITS, record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } },
      });
    });
    after(async () => { await gateway.close(); fs.rmSync(dir, { recursive: true, force: true }); });

    test('a conversation held only over HTTP takes a thumb and a rating', async () => {
      const { url } = gateway.server;
      const conversation = `http-${randomUUID()}`;
      const key = conversationKeyFor(conversation);
      const answerId = await chatOverHttp(url, conversation, key);
      assert.equal((await postFeedback(url, { conversation_id: conversation, kind: 'thumb', answer_id: answerId, rating: -1, conversation_key: key })).status, 202);
      assert.equal((await postFeedback(url, { conversation_id: conversation, kind: 'rating', rating: 4, conversation_key: key })).status, 202);
      assert.deepEqual(await keptFeedback(url, conversation, 2), [['rating', null, 4], ['thumb', answerId, -1]]);
      const unknown = await postFeedback(url, { conversation_id: `never-${randomUUID()}`, kind: 'rating', rating: 3, conversation_key: newKey() });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.code, 'no_conversation');
    });

    test('a conversation bound to a key takes feedback only with that key', async () => {
      const { url } = gateway.server;
      const conversation = `keyed-${randomUUID()}`;
      const key = newKey();
      const answerId = await chatOverHttp(url, conversation, key);
      const none = await postFeedback(url, { conversation_id: conversation, kind: 'rating', rating: 1 });
      assert.equal(none.status, 400);
      assert.equal(none.json.error.code, 'missing_key');
      const thief = await postFeedback(url, { conversation_id: conversation, kind: 'rating', rating: 1, conversation_key: newKey() });
      assert.equal(thief.status, 403);
      assert.equal(thief.json.error.code, HTTP_ERROR_NOT_OWNER);
      const bad = await postFeedback(url, { conversation_id: conversation, kind: 'rating', rating: 1, conversation_key: 'short' });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.code, 'bad_feedback');
      const owner = await postFeedback(url, { conversation_id: conversation, kind: 'thumb', answer_id: answerId, rating: 1, conversation_key: key });
      assert.equal(owner.status, 202);
      // Only the owner's thumb is kept: no thief's rating beside it.
      assert.deepEqual(await keptFeedback(url, conversation, 1), [['thumb', answerId, 1]]);
    });

    // A conversation id is a name others may know: a stranger's thumbs with
    // the wrong key are refused without spending its owner's budget.
    test('a stranger posting with the wrong key does not use up the conversation\'s budget', async () => {
      const { url } = gateway.server;
      const conversation = `guarded-${randomUUID()}`;
      const key = conversationKeyFor(conversation);
      const answerId = await chatOverHttp(url, conversation, key);
      for (let i = 0; i <= LIMITS.feedbackPerConversation; i += 1) {
        const stranger = await postFeedback(url, { conversation_id: conversation, kind: 'thumb', answer_id: `x-${i}`, rating: -1,
          conversation_key: newKey() }, '127.0.0.2');
        assert.equal(stranger.status, 403);
      }
      const owner = await postFeedback(url, { conversation_id: conversation, kind: 'thumb', answer_id: answerId, rating: 1, conversation_key: key });
      assert.equal(owner.status, 202, 'the owner is served');
    });

    test('one client is bounded per conversation and per address; another address is served', async () => {
      const { url } = gateway.server;
      const conversation = `flood-${randomUUID()}`;
      const key = conversationKeyFor(conversation);
      const answerId = await chatOverHttp(url, conversation, key);
      const thumb = (answer, from) => postFeedback(url, { conversation_id: conversation, kind: 'thumb', answer_id: answer, rating: 1, conversation_key: key }, from);
      for (let i = 0; i < LIMITS.feedbackPerConversation - 1; i += 1) assert.equal((await thumb(`made-up-${i}`)).status, 202);
      assert.equal((await thumb(answerId)).status, 202);
      const over = await thumb('one-too-many');
      assert.equal(over.status, 429);
      assert.equal(over.json.error.code, 'rate_limited');
      assert.ok(Number(over.headers['retry-after']) >= 1);
      // A resend of a thumb already counted costs only the address budget.
      assert.equal((await thumb(answerId)).status, 202);
      // The address: its budget spent (on any conversation), it is refused;
      // a shopper on another address is not.
      let last;
      for (let i = 0; i < LIMITS.feedbackPerAddress; i += 1) {
        last = await postFeedback(url, { conversation_id: `other-${i}`, kind: 'rating', rating: 5, conversation_key: newKey() });
        if (last.status === 429) break;
      }
      assert.equal(last.status, 429);
      assert.equal(last.json.error.code, 'rate_limited');
      assert.equal((await thumb(answerId, '127.0.0.2')).status, 202);
    });
  });
}
