// The staff queue's places in the in-memory store: the console's list and
// the places told after a step out of the queue come from one ordering
// (oldest request first, ties by conversation id), computed once per call
// rather than once per waiting conversation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';

// Conversations named in reverse order of their requests; with `ties`, every
// third requests a person at the same millisecond as the one before it, so
// ties are decided by id.
async function queue(n, { ties = true } = {}) {
  let now = 1_000;
  const store = new MemoryStore({ now: () => now });
  const ids = Array.from({ length: n }, (_, i) => `c${String(n - i).padStart(5, '0')}`);
  for (const [i, id] of ids.entries()) {
    await store.createSession(id);
    if (!ties || i % 3 !== 0) now += 1;
    assert.equal((await store.changeControl(id, 'request')).ok, true);
  }
  await store.createSession('idle'); // held, never waiting: listed without a place
  return { store, ids };
}

// What each place must be, by definition: 1 + the waiting conversations
// that asked earlier, or at the same time with a smaller id.
function expectedPlaces(listed) {
  const waiting = listed.filter((c) => c.state === 'waiting');
  return new Map(waiting.map((c) => [c.id, 1 + waiting.filter((o) =>
    o.since < c.since || (o.since === c.since && o.id < c.id)).length]));
}

test('every waiting conversation is listed with its place, ties by id, the rest without one', async () => {
  const { store } = await queue(300);
  const listed = await store.listControls();
  assert.equal(listed.length, 301);
  const want = expectedPlaces(listed);
  for (const c of listed) assert.equal(c.position, want.get(c.id), `place of ${c.id}`);
  assert.deepEqual([...want.values()].sort((a, b) => a - b), Array.from({ length: 300 }, (_, i) => i + 1));
  for (const c of listed) assert.equal(c.position, (await store.getControl(c.id)).position, `${c.id} alone`);
});

test('a step out of the queue moves everyone behind it up by one, and tells each its new place', async () => {
  const { store } = await queue(60, { ties: false });
  const before = new Map((await store.listControls()).map((c) => [c.id, c.position]));
  const taken = [...before].find(([, place]) => place === 20)[0];
  assert.equal((await store.changeControl(taken, 'take', { name: 'Ana' })).ok, true);
  const after = new Map((await store.listControls()).map((c) => [c.id, c.position]));
  for (const [id, place] of before) {
    if (id === taken || id === 'idle') continue;
    assert.equal(after.get(id), place > 20 ? place - 1 : place, id);
    const told = (await store.eventsAfter(id, 0)).filter((e) => e.event === 'control').map((e) => e.data.position);
    assert.equal(told.at(-1), after.get(id), `${id}: the last place it was told is its place`);
    if (place > 20) assert.equal(told.at(-2), place, `${id}: told its place before the step, then the new one`);
  }
  assert.equal(after.get(taken), undefined, 'the taken one has no place');
});

test('an expired conversation leaves the queue: the places behind it close up', async () => {
  let now = 5_000;
  const store = new MemoryStore({ now: () => now, limits: { resumeWindowMs: 1_000 } });
  for (const id of ['a', 'b', 'c']) {
    const { gen } = await store.createSession(id);
    now += 1;
    await store.changeControl(id, 'request');
    if (id === 'a') await store.detachSession(id, gen);
  }
  assert.deepEqual((await store.listControls()).map((c) => [c.id, c.position]), [['a', 1], ['b', 2], ['c', 3]]);
  now += 1_000;
  assert.deepEqual((await store.listControls()).map((c) => [c.id, c.position]), [['b', 1], ['c', 2]]);
});
