// The store contract of continue links (tools/server/store/README.md,
// "Continue on another device"), against both stores: a link redeems once,
// by its secret's hash or its typed code's, into a second token line of the
// session; a spent or expired one is refused with its reason; the first
// line's revoke voids the second; failed redeems are counted per client.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../tools/server/store/memory-store.mjs';
import { RedisStore } from '../../tools/server/store/redis-store.mjs';
import { startRedis } from './redis-helpers.mjs';

const link = (n, ttlMs = 60_000) => ({ secretHash: `s${n}`, codeHash: `c${n}`, ttlMs, graceMs: 60_000 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const backends = {
  memory: async () => ({ store: await new MemoryStore({}).start(), stop: async () => {} }),
  redis: async () => {
    const redis = await startRedis();
    const store = await new RedisStore({ url: redis.url }).start();
    return { store, stop: async () => { await store.close(); await redis.stop(); } };
  },
};

for (const [kind, makeBackend] of Object.entries(backends)) {
  describe(`${kind} store: continue links`, () => {
    let backend;
    let store;
    before(async () => { backend = await makeBackend(); store = backend.store; });
    after(async () => backend.stop());

    test('a link redeems once into a second token line; the first line is untouched', async () => {
      await store.clear();
      const made = await store.createSession('s1', { tabId: 'laptop', instance: 'A' });
      assert.equal(await store.mintContinue('s1', link(1)), true);
      const got = await store.redeemContinue({ secretHash: 's1' });
      assert.equal(got.ok, true);
      assert.equal(got.id, 's1');
      assert.equal(got.seq, 0);
      assert.notEqual(got.token, made.token);
      assert.deepEqual(await store.redeemContinue({ secretHash: 's1' }), { ok: false, code: 'used' });
      assert.deepEqual(await store.redeemContinue({ codeHash: 'c1' }), { ok: false, code: 'used' });

      const phone = await store.resumeSession('s1', got.token, { tabId: 'phone', instance: 'A', rotate: true });
      assert.equal(phone.line, 'second');
      assert.deepEqual(phone.prev, { tabId: 'laptop', instance: 'A', line: 'first' });
      const laptop = await store.resumeSession('s1', made.token, { tabId: 'laptop', instance: 'A', rotate: true });
      assert.equal(laptop.line, 'first');
      assert.equal(laptop.revoked, false);
      assert.ok(await store.resumeSession('s1', phone.token, { tabId: 'phone', rotate: false }), 'both lines prove the session');
    });

    test('the typed code redeems the same link; unknown codes and sessions are refused', async () => {
      await store.clear();
      await store.createSession('s2', {});
      assert.equal(await store.mintContinue('s2', link(2)), true);
      assert.equal((await store.redeemContinue({ codeHash: 'c2' })).ok, true);
      assert.deepEqual(await store.redeemContinue({ codeHash: 'nope' }), { ok: false, code: 'unknown' });
      assert.equal(await store.mintContinue('not-held', link(3)), false);
    });

    test('an expired link is refused as expired, not unknown', async () => {
      await store.clear();
      await store.createSession('s4', {});
      await store.mintContinue('s4', link(4, 30));
      await sleep(60);
      assert.deepEqual(await store.redeemContinue({ secretHash: 's4' }), { ok: false, code: 'expired' });
    });

    test('revoke from the first line voids the second; from the second it does nothing', async () => {
      await store.clear();
      const made = await store.createSession('s5', { tabId: 'laptop' });
      await store.mintContinue('s5', link(5));
      const { token } = await store.redeemContinue({ secretHash: 's5' });
      const phone = await store.resumeSession('s5', token, { tabId: 'phone', rotate: true, revoke: true });
      assert.equal(phone.revoked, false);
      const laptop = await store.resumeSession('s5', made.token, { tabId: 'laptop', rotate: true, revoke: true });
      assert.equal(laptop.revoked, true);
      assert.deepEqual(laptop.prev, { tabId: 'phone', instance: '', line: 'second' });
      assert.equal(await store.resumeSession('s5', phone.token, {}), null, 'the phone\'s current token is dead');
      assert.equal(await store.resumeSession('s5', token, {}), null, 'and so is its previous one');
      assert.ok(await store.resumeSession('s5', laptop.token, {}));
    });

    test('failed redeems are counted per client within a window', async () => {
      await store.clear();
      assert.equal(await store.continueMisses('1.2.3.4'), 0);
      assert.equal(await store.countContinueMiss('1.2.3.4', 60_000), 1);
      assert.equal(await store.countContinueMiss('1.2.3.4', 60_000), 2);
      assert.equal(await store.continueMisses('1.2.3.4'), 2);
      assert.equal(await store.continueMisses('5.6.7.8'), 0);
      assert.equal(await store.countContinueMiss('9.9.9.9', 30), 1);
      await sleep(60);
      assert.equal(await store.continueMisses('9.9.9.9'), 0, 'the window ends');
    });
  });
}
