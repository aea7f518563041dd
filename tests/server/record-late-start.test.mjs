// The gateway starts while its record database (PostgreSQL) does not
// answer yet (record/record-when-reachable.mjs): shoppers are served at
// once, staff reads (and a lead on a conversation only the record could
// hold) answer 503 record_unavailable, and once the database
// is up the record opens and the turns kept in the queue land. A database
// that answers but refuses (no such database) still stops the start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, parseEvents, postChat, request, startTestServer } from './helpers.mjs';
import { startPostgres } from '../../tools/postgres/postgres-server.mjs';

const TOKEN = 'record-late-staff-token-0123456789';
const staff = (server, urlPath) => request(server.url, { path: urlPath, headers: { authorization: `Bearer ${TOKEN}` } })
  .then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));
const replyText = (body) => parseEvents(body).filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
const until = (check, what, ms = 30_000) => eventually(check, ms, what);

test('PostgreSQL down at start: the chat is served, staff reads answer 503, and the queued turns land once it is up', async (t) => {
  const pg = await startPostgres();
  await pg.down();
  const lines = [];
  const server = await startTestServer({
    staffToken: TOKEN,
    log: (line) => lines.push(line),
    record: {
      setting: { kind: 'postgres', url: pg.url },
      writerOptions: { retryMinMs: 50, retryMaxMs: 200 }, reach: { retryMinMs: 100, retryMaxMs: 400 },
    },
  });
  t.after(async () => { await server.close(); await pg.stop(); });
  assert.ok(lines.some((l) => /the database does not answer .*trying again/.test(l)), lines.join('\n'));

  const chat = await postChat(server.url, { key: 'late-1', conversation: 'rec-late', text: 'before the database' });
  assert.equal(chat.status, 200);
  assert.ok(replyText(chat.body).length > 0, 'the shopper is answered without the database');
  const early = await staff(server, '/staff/record/conversations');
  assert.equal(early.status, 503);
  assert.equal(early.json.error.code, 'record_unavailable');
  assert.equal(early.headers['retry-after'], '5');
  // A lead on a conversation not held here needs the record to know it: nothing kept, said so.
  const lead = await request(server.url, {
    method: 'POST', path: '/staff/conversations/rec-gone/leads', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ana', lead_id: 'late-lead', kind: 'callback' }),
  });
  assert.deepEqual([lead.status, JSON.parse(lead.body).error.code, lead.headers['retry-after']], [503, 'record_unavailable', '5']);

  await pg.up();
  const full = await until(async () => {
    const res = await staff(server, '/staff/record/conversations/rec-late');
    return res.status === 200 && res.json.conversation.turns.length === 2 && res.json.conversation;
  }, 'the queued turns in the record');
  assert.deepEqual(full.turns.map((x) => x.role), ['shopper', 'assistant']);
  assert.equal(full.turns[0].text, 'before the database');
  assert.ok(lines.some((l) => /the database answers now/.test(l)), lines.join('\n'));
});

test('a database that answers but refuses (no such database) stops the start with its reason', async (t) => {
  const pg = await startPostgres();
  t.after(() => pg.stop());
  const url = pg.url.replace(/\/postgres$/, '/no_such_database');
  await assert.rejects(
    startTestServer({ record: { setting: { kind: 'postgres', url } } }),
    /the record database \(NATTER_RECORD\) could not be opened: database "no_such_database" does not exist/,
  );
});
