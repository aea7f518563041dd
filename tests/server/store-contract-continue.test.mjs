// The store contract of continue links (tools/gateway/store/README.md,
// "Continue on another device"), against both stores: a link redeems once,
// by its secret's hash or its typed code's, into a second token line of the
// session; a spent or expired one is refused with its reason; the first
// line's revoke voids the second; a session's live links and offers are
// bounded; typed-code attempts are taken per client, atomically.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RedisStore } from '../../tools/gateway/store/redis-store.mjs';
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

    test('past the live links a session may hold, a new mint retires the oldest: it answers expired', async () => {
      await store.clear();
      await store.createSession('s6', {});
      const saved = [{ product_id: 'p', name: 'n', price: '1', currency: 'GBP', url: 'https://shop.test/p' }];
      const bounded = (n) => ({ ...link(`6-${n}`), saved, maxLive: 2, maxOffers: 100 });
      for (const n of [1, 2, 3, 4]) assert.equal(await store.mintContinue('s6', bounded(n)), true);
      assert.deepEqual(await store.redeemContinue({ secretHash: 's6-1' }), { ok: false, code: 'expired' });
      assert.deepEqual(await store.redeemContinue({ codeHash: 'c6-2' }), { ok: false, code: 'expired' });
      const got = await store.redeemContinue({ secretHash: 's6-4' });
      assert.equal(got.ok, true);
      assert.deepEqual(got.saved, saved);
      // A spent link holds no place: minting 5 leaves 3 live beside it.
      assert.equal(await store.mintContinue('s6', bounded(5)), true);
      assert.equal((await store.redeemContinue({ secretHash: 's6-3' })).ok, true, 'still live: the spent one made room');
      // Another session's links are its own.
      await store.createSession('s7', {});
      assert.equal(await store.mintContinue('s7', { ...link(7), maxLive: 1, maxOffers: 100 }), true);
      assert.equal((await store.redeemContinue({ secretHash: 's6-5' })).ok, true);
    });

    test('mints per session are bounded per window: past it, rate_limited with the time left', async () => {
      await store.clear();
      await store.createSession('s8', {});
      await store.createSession('s9', {});
      const limited = (n, id = 8) => ({ ...link(`${id}-${n}`), maxOffers: 3, offerWindowMs: 400 });
      for (const n of [1, 2, 3]) assert.equal(await store.mintContinue('s8', limited(n)), true);
      const refused = await store.mintContinue('s8', limited(4));
      assert.equal(refused.ok, false);
      assert.equal(refused.code, 'rate_limited');
      assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 400, `retry after ${refused.retryAfterMs} ms`);
      assert.deepEqual(await store.redeemContinue({ secretHash: 's8-4' }), { ok: false, code: 'unknown' }, 'nothing minted');
      assert.equal(await store.mintContinue('s9', limited(1, 9)), true, 'another session is not limited');
      await sleep(450);
      assert.equal(await store.mintContinue('s8', limited(5)), true, 'the window ends');
    });

    test('typed-code attempts are taken per client within a window, in one step with the check; a refund gives one back', async () => {
      await store.clear();
      const take = (key, windowMs = 60_000) => store.takeContinueAttempt(key, 2, windowMs);
      assert.deepEqual(await take('1.2.3.4'), { ok: true });
      assert.deepEqual(await take('1.2.3.4'), { ok: true });
      const refused = await take('1.2.3.4');
      assert.equal(refused.ok, false);
      assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000, `retry after ${refused.retryAfterMs} ms`);
      assert.deepEqual(await take('5.6.7.8'), { ok: true }, 'another client has its own');
      await store.refundContinueAttempt('1.2.3.4');
      assert.deepEqual(await take('1.2.3.4'), { ok: true }, 'the refunded one');
      assert.equal((await take('1.2.3.4')).ok, false);
      // Concurrent attempts: exactly `max` taken, however they interleave.
      const answers = await Promise.all(Array.from({ length: 50 }, () => take('9.9.9.9', 30)));
      assert.equal(answers.filter((a) => a.ok).length, 2);
      await sleep(60);
      assert.deepEqual(await take('9.9.9.9', 30), { ok: true }, 'the window ends');
      await store.refundContinueAttempt('nobody');
      assert.deepEqual(await take('nobody'), { ok: true }, 'a refund with nothing taken gives nothing extra');
      assert.deepEqual(await take('nobody'), { ok: true });
      assert.equal((await take('nobody')).ok, false);
    });
  });
}
