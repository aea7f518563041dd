// Events out (docs/record.md, "Events out"), on SQLite and PostgreSQL: the
// record queues an event in the transaction that stores its row (a
// conversation's start once, a handoff asked for, an email left, a lead, a
// feedback that changed what was kept), once however often a batch is
// written; a sender posts each to the shop signed like the agent webhook,
// retries a refused one later, and two senders on one database post each
// event once; an admin's replay sends the same ids again; erasure takes a
// conversation's unsent events with it. Last, a running gateway on SQLite. A real HTTP receiver; the senders'
// clock is the test's.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRecord } from '../../tools/gateway/record/open-record.mjs';
import { createEventSender, retryDelayMs } from '../../tools/gateway/record/events-out.mjs';
import { verifyNatterSignature } from '../../examples/shop-webhook/verify-signature.mjs';
import { RECORD_BACKENDS } from './record-backends.mjs';
import { eventually, request, startTestServer } from './helpers.mjs';
import { startReceiver } from './events-receiver.mjs';
import { closeAllSockets, connect, helloFrame } from './session-helpers.mjs';

const SECRET = 'whsec_events_0123456789abcdef';
const TOKEN = 'staff-token-for-events-out-0123456789';
const T0 = Date.UTC(2026, 10, 1, 12);

const batch = (record, events) => record.writeBatch(events.map(record.checkEvent));
const conversation = (id, at, visitorId = 'v-1') => ({ type: 'conversation', id, at, visitorId });
const STORY = [
  conversation('c1', T0),
  { type: 'turn', id: 'm1', conversationId: 'c1', at: T0 + 1, role: 'shopper', text: 'my box is dented' },
  { type: 'handoff', id: 'h1', conversationId: 'c1', at: T0 + 2, event: 'requested', by: 'shopper', reason: 'damaged' },
  { type: 'handoff', id: 'h2', conversationId: 'c1', at: T0 + 3, event: 'taken', by: 'Ana' },
  { type: 'email', id: 'e1', conversationId: 'c1', at: T0 + 4, email: 'sam@example.com' },
  { type: 'lead', id: 'l1', conversationId: 'c1', at: T0 + 5, kind: 'callback', source: 'staff', data: { phone: 'given' } },
  { type: 'feedback', conversationId: 'c1', at: T0 + 7, kind: 'thumb', answerId: 'r1', rating: -1, reason: 'slow' },
  { type: 'feedback', conversationId: 'c1', at: T0 + 6, kind: 'thumb', answerId: 'r1', rating: 1 }, // older, late: kept value unchanged
];

for (const [kind, makeBackend] of Object.entries(RECORD_BACKENDS)) {
  describe(`events out on ${kind}`, () => {
    let backend;
    let receiver;
    const opened = [];
    const open = async (setting, events = true) => {
      const record = await openRecord(setting, { events });
      opened.push(record);
      return record;
    };
    before(async () => { backend = await makeBackend(); receiver = await startReceiver(); });
    after(async () => {
      for (const r of opened) await r.close().catch(() => {});
      await receiver.close();
      await backend.stop();
    });
    const sender = (record, clock) => createEventSender({ record, url: receiver.url, secret: SECRET, now: () => clock.now });
    const round = (...senders) => Promise.all(senders.map((s) => s.runOnce())); // at the same time

    test('each event is queued once with its row, however often the batch is written; none without events', async () => {
      const setting = await backend.fresh();
      const record = await open(setting);
      await batch(record, STORY);
      await batch(record, STORY); // a retried batch
      const clock = { now: T0 + 10 };
      receiver.posts.length = 0;
      await round(sender(record, clock));
      const types = receiver.posts.map((p) => p.type);
      assert.deepEqual(types, ['conversation.started', 'handoff.requested', 'email.left', 'lead.created', 'feedback.given']);
      const byType = Object.fromEntries(receiver.posts.map((p) => [p.type, p.json]));
      assert.deepEqual(byType['conversation.started'].data, { visitor_id: 'v-1' });
      assert.deepEqual(byType['handoff.requested'].data, { by: 'shopper', reason: 'damaged' });
      assert.deepEqual(byType['email.left'].data, { email: 'sam@example.com', text: null });
      assert.deepEqual(byType['lead.created'].data, { kind: 'callback', source: 'staff', data: { phone: 'given' } });
      assert.deepEqual(byType['feedback.given'].data, { kind: 'thumb', answer_id: 'r1', rating: -1, reason: 'slow' });
      assert.equal(byType['email.left'].conversation_id, 'c1');
      assert.equal(byType['email.left'].at, new Date(T0 + 4).toISOString());
      for (const p of receiver.posts) {
        assert.equal(p.json.id, p.id, 'Natter-Event-Id is the body\'s id');
        assert.equal(verifyNatterSignature(p.body, p.signature, SECRET, { nowS: clock.now / 1000 }), true, `${p.type} signed`);
        assert.equal(verifyNatterSignature(p.body, p.signature, 'another-secret-0123456789', { nowS: clock.now / 1000 }), false);
      }
      assert.deepEqual(await record.events.counts(), { pending: 0, givenUp: 0 });

      const quiet = await open(await backend.fresh(), false);
      await batch(quiet, STORY);
      assert.deepEqual(await quiet.events.claim({ now: T0 + 10 }), [], 'nothing queued when events are off');
    });

    test('a refused post is tried again after its delay and delivered once; two senders post each event once', async () => {
      const setting = await backend.fresh();
      const a = await open(setting);
      const b = await open(setting);
      const ids = Array.from({ length: 12 }, (_, i) => `c${i}`);
      for (const id of ids) await batch(a, [conversation(id, T0)]);
      receiver.posts.length = 0;
      receiver.refuseOnce.add('conversation.started:c3');
      const clock = { now: T0 + 10 };
      await round(sender(a, clock), sender(b, clock)); // both claim at once
      const firstRound = receiver.posts.map((p) => p.id).sort();
      assert.deepEqual(firstRound, ids.map((id) => `conversation.started:${id}`).sort(), 'each posted once by one of them');
      assert.deepEqual(await a.events.counts(), { pending: 1, givenUp: 0 });

      clock.now += retryDelayMs(1) - 1;
      assert.deepEqual(await a.events.claim({ now: clock.now }), [], 'not before its retry delay');
      clock.now += 1;
      await round(sender(b, clock));
      assert.deepEqual(receiver.posts.slice(12).map((p) => p.id), ['conversation.started:c3']);
      assert.deepEqual(await b.events.counts(), { pending: 0, givenUp: 0 });
    });

    test('a replay sends the range\'s events again with the same ids; erasure takes unsent events', async () => {
      const setting = await backend.fresh();
      const record = await open(setting);
      await batch(record, STORY);
      const clock = { now: T0 + 10 };
      receiver.posts.length = 0;
      await round(sender(record, clock));
      const first = receiver.posts.map((p) => p.id);
      assert.equal(await record.events.replay({ from: T0 + 4, to: T0 + 6, now: clock.now }), 2);
      await round(sender(record, clock));
      assert.deepEqual(receiver.posts.slice(first.length).map((p) => p.type), ['email.left', 'lead.created']);
      assert.deepEqual(receiver.posts.slice(first.length).map((p) => p.id), first.filter((id) => /^(email|lead)/.test(id)));

      await batch(record, [{ type: 'email', id: 'e2', conversationId: 'c2', at: T0 + 20, email: 'ana@example.com' }]);
      await record.eraseConversation('c2', { at: T0 + 30 });
      receiver.posts.length = 0;
      await round(sender(record, { now: T0 + 40 }));
      assert.deepEqual(receiver.posts, [], 'the erased conversation\'s email was not sent');
    });
  });
}

test('a running gateway tells the shop of an email left over the live session, signed; an admin replays it', async (t) => {
  const receiver = await startReceiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-events-out-'));
  const server = await startTestServer({
    staffToken: TOKEN, metrics: true,
    record: { setting: { kind: 'sqlite', file: path.join(dir, 'record.sqlite') }, events: { url: receiver.url, secret: SECRET, everyMs: 50 } },
  });
  t.after(async () => { closeAllSockets(); await server.close(); await receiver.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const socket = await connect(server.url);
  socket.send({ ...helloFrame({ session: 'events-live' }), features: ['handoff'] });
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send({ type: 'handoff.email', email_id: 'e-1', email: 'sam@example.com' });
  await socket.waitFor((f) => f.type === 'handoff.email_saved');
  const email = await eventually(() => receiver.posts.find((p) => p.type === 'email.left'), 10_000, 'the email.left post');
  assert.deepEqual([email.json.conversation_id, email.json.data.email], ['events-live', 'sam@example.com']);
  assert.equal(verifyNatterSignature(email.body, email.signature, SECRET), true);
  assert.ok(receiver.posts.some((p) => p.type === 'conversation.started' && p.json.conversation_id === 'events-live'));

  const staff = (method, urlPath) => request(server.url, { method, path: urlPath, headers: { Authorization: `Bearer ${TOKEN}` } });
  const day = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const before = receiver.posts.length;
  const replay = await staff('POST', `/staff/record/events/replay?from=${day}&to=${tomorrow}`);
  assert.equal(replay.status, 200, replay.body);
  assert.ok(JSON.parse(replay.body).replayed >= 2);
  await eventually(() => receiver.posts.slice(before).some((p) => p.id === email.id), 10_000, 'the replayed email.left');
  assert.equal((await staff('POST', '/staff/record/events/replay?from=2026-01-01')).status, 400, 'a range is required');
  const metrics = (await request(server.url, { path: '/metrics' })).body;
  assert.match(metrics, /^natter_events_out_delivered_total(\{[^}]*\})? [1-9]\d*$/m);
  assert.match(metrics, /^natter_events_out_failed_attempts_total(\{[^}]*\})? 0$/m);
});
