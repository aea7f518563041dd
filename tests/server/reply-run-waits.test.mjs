// A reader of a run produced in this process (tools/server/reply-run.mjs,
// followRun) waits once per event; each wait must end with it, leaving no
// timer or abort listener on the request's signal. Before, a poll sleep
// outlived every wait by up to 250 ms, so a reply streaming at the agent's
// pace kept dozens of listeners on its signal (node warned:
// MaxListenersExceededWarning) and as many timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryStore } from '../../tools/server/store/memory-store.mjs';
import { produceRun, followRun } from '../../tools/server/reply-run.mjs';

test('following a reply streamed at 5 ms per delta leaves at most one abort listener on the reader\'s signal', async () => {
  const store = await new MemoryStore().start();
  try {
    const claim = await store.claimRun('paced', 'p', { owner: 'A', leaseMs: 5000 });
    const events = Array.from({ length: 60 }, (_, i) => ({ event: 'delta', data: { text: `t${i} ` } }));
    const produced = produceRun({ store, key: 'paced', fence: claim.fence, have: 0, events, paceMs: 5 });
    const reader = new AbortController();
    const listeners = () => getEventListeners(reader.signal, 'abort').length;
    const read = [];
    let most = 0;
    for await (const e of followRun({ store, key: 'paced', signal: reader.signal })) {
      read.push(e);
      most = Math.max(most, listeners());
    }
    assert.equal(await produced, 'done');
    assert.deepEqual(read, events, 'every event once, in order');
    assert.ok(most <= 1, `at most one wait's listener at a time while following (saw ${most})`);
    // The reader's last look is at the store (the run has ended, so it is no
    // longer in memory): that wait ends at its poll interval, 250 ms.
    assert.ok(listeners() <= 1, `at most the last wait's listener once the reply is read (saw ${listeners()})`);
    await sleep(300);
    assert.equal(listeners(), 0, 'none left after a poll interval');
  } finally {
    await store.close();
  }
});
