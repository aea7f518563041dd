// tools/gateway/store/run-waiters.mjs: the waits behind both stores' waitRun.
// However a wait ends (a wake, its timeout, its signal), it leaves no entry
// for its run behind: the embedded store used to keep an empty set per run
// key whose last wait ended without a wake (a reader whose read brought the
// run's end), one more for every reply a long-running gateway served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { RunWaiters } from '../../tools/gateway/store/run-waiters.mjs';

test('a wake ends every wait on its key, and only on its key', async () => {
  const w = new RunWaiters();
  let other = false;
  const a = w.wait('r1', 60_000);
  const b = w.wait('r1', 60_000);
  w.wait('r2', 20).then(() => { other = true; });
  assert.equal(w.size, 2);
  w.wake('r1');
  await Promise.all([a, b]);
  assert.equal(other, false, 'r2 still waits');
  assert.equal(w.size, 1);
});

test('a wait that ends by its timeout or its signal leaves no entry, timer or listener', async () => {
  const w = new RunWaiters();
  await w.wait('timed', 5);
  assert.equal(w.size, 0, 'after a timeout');
  const stop = new AbortController();
  const aborted = w.wait('stopped', 60_000, stop.signal);
  const kept = w.wait('stopped', 60_000);
  stop.abort();
  await aborted;
  assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  assert.equal(w.size, 1, 'the other wait on the key still holds it');
  w.wakeAll();
  await kept;
  assert.equal(w.size, 0, 'after the last wait on the key ended');
});
