// The record's contract (docs/record.md), run against both drivers:
// SQLite (better-sqlite3, a file in a temporary folder) and PostgreSQL (a
// throwaway cluster of its own on a free loopback port, tools/postgres/
// postgres-server.mjs, stopped after). Each test opens a fresh database.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openRecord } from '../../tools/gateway/record/open-record.mjs';
import { checkEvent, RecordEventError } from '../../tools/gateway/record/record-events.mjs';
import { percentile } from '../../tools/gateway/record/analytics.mjs';
import { openSqliteDriver } from '../../tools/gateway/record/sqlite-driver.mjs';
import { openPostgresDriver } from '../../tools/gateway/record/postgres-driver.mjs';
import { migrate, listMigrations } from '../../tools/gateway/record/migrate.mjs';
import { RECORD_BACKENDS } from './record-backends.mjs';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 12);

const rows = (...events) => events.map(checkEvent);
const turn = (id, conversationId, at, text, extra = {}) =>
  ({ type: 'turn', id, conversationId, at, role: 'shopper', channel: 'text', text, ...extra });

for (const [kind, makeBackend] of Object.entries(RECORD_BACKENDS)) {
  describe(`record on ${kind}`, () => {
    let backend;
    const opened = [];
    const open = async (setting) => {
      const record = await openRecord(setting ?? await backend.fresh());
      opened.push(record);
      return record;
    };
    before(async () => { backend = await makeBackend(); });
    after(async () => {
      for (const r of opened) await r.close().catch(() => {});
      await backend.stop();
    });

    test('migrations run at start, once: a second open applies none', async () => {
      const setting = await backend.fresh();
      const first = await open(setting);
      assert.deepEqual(first.schema, { from: 0, to: 5, applied: [1, 2, 3, 4, 5] });
      const second = await open(setting);
      assert.deepEqual(second.schema, { from: 5, to: 5, applied: [] });
    });

    test('a database at an older version is brought up to date at start, its rows kept', async () => {
      const setting = await backend.fresh();
      const driver = kind === 'sqlite' ? openSqliteDriver(setting.file) : openPostgresDriver(setting.url);
      assert.deepEqual(await migrate(driver, { migrations: listMigrations().slice(0, 1) }), { from: 0, to: 1, applied: [1] });
      await driver.run("INSERT INTO turns (id, conversation_id, at, role, channel, text) VALUES ('m0', 'c1', ?, 'shopper', 'text', 'from version 1')", [T0]);
      await driver.run("INSERT INTO conversations (id, started_at, last_at) VALUES ('c1', ?, ?)", [T0, T0]);
      await driver.close();
      const record = await open(setting);
      assert.deepEqual(record.schema, { from: 1, to: 5, applied: [2, 3, 4, 5] });
      const photo = { id: 'att_0123456789abcdef01234567', type: 'image/png', size: 2048, width: 640, height: 480 };
      await record.writeBatch(rows(turn('m1', 'c1', T0 + 1, 'on version 3', { context: { page: { path: '/p/ps5' } }, attachments: [photo] })));
      const full = await record.getConversation('c1');
      assert.deepEqual(full.turns.map((x) => [x.text, x.context, x.attachments]),
        [['from version 1', null, null], ['on version 3', { page: { path: '/p/ps5' } }, [photo]]]);
    });

    test('a database with a newer schema than the gateway knows is refused', async () => {
      const setting = await backend.fresh();
      const record = await open(setting);
      await record.writeBatch(rows(turn('m1', 'c1', T0, 'hi')));
      await record.close();
      opened.pop();
      // A later gateway's migration 6 was applied to this database.
      if (kind === 'sqlite') {
        const driver = openSqliteDriver(setting.file);
        await driver.run('INSERT INTO record_migrations (version, name, applied_at) VALUES (?, ?, ?)', [6, 'later', T0]);
        await driver.close();
      } else {
        const client = new pg.Client({ connectionString: setting.url });
        await client.connect();
        await client.query('INSERT INTO record_migrations (version, name, applied_at) VALUES (6, $1, $2)', ['later', T0]);
        await client.end();
      }
      await assert.rejects(openRecord(setting), /schema version 6, newer than this gateway knows \(5\)/);
    });

    test('a turn written twice is stored once (same batch, and again in a later batch)', async () => {
      const record = await open();
      const once = turn('m1', 'c1', T0, 'Do you have the PS5?');
      assert.deepEqual(await record.writeBatch(rows(once, once)), { stored: 2, refused: 0 });
      await record.writeBatch(rows(once, turn('m2', 'c1', T0 + 1000, 'And games?')));
      const full = await record.getConversation('c1');
      assert.deepEqual(full.turns.map((t) => [t.id, t.text]), [['m1', 'Do you have the PS5?'], ['m2', 'And games?']]);
    });

    test('a conversation reads back in full: every part in time order, JSON as written, times from its events', async () => {
      const record = await open();
      await record.writeBatch(rows(
        turn('m2', 'c1', T0 + 2000, 'Need help', { channel: 'voice' }),
        { type: 'conversation', id: 'c1', at: T0 + 1000, visitorId: 'v1', locale: 'de', page: { url: 'https://shop.test/p/1', title: 'PS5' } },
        { type: 'turn', id: 'r2', conversationId: 'c1', at: T0 + 3000, role: 'assistant', text: 'Here you go', cards: [{ sku: 'ps5' }], actions: [{ kind: 'add_to_cart', confirmed: true }] },
        { type: 'handoff', id: 'h1', conversationId: 'c1', at: T0 + 4000, event: 'requested', reason: 'wants a person' },
        { type: 'handoff', id: 'h2', conversationId: 'c1', at: T0 + 9000, event: 'taken', by: 'Sam' },
        { type: 'turn', id: 's1', conversationId: 'c1', at: T0 + 10_000, role: 'staff', author: 'Sam', text: 'Hi, Sam here' },
        { type: 'note', id: 'n1', conversationId: 'c1', at: T0 + 11_000, author: 'Sam', text: 'regular customer' },
        { type: 'email', id: 'e1', conversationId: 'c1', at: T0 + 12_000, email: 'ana@example.com', text: 'call me back' },
        { type: 'lead', id: 'l1', conversationId: 'c1', at: T0 + 13_000, kind: 'trade_in', source: 'agent', data: { item: 'PS4', quote: 90 } },
        { type: 'feedback', conversationId: 'c1', answerId: 'r2', at: T0 + 14_000, kind: 'thumb', rating: 1 },
      ));
      const full = await record.getConversation('c1');
      assert.equal(full.visitorId, 'v1');
      assert.equal(full.locale, 'de');
      assert.deepEqual(full.page, { url: 'https://shop.test/p/1', title: 'PS5' });
      assert.equal(full.startedAt, T0 + 1000);
      assert.equal(full.lastAt, T0 + 14_000);
      assert.deepEqual(full.turns.map((t) => [t.role, t.channel, t.text]), [
        ['shopper', 'voice', 'Need help'], ['assistant', 'text', 'Here you go'], ['staff', 'text', 'Hi, Sam here']]);
      assert.deepEqual(full.turns[1].cards, [{ sku: 'ps5' }]);
      assert.deepEqual(full.turns[1].actions, [{ kind: 'add_to_cart', confirmed: true }]);
      assert.deepEqual(full.handoffs.map((h) => [h.event, h.by, h.at]), [['requested', null, T0 + 4000], ['taken', 'Sam', T0 + 9000]]);
      assert.deepEqual(full.notes.map((n) => n.text), ['regular customer']);
      assert.deepEqual(full.emails.map((e) => e.email), ['ana@example.com']);
      assert.deepEqual(full.leads.map((l) => [l.kind, l.data]), [['trade_in', { item: 'PS4', quote: 90 }]]);
      assert.deepEqual(full.feedback.map((f) => [f.kind, f.answerId, f.rating]), [['thumb', 'r2', 1]]);
      assert.equal(await record.getConversation('nope'), null);
      assert.deepEqual([await record.holdsConversation('c1'), await record.holdsConversation('nope')], [true, false]);
    });

    test('feedback is stored once per answer and changes to the latest; a late older one does not win', async () => {
      const record = await open();
      const thumb = (at, rating, reason) => ({ type: 'feedback', conversationId: 'c1', answerId: 'r1', at, kind: 'thumb', rating, reason });
      await record.writeBatch(rows(thumb(T0, 1), thumb(T0, 1), thumb(T0 + 5000, -1, 'wrong price')));
      await record.writeBatch(rows(thumb(T0 + 1000, 1))); // a retry of an older one arriving late
      await record.writeBatch(rows({ type: 'feedback', conversationId: 'c1', at: T0 + 6000, kind: 'rating', rating: 4 }));
      const full = await record.getConversation('c1');
      assert.deepEqual(full.feedback.map((f) => [f.kind, f.rating, f.reason]), [['thumb', -1, 'wrong price'], ['rating', 4, null]]);
    });

    test('the list: newest first with its summary; text search is case-insensitive and literal; date range', async () => {
      const record = await open();
      await record.writeBatch(rows(
        turn('a1', 'ca', T0, 'Is the PS5 in stock?'),
        { type: 'handoff', id: 'ah', conversationId: 'ca', at: T0 + 1000, event: 'taken', by: 'Sam' },
        { type: 'feedback', conversationId: 'ca', at: T0 + 2000, kind: 'rating', rating: 5 },
        turn('b1', 'cb', T0 + DAY, '100% cotton shirt?'),
        { type: 'lead', id: 'bl', conversationId: 'cb', at: T0 + DAY, kind: 'callback', source: 'shopper' },
        turn('c1', 'cc', T0 + 2 * DAY, 'Returns policy'),
        { type: 'note', id: 'cn', conversationId: 'cc', at: T0 + 2 * DAY, text: 'Asked about ps5 too' },
      ));
      const all = await record.listConversations();
      assert.deepEqual(all.map((c) => c.id), ['cc', 'cb', 'ca']);
      assert.deepEqual(all[2], { id: 'ca', visitorId: null, startedAt: T0, lastAt: T0 + 2000, turns: 1, firstText: 'Is the PS5 in stock?', handledBy: 'Sam', rating: 5, leads: 0 });
      assert.equal(all[1].leads, 1);
      assert.deepEqual((await record.listConversations({ text: 'ps5' })).map((c) => c.id), ['cc', 'ca']);
      assert.deepEqual((await record.listConversations({ text: '100%' })).map((c) => c.id), ['cb']);
      assert.deepEqual((await record.listConversations({ text: '0%' })).map((c) => c.id), ['cb']);
      assert.deepEqual((await record.listConversations({ text: '_' })).map((c) => c.id), []);
      assert.deepEqual((await record.listConversations({ from: T0 + DAY, to: T0 + 2 * DAY })).map((c) => c.id), ['cb']);
      assert.deepEqual((await record.listConversations({ limit: 1, offset: 1 })).map((c) => c.id), ['cb']);
    });

    test('a range exports every conversation in full, and refuses a range over the bound', async () => {
      const record = await open();
      await record.writeBatch(rows(turn('a1', 'ca', T0, 'one'), turn('b1', 'cb', T0 + DAY, 'two'), turn('c1', 'cc', T0 + 3 * DAY, 'three')));
      const { conversations } = await record.conversationsInRange({ from: T0, to: T0 + 2 * DAY });
      assert.deepEqual(conversations.map((c) => [c.id, c.turns[0].text]), [['ca', 'one'], ['cb', 'two']]);
      assert.deepEqual(await record.conversationsInRange({ max: 2 }), { tooMany: true, max: 2 });
    });

    test('erasing a conversation removes every row of it, logs no personal data, and a late write cannot restore it', async () => {
      // The id has letters a UUID never holds: the erasure's own id is a UUID, and a
      // short hex-like id (say 'c1') turns up inside one now and then.
      const record = await open();
      await record.writeBatch(rows(
        { type: 'conversation', id: 'conv-of-ana', at: T0, visitorId: 'v-secret', visitor: { email: 'ana@example.com' } },
        turn('m1', 'conv-of-ana', T0 + 1, 'my address is 1 Main St'),
        { type: 'email', id: 'e1', conversationId: 'conv-of-ana', at: T0 + 2, email: 'ana@example.com' },
        { type: 'note', id: 'n1', conversationId: 'conv-of-ana', at: T0 + 3, text: 'VIP' },
        turn('k1', 'keep', T0, 'other shopper'),
      ));
      const erasure = await record.eraseConversation('conv-of-ana', { at: T0 + 10, by: 'Sam' });
      assert.equal(erasure.scope, 'conversation');
      assert.equal(erasure.rowsRemoved, 4);
      assert.equal(await record.getConversation('conv-of-ana'), null);
      assert.ok(await record.getConversation('keep'));
      const log = await record.listErasures();
      assert.equal(log.length, 1);
      assert.doesNotMatch(JSON.stringify(log), /conv-of-ana|v-secret|ana@|Main St|VIP/);
      // A write queued before the erasure arrives after it: refused.
      assert.deepEqual(await record.writeBatch(rows(turn('m2', 'conv-of-ana', T0 + 5, 'late'))), { stored: 0, refused: 1 });
      assert.equal(await record.getConversation('conv-of-ana'), null);
      // The same conversation id writing after the erasure is new data.
      await record.writeBatch(rows(turn('m3', 'conv-of-ana', T0 + 20, 'after')));
      assert.deepEqual((await record.getConversation('conv-of-ana')).turns.map((t) => t.text), ['after']);
    });

    test('erasing a visitor removes all their conversations and no one else\'s', async () => {
      const record = await open();
      await record.writeBatch(rows(
        { type: 'conversation', id: 'c1', at: T0, visitorId: 'v1' },
        { type: 'conversation', id: 'c2', at: T0 + DAY, visitorId: 'v1' },
        { type: 'conversation', id: 'c3', at: T0, visitorId: 'v2' },
        turn('m1', 'c1', T0, 'a'), turn('m2', 'c2', T0 + DAY, 'b'), turn('m3', 'c3', T0, 'c'),
        { type: 'lead', id: 'l2', conversationId: 'c2', at: T0 + DAY, kind: 'email', source: 'shopper' },
      ));
      const erasure = await record.eraseVisitor('v1', { at: T0 + 2 * DAY });
      assert.equal(erasure.scope, 'visitor');
      assert.equal(erasure.rowsRemoved, 5);
      assert.equal(await record.getConversation('c1'), null);
      assert.equal(await record.getConversation('c2'), null);
      assert.deepEqual((await record.listConversations()).map((c) => c.id), ['c3']);
      assert.deepEqual(await record.writeBatch(rows({ type: 'conversation', id: 'c9', at: T0 + DAY, visitorId: 'v1' })), { stored: 0, refused: 1 });
    });

    test('analytics of a range: per day, assistant alone vs handed over, handoff wait and first response (median, p90), feedback, voice, leads', async () => {
      const record = await open();
      const a = (type, conversationId, at, extra) => ({ type, conversationId, at, ...extra });
      await record.writeBatch(rows(
        turn('a1', 'ca', T0, 'q'), a('turn', 'ca', T0 + 1500, { id: 'a2', role: 'assistant', text: 'a' }),
        turn('b1', 'cb', T0 + 10, 'q'), a('turn', 'cb', T0 + 510, { id: 'b2', role: 'assistant', text: 'a' }),
        a('handoff', 'cb', T0 + 1000, { id: 'bh1', event: 'requested' }), a('handoff', 'cb', T0 + 31_000, { id: 'bh2', event: 'taken', by: 'Sam' }),
        a('turn', 'cb', T0 + 32_000, { id: 'b3', role: 'staff', author: 'Sam', text: 'hi' }),
        a('feedback', 'cb', T0 + 600, { answerId: 'b2', kind: 'thumb', rating: 1 }), a('feedback', 'cb', T0 + 40_000, { kind: 'rating', rating: 4 }),
        turn('c1', 'cc', T0 + DAY, 'spoken', { channel: 'voice' }), a('turn', 'cc', T0 + DAY + 2000, { id: 'c2', role: 'assistant', channel: 'voice', text: 'said' }),
        a('feedback', 'cc', T0 + DAY + 3000, { answerId: 'c2', kind: 'thumb', rating: -1 }),
        a('lead', 'cc', T0 + DAY + 4000, { id: 'cl', kind: 'callback', source: 'agent' }),
        a('voice_time', 'cc', T0 + DAY, { id: 'call-1:1', callId: 'call-1', ms: 90_000 }), // a call, then resumed on another connection
        a('voice_time', 'cc', T0 + DAY + 95_000, { id: 'call-1:2', callId: 'call-1', ms: 45_000 }),
        a('voice_time', 'cc', T0 + DAY + 95_000, { id: 'call-1:2', callId: 'call-1', ms: 45_000 }), // the same stretch again: once
        turn('d1', 'cd', T0 + DAY + 5, 'nobody answered'),
        a('voice_time', 'ce', T0 + 5 * DAY, { id: 'call-2:1', callId: 'call-2', ms: 60_000 }),
        turn('e1', 'ce', T0 + 5 * DAY, 'outside the range'),
      ));
      const figures = await record.analytics({ from: T0 - 12 * 3_600_000, to: T0 + 2 * DAY });
      assert.deepEqual(figures, {
        from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T12:00:00.000Z', conversations: 4,
        perDay: [{ day: '2026-11-01', count: 2 }, { day: '2026-11-02', count: 2 }],
        answeredByAssistantAlone: 2, handedToPerson: 1, unanswered: 1,
        handoffWait: { count: 1, medianMs: 30_000, p90Ms: 30_000 },
        firstResponse: { count: 3, medianMs: 1500, p90Ms: 2000 },
        thumbs: { up: 1, down: 1 }, ratings: { count: 1, average: 4 }, voiceConversations: 1, voiceMinutes: 2.3, leads: { callback: 1 },
      });
    });

    test('a call\'s voice_time row reported again as the call grows keeps one row with the larger total', async () => {
      const record = await open();
      const vt = (ms) => ({ type: 'voice_time', id: 'call-g:1', conversationId: 'cg', at: T0, callId: 'call-g', ms });
      await record.writeBatch(rows(vt(1000)));
      await record.writeBatch(rows(vt(61_000)));
      await record.writeBatch(rows(vt(30_000))); // a late retry of an older total: no effect
      const { voice_time: kept } = await record.getConversation('cg');
      assert.deepEqual(kept, [{ id: 'call-g:1', at: T0, callId: 'call-g', ms: 61_000 }]);
    });

    test('the retention sweep removes each kind past its own period and keeps the rest', async () => {
      const record = await open();
      const now = T0 + 400 * DAY;
      await record.writeBatch(rows(
        turn('old', 'c-old', now - 200 * DAY, 'old'),
        { type: 'handoff', id: 'oh', conversationId: 'c-old', at: now - 200 * DAY, event: 'requested' },
        { type: 'lead', id: 'ol', conversationId: 'c-old', at: now - 200 * DAY, kind: 'callback', source: 'agent' },
        { type: 'note', id: 'on', conversationId: 'c-old', at: now - 200 * DAY, text: 'old note' },
        turn('new', 'c-new', now - 10 * DAY, 'new'),
        { type: 'email', id: 'oe', conversationId: 'c-new', at: now - 366 * DAY, email: 'x@example.com' },
      ));
      const removed = await record.sweep({ now, days: { conversations: 180, notes: 180, emails: 365, leads: 365, feedback: 365, erasures: 1095 } });
      assert.deepEqual(removed, { conversations: 3, notes: 1, emails: 1, leads: 0, feedback: 0, events: 0, erasures: 0 });
      assert.equal(await record.getConversation('c-old'), null);
      const kept = await record.getConversation('c-new');
      assert.deepEqual(kept.turns.map((t) => t.text), ['new']);
      assert.deepEqual(kept.emails, []);
      // The lead (365 days) outlives its conversation (180 days).
      const [{ conversations }] = [await record.conversationsInRange({})];
      assert.deepEqual(conversations.map((c) => c.id), ['c-new']);
      assert.deepEqual(await record.sweep({ now }), { conversations: 0, notes: 0, emails: 0, leads: 0, feedback: 0, events: 0, erasures: 0 });
    });
  });
}

test('bad events are refused before they are queued, with the reason', () => {
  assert.throws(() => checkEvent({ type: 'turn', id: 'm', conversationId: 'c', at: T0, role: 'robot', text: 'x' }), RecordEventError);
  assert.throws(() => checkEvent({ type: 'nope', at: T0 }), /unknown type/);
  assert.throws(() => checkEvent({ type: 'turn', id: '', conversationId: 'c', at: T0, role: 'shopper', text: 'x' }), /id must be/);
  assert.throws(() => checkEvent({ type: 'note', id: 'n', conversationId: 'c', at: 'now', text: 'x' }), /at must be/);
  assert.throws(() => checkEvent({ type: 'feedback', conversationId: 'c', answerId: 'a', at: T0, kind: 'thumb', rating: 3 }), /thumb is rating 1/);
  assert.equal(checkEvent({ type: 'turn', id: 'm', conversationId: 'c', at: T0, role: 'shopper', text: 'x'.repeat(30_000) }).text.length, 20_000);
});

test('percentiles are nearest-rank: the smallest value with at least p of the values at or below it', () => {
  assert.equal(percentile([10, 20, 30, 40], 0.5), 20);
  assert.equal(percentile([10, 20, 30, 40], 0.9), 40);
  assert.equal(percentile(Array.from({ length: 10 }, (_, i) => i + 1), 0.9), 9);
  assert.equal(percentile([7], 0.9), 7);
  assert.equal(percentile([], 0.5), null);
});
