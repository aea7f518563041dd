// The record kept by a running gateway (docs/record.md): what a shopper,
// the assistant and staff did is in the record after the session is gone
// (the operator review's "a lead left at 23:00 is gone by 23:02"), read
// back through the staff API; and a record database that goes down does
// not hold up a reply, its writes landing once it is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, parseEvents, postChat, request, startTestServer } from './helpers.mjs';
import { connect, helloFrame, closeAllSockets, msg } from './session-helpers.mjs';
import { startPostgres } from '../../tools/postgres/postgres-server.mjs';

const TOKEN = 'staff-token-0123456789abcdef';
const staff = (server, method, urlPath, body) => request(server.url, {
  method, path: urlPath, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
}).then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));
const until = (check, what, ms = 15_000) => eventually(check, ms, what);
const recorded = async (server, id) => (await staff(server, 'GET', `/staff/record/conversations/${id}`)).json?.conversation ?? null;
const replyText = (body) => parseEvents(body).filter((e) => e.event === 'delta').map((e) => e.data.text).join('');

test('SQLite: a chat, a handoff with a staff reply and a note, an email left: all in the record after the session is gone', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-record-gw-'));
  const server = await startTestServer({
    staffToken: TOKEN, resumeWindowMs: 300, presenceMs: 60_000,
    record: { setting: { kind: 'sqlite', file: path.join(dir, 'record.sqlite') } },
  });
  t.after(async () => { closeAllSockets(); await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  // Over HTTP: the shopper's turn and the assistant's final text.
  const chat = await postChat(server.url, { key: 'h-1', conversation: 'rec-http', text: 'Is the PS5 in stock?' });
  assert.equal(chat.status, 200);
  const answer = replyText(chat.body);
  assert.ok(answer.length > 0);
  const http = await until(async () => { const c = await recorded(server, 'rec-http'); return c?.turns.length === 2 && c; }, 'the HTTP turns');
  assert.deepEqual(http.turns.map((x) => [x.id, x.role, x.text]), [['h-1', 'shopper', 'Is the PS5 in stock?'], [http.turns[1].id, 'assistant', answer]]);

  // Over the live session: a turn, a handoff, staff take over, reply, note, hand back; an email left.
  await staff(server, 'POST', '/staff/presence', { name: 'Ana' });
  const socket = await connect(server.url);
  socket.send({ ...helloFrame({ session: 'rec-live' }), features: ['handoff'] });
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send(msg('w-1', 'hello there'));
  await socket.waitFor((f) => f.reply_to === 'w-1' && f.event === 'done');
  socket.send({ type: 'handoff.request' });
  await socket.waitFor((f) => f.event === 'control' && f.data.state === 'waiting');
  assert.equal((await staff(server, 'POST', '/staff/conversations/rec-live/take', { name: 'Ana' })).status, 200);
  assert.equal((await staff(server, 'POST', '/staff/conversations/rec-live/reply', { name: 'Ana', message_id: 's-1', text: 'Hi, **Ana** here' })).status, 200);
  assert.equal((await staff(server, 'POST', '/staff/conversations/rec-live/notes', { name: 'Ana', text: 'wants a trade-in' })).status, 200);
  assert.equal((await staff(server, 'POST', '/staff/conversations/rec-live/hand-back', { name: 'Ana' })).status, 200);
  socket.send({ type: 'handoff.email', email_id: 'e-1', email: 'ana@example.com' });
  await socket.waitFor((f) => f.type === 'handoff.email_saved');
  socket.terminate?.() ?? socket.close?.();
  closeAllSockets();

  // The session expires (resume window 300 ms); the record keeps it.
  await until(async () => (await staff(server, 'GET', '/staff/conversations/rec-live')).status === 404, 'the session to expire');
  const live = await until(async () => { const c = await recorded(server, 'rec-live'); return c?.emails.length === 1 && c.handoffs.length === 3 && c; }, 'the live record');
  assert.deepEqual(live.turns.map((x) => [x.role, x.author]), [['shopper', null], ['assistant', null], ['staff', 'Ana']]);
  assert.equal(live.turns[2].text, 'Hi, **Ana** here');
  assert.deepEqual(live.handoffs.map((x) => [x.event, x.by]), [['requested', 'shopper'], ['taken', 'Ana'], ['returned', 'Ana']]);
  assert.deepEqual(live.notes.map((x) => [x.author, x.text]), [['Ana', 'wants a trade-in']]);
  assert.deepEqual(live.emails.map((x) => x.email), ['ana@example.com']);
  assert.deepEqual(live.leads.map((x) => [x.kind, x.source]), [['email', 'shopper']]);

  const list = (await staff(server, 'GET', '/staff/record/conversations?q=trade-in')).json.conversations;
  assert.deepEqual(list.map((c) => [c.id, c.handledBy, c.leads]), [['rec-live', 'Ana', 1]]);
  // Without the staff credential the record is not readable.
  assert.equal((await request(server.url, { path: '/staff/record/conversations/rec-live' })).status, 401);
});

test('PostgreSQL down mid-run: replies go on, the writes wait and land when it is back; failures counted on /metrics', async (t) => {
  const pg = await startPostgres();
  const server = await startTestServer({
    staffToken: TOKEN, metrics: true,
    record: { setting: { kind: 'postgres', url: pg.url }, writerOptions: { retryMinMs: 50, retryMaxMs: 200 } },
  });
  t.after(async () => { await server.close(); await pg.stop(); });
  await postChat(server.url, { key: 'p-1', conversation: 'rec-pg', text: 'first' });
  await until(async () => (await recorded(server, 'rec-pg'))?.turns.length === 2, 'the first turns');

  await pg.down();
  for (const key of ['p-2', 'p-3']) {
    const chat = await postChat(server.url, { key, conversation: 'rec-pg', text: `while down ${key}` });
    assert.equal(chat.status, 200);
    assert.ok(replyText(chat.body).length > 0, 'the reply arrives with the database down');
  }
  const metrics = async () => (await request(server.url, { path: '/metrics' })).body;
  await until(async () => /natter_record_write_failures_total\{[^}]*\} [1-9]/.test(await metrics()), 'a counted failure');
  assert.match(await metrics(), /natter_record_queue_length\{[^}]*\} [1-9]/);

  await pg.up();
  const full = await until(async () => { const c = await recorded(server, 'rec-pg').catch(() => null); return c?.turns.length === 6 && c; }, 'the queued turns');
  assert.deepEqual(full.turns.filter((x) => x.role === 'shopper').map((x) => x.text), ['first', 'while down p-2', 'while down p-3']);
  assert.match(await metrics(), /natter_record_queue_length\{[^}]*\} 0/);
});

test('per-person staff: an agent reads the record but may not export or erase; an admin may, audited without the id erased', async (t) => {
  const { mintStaffToken } = await import('../../tools/gateway/staff/staff-tokens.mjs');
  const SECRET = 'staff-jwt-secret-0123456789abcdef-0123';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-record-roles-'));
  const server = await startTestServer({ staffJwtSecret: SECRET, record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } } });
  t.after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const agent = await mintStaffToken(SECRET, { sub: 'staff-ana', name: 'Ana', role: 'agent' });
  const boss = await mintStaffToken(SECRET, { sub: 'staff-boss', name: 'Boss', role: 'admin' });
  const as = (token, method, urlPath, body) => request(server.url, {
    method, path: urlPath, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body),
  }).then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));

  await postChat(server.url, { key: 'r-1', conversation: 'rec-roles', text: 'hello' });
  await until(async () => (await as(agent, 'GET', '/staff/record/conversations/rec-roles')).status === 200, 'the record, read by an agent');
  assert.equal((await as(agent, 'GET', '/staff/record/conversations/rec-roles/export?format=csv')).status, 403);
  assert.equal((await as(agent, 'GET', '/staff/record/export')).status, 403);
  assert.equal((await as(agent, 'POST', '/staff/record/erase', { conversation_id: 'rec-roles' })).status, 403);
  assert.equal((await as(agent, 'GET', '/staff/record/conversations/rec-roles')).status, 200, 'nothing was erased');

  assert.equal((await as(boss, 'GET', '/staff/record/conversations/rec-roles/export?format=json')).status, 200);
  const erased = await as(boss, 'POST', '/staff/record/erase', { conversation_id: 'rec-roles', name: 'someone else' });
  assert.equal(erased.status, 200);
  assert.equal(erased.json.erasure.requestedBy, 'Boss', 'the token names who asked, not the body');
  assert.equal((await as(boss, 'GET', '/staff/record/conversations/rec-roles')).status, 404);
  const audit = (await as(boss, 'GET', '/staff/audit')).json.records;
  assert.deepEqual(audit.filter((r) => r.action.startsWith('record_')).map((r) => [r.action, r.by.name, r.conversation_id]).sort(),
    [['record_erase', 'Boss', undefined], ['record_export', 'Boss', undefined]]);
  assert.ok(server.lines.every((l) => !l.includes('rec-roles') || !/erase/.test(l)), 'no log line names the erased conversation');
});
