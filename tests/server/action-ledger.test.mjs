// Actions exactly once (tools/gateway/actions/action-ledger.mjs), on both
// stores: the memory store, and two RedisStore objects on one redis-server
// (two gateway instances). Every confirmation of one action (a double tap, a
// retry, a second tab, another instance) is told to run the handler at most
// once while its page holds it; a page that dies is replaced (retry: true)
// and its late report is refused; another action under the same id is a
// conflict; a finished action answers its result.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RedisStore } from '../../tools/gateway/store/redis-store.mjs';
import { createActionLedger, confirmationProblem } from '../../tools/gateway/actions/action-ledger.mjs';
import { startRedis } from './redis-helpers.mjs';

const backends = {
  memory: async () => {
    const store = await new MemoryStore({}).start();
    return { open: async () => store, stop: async () => {} };
  },
  redis: async () => {
    const redis = await startRedis();
    const opened = [];
    return {
      open: async () => { const s = await new RedisStore({ url: redis.url }).start(); opened.push(s); return s; },
      stop: async () => { for (const s of opened) await s.close(); await redis.stop(); },
    };
  },
};

let next = 0;
const addToCart = (over = {}) => ({
  conversationId: 'conv_0123456789', actionId: `act_${process.pid}_${++next}`, name: 'add_to_cart',
  args: { product_id: 'sku-astro', quantity: 1 }, ...over,
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const [kind, makeBackend] of Object.entries(backends)) {
  describe(`${kind} store`, () => {
    let backend;
    let one; // instance A's ledger
    let two; // instance B's ledger, on the same backend
    before(async () => {
      backend = await makeBackend();
      one = createActionLedger({ store: await backend.open(), instance: 'a' });
      two = createActionLedger({ store: await backend.open(), instance: 'b' });
    });
    after(() => backend?.stop());

    test('of many confirmations at once, on two instances, exactly one runs the handler', async () => {
      for (let round = 0; round < 20; round += 1) {
        const action = addToCart();
        const answers = await Promise.all([one, two, one, two, one].map((l) => l.confirm(action)));
        const runs = answers.filter((a) => a.outcome === 'run');
        assert.equal(runs.length, 1, JSON.stringify(answers));
        assert.equal(runs[0].retry, false);
        assert.ok(answers.every((a) => a.outcome === 'run' || a.outcome === 'running'));
      }
    });

    test('once reported, every later confirmation (reload, second tab, other instance) gets the result and runs nothing', async () => {
      const action = addToCart();
      const first = await one.confirm(action);
      assert.equal(first.outcome, 'run');
      const result = { ok: true, cart: { items: [{ id: 'sku-astro', quantity: 1 }] } };
      assert.equal(await one.report(action, first.fence, result), true);
      for (const ledger of [one, two]) assert.deepEqual(await ledger.confirm(action), { outcome: 'done', result });
      assert.deepEqual(await two.read(action), { state: 'done', result });
      assert.equal(await one.report(action, first.fence, { ok: false }), false, 'a second report is refused');
      assert.deepEqual(await two.read(action), { state: 'done', result }, 'and changes nothing');
    });

    test('the same id for another action is a conflict, never run', async () => {
      const action = addToCart();
      assert.equal((await one.confirm(action)).outcome, 'run');
      const other = { ...action, args: { product_id: 'sku-astro', quantity: 5 } };
      assert.deepEqual(await two.confirm(other), { outcome: 'conflict' });
      assert.deepEqual(await one.confirm({ ...action, name: 'apply_code' }), { outcome: 'conflict' });
    });

    test('a confirming page that dies is replaced once its lease ends, and its late report is refused', async () => {
      const short = createActionLedger({ store: await backend.open(), instance: 'c', leaseMs: 80 });
      const action = addToCart();
      const dead = await short.confirm(action);
      assert.equal(dead.outcome, 'run');
      assert.deepEqual(await two.confirm(action), { outcome: 'running' }, 'while its lease lasts, nobody else runs it');
      await sleep(200);
      const taken = await two.confirm(action);
      assert.equal(taken.outcome, 'run');
      assert.equal(taken.retry, true, 'the handler is told this action may have run already');
      assert.equal(await short.report(action, dead.fence, { ok: true }), false, 'the dead page no longer holds it');
      assert.equal(await two.report(action, taken.fence, { ok: true, note: 'b' }), true);
      assert.deepEqual(await one.confirm(action), { outcome: 'done', result: { ok: true, note: 'b' } });
    });

    test('a never-confirmed action reads as nothing', async () => {
      assert.equal(await one.read(addToCart()), null);
    });
  });
}

test('malformed confirmations are named', () => {
  assert.equal(confirmationProblem(addToCart()), '');
  assert.match(confirmationProblem(addToCart({ actionId: 'x' })), /action_id/);
  assert.match(confirmationProblem(addToCart({ conversationId: 'bad id!' })), /conversation_id/);
  assert.match(confirmationProblem(addToCart({ name: 'Add To Cart' })), /name/);
  assert.match(confirmationProblem(addToCart({ args: [1] })), /args/);
});
