// POST /api/feedback (docs/protocol.md, "Feedback"): a thumb on an answer,
// changed and resent, and a rating: stored once per key, the latest
// winning; bad input, an unknown conversation, the record off and a
// conversation over its feedback budget each get their documented answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conversationKeyFor, startTestServer, request } from './helpers.mjs';
import { joinSession, msg, closeAllSockets } from './session-helpers.mjs';
import { FEEDBACK_PER_CONVERSATION } from '../../tools/gateway/http/feedback-endpoint.mjs';

const TOKEN = 'staff-token-0123456789abcdef';
// With the conversation's key, as the widget sends it (the session's hello carried it too).
const post = (server, body) => request(server.url, {
  method: 'POST', path: '/api/feedback', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ conversation_key: conversationKeyFor(body.conversation_id), ...body }),
}).then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));

test('feedback: once per answer, the latest wins, a rating per conversation; refusals say why', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-feedback-'));
  // The per-window budgets (feedback-transports.test.mjs) raised: this
  // test reaches the per-conversation cap on this instance.
  const server = await startTestServer({ staffToken: TOKEN, limits: { feedbackPerConversation: 1000, feedbackPerAddress: 1000 }, record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } } });
  const off = await startTestServer({});
  t.after(async () => { closeAllSockets(); await server.close(); await off.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  const { socket } = await joinSession(server.url, { session: 'fb-1' });
  socket.send(msg('q-1', 'is the PS5 in stock?'));
  const start = await socket.waitFor((f) => f.reply_to === 'q-1' && f.event === 'start');
  await socket.waitFor((f) => f.reply_to === 'q-1' && f.event === 'done');
  const answerId = start.data.reply_id;

  const thumb = (rating, reason) => post(server, { conversation_id: 'fb-1', kind: 'thumb', answer_id: answerId, rating, reason });
  assert.equal((await thumb(1)).status, 202);
  assert.equal((await thumb(-1, 'wrong price')).status, 202);
  assert.deepEqual((await thumb(-1, 'wrong price')).json, { queued: true });
  assert.equal((await post(server, { conversation_id: 'fb-1', kind: 'rating', rating: 5 })).status, 202);

  const read = async () => JSON.parse((await request(server.url, {
    path: '/staff/record/conversations/fb-1', headers: { Authorization: `Bearer ${TOKEN}` },
  })).body).conversation;
  let kept;
  for (let i = 0; i < 100; i += 1) {
    kept = await read();
    if (kept?.feedback.length === 2 && kept.feedback.some((f) => f.kind === 'rating')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(kept.feedback.map((f) => [f.kind, f.answerId, f.rating, f.reason]).sort(),
    [['rating', null, 5, null], ['thumb', answerId, -1, 'wrong price']]);

  // The widget names the answer by the message it answers (its core keeps
  // no reply_id): the same answer, so it replaces the thumb above.
  assert.equal((await post(server, { conversation_id: 'fb-1', kind: 'thumb', reply_to: 'q-1', rating: 1 })).status, 202);
  for (let i = 0; i < 100; i += 1) {
    kept = await read();
    if (kept?.feedback.some((f) => f.kind === 'thumb' && f.rating === 1)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(kept.feedback.filter((f) => f.kind === 'thumb').map((f) => [f.answerId, f.rating]), [[answerId, 1]]);

  const bad = await post(server, { conversation_id: 'fb-1', kind: 'star', rating: 3 });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'bad_feedback');
  assert.equal((await post(server, { conversation_id: 'fb-1', kind: 'thumb', rating: 1 })).json.error.code, 'bad_feedback');
  assert.equal((await post(server, { conversation_id: 'nobody', kind: 'rating', rating: 3 })).json.error.code, 'no_conversation');
  assert.equal((await post(off, { conversation_id: 'fb-1', kind: 'rating', rating: 3 })).json.error.code, 'record_off');

  // The budget: distinct answer ids cannot fill the record.
  let last;
  for (let i = 0; i < FEEDBACK_PER_CONVERSATION; i += 1) {
    last = await post(server, { conversation_id: 'fb-1', kind: 'thumb', answer_id: `made-up-${i}`, rating: 1 });
    if (last.status !== 202) break;
  }
  assert.equal(last.status, 429);
  assert.equal(last.json.error.code, 'too_much_feedback');
});
