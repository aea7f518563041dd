// Group commit (tools/gateway/runs/group-commit.mjs), and the reply path that uses
// it: a burst of agent events costs one store write per batch, never one per
// event, and nothing is reordered, lost or doubled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupCommit } from '../../tools/gateway/runs/group-commit.mjs';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RedisStore } from '../../tools/gateway/store/redis-store.mjs';
import { produceRun, followRun } from '../../tools/gateway/runs/reply-run.mjs';
import { startRedis } from './redis-helpers.mjs';

// A write that waits until released, recording each batch.
function gatedWriter(verdicts = []) {
  const batches = [];
  const gates = [];
  const write = (batch) => new Promise((resolve) => {
    batches.push(batch);
    gates.push(() => resolve(verdicts[batches.length - 1] ?? 'ok'));
  });
  return { write, batches, release: () => gates.shift()?.() };
}
const tick = () => new Promise((r) => setImmediate(r));

test('the first item is written at once; items that arrive during a write share the next one, in order', async () => {
  const w = gatedWriter();
  const commit = groupCommit(w.write);
  commit.push(1);
  assert.deepEqual(w.batches, [[1]], 'no waiting for company');
  commit.push(2);
  commit.push(3);
  commit.push(4);
  assert.equal(w.batches.length, 1, 'one write at a time');
  w.release();
  await tick();
  assert.deepEqual(w.batches, [[1], [2, 3, 4]]);
  w.release();
  assert.equal(await commit.drain(), 'ok');
  assert.deepEqual(w.batches.flat(), [1, 2, 3, 4]);
});

test('a batch is at most maxBatch items', async () => {
  const w = gatedWriter();
  const commit = groupCommit(w.write, { maxBatch: 2 });
  for (const n of [1, 2, 3, 4, 5]) commit.push(n);
  for (let i = 0; i < 4; i += 1) { w.release(); await tick(); }
  assert.deepEqual(w.batches, [[1], [2, 3], [4, 5]]);
});

test('a verdict other than ok stops the writer: the queue is dropped, push refuses, drain tells why', async () => {
  const w = gatedWriter(['ok', 'fenced']);
  const commit = groupCommit(w.write);
  commit.push(1);
  commit.push(2);
  w.release();
  await tick();
  commit.push(3); // queued behind the write of [2], which will be refused
  w.release();
  assert.equal(await commit.drain(), 'fenced');
  assert.deepEqual(w.batches, [[1], [2]], 'what was queued behind the refusal is never written');
  assert.equal(commit.push(4), false);
  assert.equal(commit.stopped, true);
});

test('a write that throws stops the writer and drain rethrows it', async () => {
  const commit = groupCommit(async () => { throw new Error('store down'); });
  commit.push(1);
  await assert.rejects(commit.drain(), /store down/);
  assert.equal(commit.push(2), false);
});

// The reply path on both stores: 200 events arriving at once (an agent that
// answers in one burst) are read back once each, in order; on Redis, where a
// write is a round trip, they take far fewer writes than events (the memory
// store answers within the same tick, so its batches stay small).
for (const kind of ['memory', 'redis']) {
  test(`${kind}: a burst of agent events is written in batches, read back whole and in order`, async () => {
    const redis = kind === 'redis' ? await startRedis() : null;
    const store = redis ? await new RedisStore({ url: redis.url }).start() : await new MemoryStore().start();
    try {
      let writes = 0;
      const real = store.appendRunEvents.bind(store);
      store.appendRunEvents = (...args) => { writes += 1; return real(...args); };
      const claim = await store.claimRun('burst', 'p', { owner: 'A', leaseMs: 5000 });
      const events = Array.from({ length: 200 }, (_, i) => ({ event: 'delta', data: { text: `t${i} ` } }));
      assert.equal(await produceRun({ store, key: 'burst', fence: claim.fence, have: 0, events }), 'done');
      const read = [];
      for await (const e of followRun({ store, key: 'burst' })) read.push(e);
      assert.deepEqual(read, events, 'every event once, in order');
      if (kind === 'redis') assert.ok(writes < events.length / 4, `${writes} writes for ${events.length} events`);
    } finally {
      await store.close();
      await redis?.stop();
    }
  });
}
