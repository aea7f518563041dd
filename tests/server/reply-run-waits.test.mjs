// A reader of a run produced in this process (tools/gateway/runs/reply-run.mjs,
// followRun) waits once per event; each wait must end with it, leaving no
// timer or abort listener on the request's signal. Before, a poll sleep
// outlived every wait by up to 250 ms, so a reply streaming at the agent's
// pace kept dozens of listeners on its signal (node warned:
// MaxListenersExceededWarning) and as many timers. The store's own wait,
// armed before each read of the store, ends with that read too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { produceRun, followRun } from '../../tools/gateway/runs/reply-run.mjs';

// Follows run `key` with a signal of its own, stopping after `stopAfter`
// events: what it read, the most abort listeners its signal held while it
// read, and a count of them now.
async function follow(store, key, stopAfter = Infinity) {
  const reader = new AbortController();
  const listeners = () => getEventListeners(reader.signal, 'abort').length;
  const read = [];
  let most = 0;
  for await (const e of followRun({ store, key, signal: reader.signal })) {
    read.push(e);
    most = Math.max(most, listeners());
    if (read.length === stopAfter) break;
  }
  return { read, most, listeners };
}

test('following a reply streamed at 5 ms per delta leaves at most one abort listener on the reader\'s signal', async () => {
  const store = await new MemoryStore().start();
  try {
    const claim = await store.claimRun('paced', 'p', { owner: 'A', leaseMs: 5000 });
    const events = Array.from({ length: 60 }, (_, i) => ({ event: 'delta', data: { text: `t${i} ` } }));
    const produced = produceRun({ store, key: 'paced', fence: claim.fence, have: 0, events, paceMs: 5 });
    const { read, most, listeners } = await follow(store, 'paced');
    assert.equal(await produced, 'done');
    assert.deepEqual(read, events, 'every event once, in order');
    assert.ok(most <= 1, `at most one wait's listener at a time while following (saw ${most})`);
    // The reader's last look is at the store (the run has ended, so it is no
    // longer in memory): the wait armed before that read ends with it.
    assert.equal(listeners(), 0, 'no listener left once the reply is read');
    await sleep(300);
    assert.equal(listeners(), 0, 'none left after a poll interval');
  } finally {
    await store.close();
  }
});

// A run produced by another instance (here: written straight to the store,
// so this process holds no copy of it) is read from the store, with a wait
// armed before each read.
test('following a reply another instance writes to the store leaves no wait behind, also when the reader stops early', async () => {
  const store = await new MemoryStore().start();
  try {
    const claim = await store.claimRun('remote', 'p', { owner: 'B', leaseMs: 5000 });
    const events = Array.from({ length: 30 }, (_, i) => ({ event: 'delta', data: { text: `r${i} ` } }));
    const written = (async () => {
      for (const [i, e] of events.entries()) {
        await sleep(5);
        assert.equal(await store.appendRunEvent('remote', claim.fence, i, e), true);
      }
      await store.endRun('remote', claim.fence, 'done');
    })();
    const [whole, early] = await Promise.all([follow(store, 'remote'), follow(store, 'remote', 3)]);
    await written;
    assert.deepEqual(whole.read, events, 'every event once, in order');
    assert.ok(whole.most <= 1, `at most one wait's listener at a time (saw ${whole.most})`);
    assert.equal(whole.listeners(), 0, 'no listener left once the reply is read');
    assert.deepEqual(early.read, events.slice(0, 3), 'the early reader got the first three');
    assert.equal(early.listeners(), 0, 'no listener left by a reader that stopped at an event');
  } finally {
    await store.close();
  }
});
