// IdempotencyStore on a fake clock: records outlive 24 h, failed runs run again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, IdempotencyStore, fingerprint } from '../../tools/server/idempotency-store.mjs';
import { ReplyRun } from '../../tools/server/reply-run.mjs';

function doneRun() {
  const run = new ReplyRun();
  run.push({ event: 'done', data: {} });
  run.finish();
  return run;
}

test('a record is replayed for the whole 24 hours and the start function runs once', () => {
  let now = 0;
  let starts = 0;
  const store = new IdempotencyStore({ now: () => now });
  const print = fingerprint({ message_id: 'k', conversation_id: 'c', text: 'hi' });
  const start = () => { starts += 1; return doneRun(); };
  assert.equal(store.begin('k', print, start).outcome, 'started');
  now = DAY_MS - 1;
  assert.equal(store.begin('k', print, start).outcome, 'replayed');
  assert.equal(starts, 1);
});

test('expired records are pruned when new keys arrive', () => {
  let now = 0;
  const store = new IdempotencyStore({ now: () => now });
  store.begin('old', 'p', doneRun);
  now = DAY_MS + 1;
  store.begin('new', 'p', doneRun);
  assert.equal(store.size, 1);
});

test('a different fingerprint for a live key is a conflict and starts nothing', () => {
  const store = new IdempotencyStore();
  store.begin('k', 'a', doneRun);
  assert.deepEqual(store.begin('k', 'b', () => assert.fail('must not start')), { conflict: true });
});

test('a key whose run failed starts a fresh run', () => {
  const store = new IdempotencyStore();
  const failed = new ReplyRun();
  failed.fail(new Error('boom'));
  store.begin('k', 'a', () => failed);
  assert.equal(store.begin('k', 'a', doneRun).outcome, 'started');
});

test('a reader of a run in progress sees every event once, in order', async () => {
  const run = new ReplyRun();
  const seen = [];
  const reading = (async () => { for await (const e of run.follow()) seen.push(e.data.n); })();
  for (let n = 0; n < 5; n += 1) {
    run.push({ event: 'delta', data: { n } });
    if (n % 2) await new Promise((r) => setImmediate(r));
  }
  run.finish();
  await reading;
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
});
