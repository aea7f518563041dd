// Staff record a lead from a conversation (docs/record.md, "Leads";
// POST /staff/conversations/{id}/leads): kept in the record with the
// conversation, source staff, who recorded it and the note; a retry with
// the same lead_id is one row; a bad kind or note, a missing lead_id and a
// conversation not held are refused; the audit names the call. With the
// record off (NATTER_RECORD=off) a lead is refused 404 record_off, never
// answered "recorded", and nothing is audited. A past conversation (only in
// the record: the console's History) takes a lead too, written before the
// answer, told to the shop once however often it is retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRecord } from '../../tools/gateway/record/open-record.mjs';
import { eventually, request, startTestServer } from './helpers.mjs';
import { startReceiver } from './events-receiver.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';

const TOKEN = 'staff-token-for-staff-leads-0123456789';

test('a lead staff record is kept once with its conversation; bad ones are refused', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-staff-leads-'));
  const server = await startTestServer({ staffToken: TOKEN, record: { setting: { kind: 'sqlite', file: path.join(dir, 'record.sqlite') } } });
  t.after(async () => { closeAllSockets(); await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const { welcome } = await joinSession(server.url);
  const id = welcome.session_id;
  const staff = (method, urlPath, body) => request(server.url, {
    method, path: urlPath, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body),
  });
  const lead = (body, conversation = id) => staff('POST', `/staff/conversations/${conversation}/leads`, { name: 'Ana', ...body });
  assert.equal((await lead({ lead_id: 'l-1', kind: 'callback', note: 'after 5 pm' })).status, 200);
  assert.equal((await lead({ lead_id: 'l-1', kind: 'callback', note: 'after 5 pm' })).status, 200, 'a retry');
  const refusals = await Promise.all([
    lead({ lead_id: 'l-2', kind: 'Call Back' }), lead({ lead_id: 'l-3', kind: 'quote', note: 'x'.repeat(501) }),
    lead({ kind: 'quote' }), lead({ lead_id: 'l-4', kind: 'quote' }, 'no-such-conversation'),
  ]);
  assert.deepEqual(refusals.map((r) => [r.status, JSON.parse(r.body).error.code]),
    [[400, 'bad_lead'], [400, 'bad_note'], [400, 'bad_lead_id'], [404, 'no_conversation']]);
  const leads = await eventually(async () => {
    const res = await staff('GET', `/staff/record/conversations/${id}`);
    return res.status === 200 && JSON.parse(res.body).conversation.leads;
  }, 10_000, 'the recorded lead');
  assert.deepEqual(leads.map((l) => [l.kind, l.source, l.data]), [['callback', 'staff', { note: 'after 5 pm', by: 'Ana' }]]);
  const audit = JSON.parse((await staff('GET', '/staff/audit')).body);
  assert.equal(audit.records.filter((e) => e.action === 'lead').length, 2, 'each call audited');
});

test('with the record off a lead is refused 404 record_off, not answered "recorded"', async (t) => {
  const server = await startTestServer({ staffToken: TOKEN });
  t.after(async () => { closeAllSockets(); await server.close(); });
  const { welcome } = await joinSession(server.url);
  const staff = (method, urlPath, body) => request(server.url, {
    method, path: urlPath, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body),
  });
  const res = await staff('POST', `/staff/conversations/${welcome.session_id}/leads`, { name: 'Ana', lead_id: 'l-off', kind: 'callback' });
  assert.equal(res.status, 404, res.body);
  assert.equal(JSON.parse(res.body).error.code, 'record_off');
  // The same code the record's own calls answer with the record off.
  assert.equal(JSON.parse((await staff('GET', '/staff/record/conversations')).body).error.code, 'record_off');
  const audit = JSON.parse((await staff('GET', '/staff/audit')).body);
  assert.equal(audit.records.filter((e) => e.action === 'lead').length, 0, 'nothing audited as a lead');
});

test('a past conversation, only in the record, takes a lead once however often it is retried; the shop is told once', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-staff-leads-past-'));
  const setting = { kind: 'sqlite', file: path.join(dir, 'record.sqlite') };
  // Recorded by an earlier run of the gateway: this one's store never held it.
  const earlier = await openRecord(setting);
  await earlier.writeBatch([
    { type: 'conversation', id: 'past-1', at: Date.now() - 86_400_000 },
    { type: 'turn', id: 'pm-1', conversationId: 'past-1', at: Date.now() - 86_400_000, role: 'shopper', text: 'call me back about the PS5' },
  ].map(earlier.checkEvent));
  await earlier.close();
  const receiver = await startReceiver();
  const server = await startTestServer({
    staffToken: TOKEN, record: { setting, events: { url: receiver.url, secret: 'whsec_staff_leads_0123456789', everyMs: 50 } },
  });
  t.after(async () => { closeAllSockets(); await server.close(); await receiver.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const staff = (method, urlPath, body) => request(server.url, {
    method, path: urlPath, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body),
  });
  assert.equal((await staff('GET', '/staff/conversations/past-1')).status, 404, 'not held: only in the record');
  const lead = (conversation) => staff('POST', `/staff/conversations/${conversation}/leads`, { name: 'Ana', lead_id: 'pl-1', kind: 'callback', note: 'weekday mornings' });
  const first = await lead('past-1');
  assert.deepEqual([first.status, JSON.parse(first.body)], [200, { recorded: true }]);
  // Written before the answer: the History read right after shows it.
  const { conversation } = JSON.parse((await staff('GET', '/staff/record/conversations/past-1')).body);
  assert.deepEqual(conversation.leads.map((l) => [l.id, l.kind, l.source, l.data]),
    [['staff:pl-1', 'callback', 'staff', { note: 'weekday mornings', by: 'Ana' }]]);
  assert.equal((await lead('past-1')).status, 200, 'a retry');
  assert.equal(JSON.parse((await staff('GET', '/staff/record/conversations/past-1')).body).conversation.leads.length, 1, 'recorded once');
  const unknown = await lead('never-was');
  assert.deepEqual([unknown.status, JSON.parse(unknown.body).error.code], [404, 'no_conversation']);

  const created = await eventually(() => receiver.posts.find((p) => p.type === 'lead.created'), 10_000, 'the lead.created post');
  assert.deepEqual([created.json.conversation_id, created.json.data.kind, created.json.data.source], ['past-1', 'callback', 'staff']);
  const counts = await eventually(async () => {
    const c = JSON.parse((await staff('GET', '/staff/record/events')).body).events;
    return c.pending === 0 && c;
  }, 10_000, 'every event sent');
  assert.ok(counts, 'nothing left to send');
  assert.equal(receiver.posts.filter((p) => p.type === 'lead.created').length, 1, 'told once');
  const audit = JSON.parse((await staff('GET', '/staff/audit')).body);
  assert.deepEqual(audit.records.filter((e) => e.action === 'lead').map((e) => e.conversation_id), ['past-1', 'past-1'], 'each call audited');
});
