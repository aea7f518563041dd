// A continue.offer flood (docs/security.md, "Continue-link flood"): one
// socket asking for link after link, each with 16 KiB of saved products.
// On both stores, a session gets only so many offers per window (then
// error continue_refused reason rate_limited, with retry_after_ms) and
// holds only so many live links (a new one retires the oldest, which then
// answers 410 expired), so what the store keeps stays bounded; another
// shopper on the same instance keeps being answered meanwhile.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { request, startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { STORE_KINDS, startRedis } from './redis-helpers.mjs';
import { CLIENT_BOUNDS } from '../../tools/gateway/session/client-bounds.mjs';

const OFFERS = 200;
// 50 products, just under the 16 KiB a continue.offer may carry.
const SAVED = Array.from({ length: 50 }, (_, i) => ({
  product_id: `p-${i}`, name: `Product ${i} ${'x'.repeat(200)}`, price: '9.99', currency: 'GBP', url: `https://shop.test/p/${i}`,
}));

const redeem = (server, body) => request(server.url, {
  method: 'POST', path: '/api/continue', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
}).then((res) => ({ status: res.status, json: JSON.parse(res.body) }));

for (const kind of STORE_KINDS) {
  describe(`continue.offer flood (${kind} store)`, () => {
    let redis = null;
    let server;
    before(async () => {
      redis = kind === 'redis' ? await startRedis() : null;
      server = await startTestServer(redis ? { redisUrl: redis.url } : {});
    });
    after(async () => {
      closeAllSockets();
      await server.close();
      await redis?.stop();
    });

    test('offers past the rate are refused, live links are capped, and another shopper is still served', async () => {
      assert.ok(JSON.stringify({ type: 'continue.offer', saved: SAVED }).length > 15_000);
      const other = await joinSession(server.url, { session: `${kind}-other` });
      const laptop = await joinSession(server.url, { session: `${kind}-flood` });
      for (let i = 0; i < OFFERS; i += 1) laptop.socket.send({ type: 'continue.offer', saved: SAVED });
      other.socket.send({ type: 'ping', t: 'during' });
      await other.socket.waitFor((f) => f.type === 'pong' && f.t === 'during', 5000);
      laptop.socket.send({ type: 'ping', t: 'after' });
      await laptop.socket.waitFor((f) => f.type === 'pong' && f.t === 'after', 20_000);

      const offered = laptop.socket.frames.filter((f) => f.type === 'continue.offered');
      const refused = laptop.socket.frames.filter((f) => f.type === 'error');
      assert.equal(offered.length, CLIENT_BOUNDS.continueOffersPerWindow);
      assert.equal(refused.length, OFFERS - offered.length);
      for (const error of refused) {
        assert.equal(error.code, 'continue_refused');
        assert.equal(error.reason, 'rate_limited');
        assert.ok(error.retry_after_ms > 0 && error.retry_after_ms <= CLIENT_BOUNDS.continueOfferWindowMs);
      }

      if (redis) { // what Redis keeps: the saved products of the live links only
        const client = createClient({ url: redis.url });
        await client.connect();
        try {
          let withSaved = 0;
          for await (const keys of client.scanIterator({ MATCH: 'nt:cont:*', COUNT: 1000 })) {
            for (const key of [keys].flat()) if (await client.hExists(key, 'saved')) withSaved += 1;
          }
          assert.equal(withSaved, CLIENT_BOUNDS.maxLiveContinueLinks);
        } finally {
          await client.quit();
        }
      }

      const live = CLIENT_BOUNDS.maxLiveContinueLinks;
      for (const retired of offered.slice(0, -live)) {
        const got = await redeem(server, { secret: retired.secret });
        assert.deepEqual({ status: got.status, code: got.json.error?.code }, { status: 410, code: 'expired' });
      }
      const newest = await redeem(server, { code: offered.at(-1).code });
      assert.equal(newest.status, 200);
      assert.deepEqual(newest.json.saved, SAVED);
    });
  });
}
