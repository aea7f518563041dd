// The record writer (tools/gateway/record/record-writer.mjs): enqueue
// never waits for the database; a database that is down and comes back
// gets every event once, the failures counted; a full queue and a
// rejected event are counted and logged once per interval, never silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import client from 'prom-client';
import { openRecord } from '../../tools/gateway/record/open-record.mjs';
import { createRecordWriter } from '../../tools/gateway/record/record-writer.mjs';
import { startPostgres } from '../../tools/postgres/postgres-server.mjs';
import { eventually } from './helpers.mjs';

const T0 = Date.UTC(2026, 10, 1, 12);
const turn = (id, text = `text ${id}`, conversationId = 'c1') =>
  ({ type: 'turn', id, conversationId, at: T0 + Number(id.replace(/\D/g, '') || 0), role: 'shopper', text });
const until = (check, what, ms = 10_000) => eventually(check, ms, what);
const metric = async (registry, name, labels = '') => {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ').pop()) : undefined;
};

test('PostgreSQL down and back: chat-side enqueue never waits, every event is stored once, failures are counted', async (t) => {
  const server = await startPostgres();
  const record = await openRecord({ kind: 'postgres', url: server.url }, { onError: () => {} });
  t.after(async () => { await record.close(); await server.stop(); });
  const registry = new client.Registry();
  const lines = [];
  const writer = createRecordWriter({ record, registry, log: (l) => lines.push(l), retryMinMs: 50, retryMaxMs: 200 });

  for (const id of ['m1', 'm2', 'm3']) writer.enqueue(turn(id));
  assert.equal(await writer.flush(), 0);

  await server.down();
  const answers = [];
  for (let i = 4; i < 54; i += 1) answers.push(writer.enqueue(turn(`m${i}`)));
  answers.push(writer.enqueue(turn('m2'))); // a retry of a turn already stored
  // Queued synchronously: plain booleans, not promises, and all of them queued.
  assert.deepEqual(new Set(answers), new Set([true]));
  assert.equal(writer.stats().queued, 51);
  await until(() => writer.stats().failures >= 3, 'three failed attempts');
  assert.equal(writer.stats().queued, 51, 'nothing is lost while the database is down');

  await server.up();
  assert.equal(await writer.flush({ timeoutMs: 10_000 }), 0);
  const full = await record.getConversation('c1');
  assert.equal(full.turns.length, 53);
  assert.equal(new Set(full.turns.map((x) => x.id)).size, 53);
  assert.ok(await metric(registry, 'natter_record_write_failures_total') >= 3);
  assert.equal(await metric(registry, 'natter_record_events_written_total'), 54);
  assert.equal(await metric(registry, 'natter_record_events_dropped_total', '{reason="queue_full"}'), 0);
  assert.equal(await metric(registry, 'natter_record_queue_length'), 0);
  // Several failures within the interval: one line about them, one when it writes again.
  assert.equal(lines.filter((l) => l.includes('write failed')).length, 1, lines.join('\n'));
  assert.equal(lines.filter((l) => l.includes('writing again')).length, 1, lines.join('\n'));
});

test('a full queue drops what does not fit, counted, with one log line per interval', async () => {
  const down = { writeBatch: async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); } };
  const registry = new client.Registry();
  const lines = [];
  let clock = T0;
  const writer = createRecordWriter({ record: down, registry, log: (l) => lines.push(l), maxQueue: 5, retryMinMs: 10_000, now: () => clock });
  const answers = Array.from({ length: 8 }, (_, i) => writer.enqueue(turn(`m${i}`)));
  assert.deepEqual(answers, [true, true, true, true, true, false, false, false]);
  assert.equal(writer.stats().dropped, 3);
  assert.equal(await metric(registry, 'natter_record_events_dropped_total', '{reason="queue_full"}'), 3);
  assert.equal(lines.filter((l) => l.includes('queue full')).length, 1);
  clock += 61_000;
  writer.enqueue(turn('m9'));
  const full = lines.filter((l) => l.includes('queue full'));
  assert.equal(full.length, 2);
  assert.match(full[1], /1 since the last such line|3 since/);
  await writer.close({ timeoutMs: 10 });
});

test('an event the database rejects for its data is dropped alone, counted; the rest of its batch is stored', async () => {
  const stored = [];
  const picky = {
    async writeBatch(rows) {
      if (rows.some((r) => r.id === 'bad')) throw Object.assign(new Error('violates check constraint'), { code: '23514' });
      stored.push(...rows.map((r) => r.id));
      return { stored: rows.length, refused: 0 };
    },
  };
  const registry = new client.Registry();
  const lines = [];
  const writer = createRecordWriter({ record: picky, registry, log: (l) => lines.push(l) });
  for (const id of ['a1', 'bad', 'c3']) writer.enqueue(turn(id));
  assert.equal(await writer.flush(), 0);
  assert.deepEqual(stored, ['a1', 'c3']);
  assert.equal(await metric(registry, 'natter_record_events_dropped_total', '{reason="rejected"}'), 1);
  assert.equal(lines.filter((l) => l.includes('refused a turn event')).length, 1);
});

test('a database that never answers does not hold up enqueue; bad events throw at once', async () => {
  const hung = { writeBatch: () => new Promise(() => {}) };
  const writer = createRecordWriter({ record: hung, log: () => {} });
  for (let i = 0; i < 1000; i += 1) assert.equal(writer.enqueue(turn(`m${i}`)), true);
  assert.equal(typeof writer.enqueue(turn('x1')), 'boolean');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(writer.stats().queued, 1001);
  assert.throws(() => writer.enqueue({ type: 'turn', id: 'm', conversationId: 'c', at: T0, role: 'nobody', text: 'x' }), /role must be/);
  assert.equal(await writer.close({ timeoutMs: 10 }), 1001);
});
