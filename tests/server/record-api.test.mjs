// The record's staff API (tools/gateway/record/record-api.mjs) on a SQLite
// record, over real HTTP: list and search, one conversation in full,
// export as JSON and CSV (formula cells defused), erasure by conversation
// and by visitor (an erasures entry, nothing personal in the log line).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openRecord } from '../../tools/gateway/record/open-record.mjs';
import { createRecordApi } from '../../tools/gateway/record/record-api.mjs';
import { sendJson, sendError } from '../../tools/gateway/http/http-util.mjs';

const T0 = Date.UTC(2026, 10, 1, 12);
const DAY = 86_400_000;
let server;
let base;
let record;
const logLines = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-record-api-'));

const readJson = async (req, res) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  try { return JSON.parse(text); } catch { sendError(res, 400, 'bad_body', 'JSON'); return null; }
};

before(async () => {
  record = await openRecord({ kind: 'sqlite', file: path.join(dir, 'r.sqlite') });
  const api = createRecordApi({ record, http: { sendJson, sendError, readJson }, log: (l) => logLines.push(l) });
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!(await api(req, res, url.pathname, url))) sendError(res, 404, 'elsewhere', 'not the record');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  const rows = [
    { type: 'conversation', id: 'c1', at: T0, visitorId: 'v1', page: { url: 'https://shop.test/' } },
    { type: 'turn', id: 'm1', conversationId: 'c1', at: T0 + 1, role: 'shopper', text: '=HYPERLINK("http://evil")' },
    { type: 'turn', id: 'r1', conversationId: 'c1', at: T0 + 2, role: 'assistant', text: 'We have it, "new", in stock\nships today', cards: [{ sku: 'ps5' }] },
    { type: 'handoff', id: 'h1', conversationId: 'c1', at: T0 + 3, event: 'taken', by: 'Sam' },
    { type: 'conversation', id: 'c2', at: T0 + DAY, visitorId: 'v2' },
    { type: 'turn', id: 'm2', conversationId: 'c2', at: T0 + DAY, role: 'shopper', text: 'Returns?' },
    { type: 'conversation', id: 'c3', at: T0 + 2 * DAY, visitorId: 'v1' },
    { type: 'email', id: 'e3', conversationId: 'c3', at: T0 + 2 * DAY, email: 'ana@example.com' },
  ].map(record.checkEvent);
  await record.writeBatch(rows);
});
after(async () => {
  await new Promise((r) => server.close(r));
  await record.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = (p) => fetch(base + p);
const post = (p, body) => fetch(base + p, { method: 'POST', body: JSON.stringify(body) });

test('the list searches text and dates; one conversation reads in full', async () => {
  const all = await (await get('/staff/record/conversations')).json();
  assert.deepEqual(all.conversations.map((c) => c.id), ['c3', 'c2', 'c1']);
  const found = await (await get('/staff/record/conversations?q=hyperlink')).json();
  assert.deepEqual(found.conversations.map((c) => [c.id, c.handledBy]), [['c1', 'Sam']]);
  const day = await (await get('/staff/record/conversations?from=2026-11-02&to=2026-11-03')).json();
  assert.deepEqual(day.conversations.map((c) => c.id), ['c2']);
  const bad = await get('/staff/record/conversations?from=yesterday');
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.code, 'bad_date');
  const one = await (await get('/staff/record/conversations/c1')).json();
  assert.deepEqual(one.conversation.turns.map((t) => t.role), ['shopper', 'assistant']);
  assert.deepEqual(one.conversation.page, { url: 'https://shop.test/' });
  assert.equal((await get('/staff/record/conversations/none')).status, 404);
  assert.equal(await record.listConversations().then((l) => l.length), 3);
});

test('export: one conversation as CSV (quoted, formula defused), a range as JSON', async () => {
  const res = await get('/staff/record/conversations/c1/export?format=csv');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  assert.match(res.headers.get('content-disposition'), /attachment; filename="natter-conversation-c1\.csv"/);
  const csv = await res.text();
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'conversation_id,visitor_id,at,kind,role,channel,by,text,details');
  assert.equal(lines[1], 'c1,v1,2026-11-01T12:00:00.001Z,turn,shopper,text,,"\'=HYPERLINK(""http://evil"")",');
  assert.ok(csv.includes('"We have it, ""new"", in stock\nships today","{""cards"":[{""sku"":""ps5""}]}"'));
  assert.ok(lines.some((l) => l.startsWith('c1,v1,2026-11-01T12:00:00.003Z,handoff_taken,,,Sam,,')));
  const range = await (await get('/staff/record/export?from=2026-11-01&to=2026-11-02&format=json')).json();
  assert.deepEqual(range.conversations.map((c) => c.id), ['c1']);
  assert.equal((await get('/staff/record/export?format=xml')).status, 400);
});

test('analytics over HTTP: the range given, or a bad one refused', async () => {
  const answer = await (await get('/staff/record/analytics?from=2026-11-01&to=2026-11-04')).json();
  assert.equal(answer.analytics.conversations, 3);
  assert.deepEqual(answer.analytics.perDay.map((d) => d.day), ['2026-11-01', '2026-11-02', '2026-11-03']);
  assert.equal(answer.analytics.handedToPerson, 1);
  const bad = await get('/staff/record/analytics?from=2026-11-04&to=2026-11-01');
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.code, 'bad_range');
});

test('erasure by conversation, then by visitor: gone from list, read and export; logged without the id', async () => {
  const bad = await post('/staff/record/erase', { conversation_id: 'c2', visitor_id: 'v2' });
  assert.equal(bad.status, 400);
  const one = await (await post('/staff/record/erase', { conversation_id: 'c2', name: 'Sam' })).json();
  assert.equal(one.erasure.scope, 'conversation');
  assert.equal(one.erasure.rowsRemoved, 2);
  assert.equal((await get('/staff/record/conversations/c2')).status, 404);
  const visitor = await (await post('/staff/record/erase', { visitor_id: 'v1', name: 'Sam' })).json();
  assert.equal(visitor.erasure.scope, 'visitor');
  assert.equal(visitor.erasure.rowsRemoved, 6);
  assert.deepEqual((await (await get('/staff/record/conversations')).json()).conversations, []);
  assert.equal((await get('/staff/record/conversations/c1/export?format=csv')).status, 404);
  const log = await (await get('/staff/record/erasures')).json();
  assert.deepEqual(log.erasures.map((e) => [e.scope, e.requestedBy]), [['visitor', 'Sam'], ['conversation', 'Sam']]);
  assert.doesNotMatch(JSON.stringify(log) + logLines.join('\n'), /\bc1\b|\bc2\b|\bv1\b|ana@/);
  assert.equal(logLines.length, 2);
});
