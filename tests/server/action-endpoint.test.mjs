// POST /api/action and /api/action/result (docs/protocol.md, "Actions") on
// both stores, two gateway instances on one store: an action the agent
// proposed runs once however often and wherever it is confirmed; a page
// without the conversation_key, an action never proposed, another name or
// other args are refused and keep nothing; a dead page's hold passes to the
// next confirmation (retry: true) and its late report is refused; results
// reach the agent's next turn; budgets answer 429 with Retry-After; a flood
// of made-up confirmations keeps nothing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseEvents, postChat, postJson } from './helpers.mjs';
import { STORE_KINDS, startGatewayOnStore, startRedis } from './redis-helpers.mjs';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RedisStore } from '../../tools/gateway/store/redis-store.mjs';
import { createActionHandler } from '../../tools/gateway/http/action-endpoint.mjs';
import { limitsWith } from '../../tools/gateway/store/limits.mjs';

const newKey = () => randomBytes(24).toString('hex'); // as the widget mints it
const LEASE_MS = 400;
const PER_CONVERSATION = 12;
const CONTEXT = { actions: [{ name: 'add_to_cart', confirm: true }] };
const ARGS = { product_id: 'sku-astro', variant_id: 'std', quantity: 1 };
const SUMMARY = { title: 'Astro Bot (PS5)', quantity: 1, price: '49.99', currency: 'GBP' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const post = (baseUrl, path, body, localAddress) => postJson(baseUrl, path, body, { localAddress });

for (const kind of STORE_KINDS) {
  describe(`${kind} store`, () => {
    let gateway;
    let a;
    let b;
    const turns = []; // what the agent was given, per turn
    before(async () => {
      const agent = {
        name: 'proposer', paced: false,
        async* reply(turn) {
          turns.push(turn);
          yield { event: 'delta', data: { text: 'Shall I add it?' } };
          if (/add/.test(turn.text)) yield { event: 'action', data: { name: 'add_to_cart', args: ARGS, summary: SUMMARY } };
        },
      };
      const options = { agent, actionLeaseMs: LEASE_MS, limits: { actionPerConversation: PER_CONVERSATION } };
      gateway = await startGatewayOnStore(kind, options);
      a = gateway.server.url;
      b = kind === 'redis' ? (await gateway.another()).url : a; // memory: one process holds the store
    });
    after(() => gateway?.close());

    // A conversation with its key, in which the agent proposed add_to_cart.
    async function proposed() {
      const conversation = randomUUID();
      const key = newKey();
      const id = randomUUID();
      const res = await postChat(a, { key: id, body: JSON.stringify({ message_id: id, conversation_id: conversation, conversation_key: key, text: 'add this to my basket', context: CONTEXT }) });
      assert.equal(res.status, 200, res.body);
      const action = parseEvents(res.body).find((e) => e.event === 'action')?.data;
      assert.ok(action, res.body);
      const confirm = { conversation_id: conversation, conversation_key: key, action_id: action.id, name: action.name, args: action.args };
      return { conversation, key, action, confirm };
    }

    test('a double confirmation on two instances runs once (run, then running), then done with the result; the next turn gets it', async () => {
      const { conversation, key, confirm } = await proposed();
      const answers = await Promise.all([post(a, '/api/action', confirm), post(b, '/api/action', confirm)]);
      assert.deepEqual(answers.map((r) => r.status), [200, 200]);
      const outcomes = answers.map((r) => r.json.outcome).sort();
      assert.deepEqual(outcomes, ['run', 'running'], JSON.stringify(answers.map((r) => r.json)));
      const run = answers.find((r) => r.json.outcome === 'run').json;
      assert.equal(run.retry, false);
      assert.equal(answers[0].headers['access-control-allow-origin'], '*');
      const result = { ok: true, message: 'Added to basket' };
      const recorded = await post(b, '/api/action/result', { conversation_id: conversation, conversation_key: key, action_id: confirm.action_id, fence: run.fence, result });
      assert.equal(recorded.status, 200, JSON.stringify(recorded.json));
      assert.deepEqual(recorded.json, { outcome: 'recorded' });
      for (const url of [a, b]) {
        const again = await post(url, '/api/action', confirm);
        assert.deepEqual(again.json, { outcome: 'done', result });
      }
      const twice = await post(a, '/api/action/result', { conversation_id: conversation, conversation_key: key, action_id: confirm.action_id, fence: run.fence, result });
      assert.equal(twice.status, 409);
      const id = randomUUID();
      const next = await postChat(b, { key: id, body: JSON.stringify({ message_id: id, conversation_id: conversation, conversation_key: key, text: 'thanks', context: CONTEXT }) });
      assert.equal(next.status, 200);
      const seen = turns.find((t) => t.message_id === id);
      assert.deepEqual(seen.context.action_results, [{ id: confirm.action_id, name: 'add_to_cart', args: ARGS, result }]);
      assert.deepEqual(seen.context.actions, CONTEXT.actions);
      const later = randomUUID();
      await postChat(a, { key: later, body: JSON.stringify({ message_id: later, conversation_id: conversation, conversation_key: key, text: 'ok', context: CONTEXT }) });
      assert.equal(turns.find((t) => t.message_id === later).context.action_results, undefined, 'handed once');
    });

    test('a wrong conversation_key is 403 not_owner, a missing one 400 missing_key; both keep nothing', async () => {
      const { confirm } = await proposed();
      const wrong = await post(a, '/api/action', { ...confirm, conversation_key: newKey() });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.json.error.code, 'not_owner');
      const none = await post(a, '/api/action', { ...confirm, conversation_key: undefined });
      assert.equal(none.status, 400);
      assert.equal(none.json.error.code, 'missing_key');
      const owner = await post(b, '/api/action', confirm);
      assert.equal(owner.json.outcome, 'run');
      assert.equal(owner.json.retry, false);
      const report = await post(a, '/api/action/result', { ...confirm, name: undefined, args: undefined, conversation_key: newKey(), fence: owner.json.fence, result: { ok: true } });
      assert.equal(report.status, 403);
      assert.equal((await post(a, '/api/action', confirm)).json.outcome, 'running', 'the stranger recorded nothing');
    });

    test('an action never proposed is 404 unknown_action; another name or other args 409 action_conflict; a bad body 400', async () => {
      const { confirm } = await proposed();
      const unknown = await post(a, '/api/action', { ...confirm, action_id: 'act_nothingProposedHere0' });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.code, 'unknown_action');
      for (const other of [{ args: { ...ARGS, quantity: 50 } }, { name: 'apply_code' }]) {
        const res = await post(b, '/api/action', { ...confirm, ...other });
        assert.equal(res.status, 409, JSON.stringify(other));
        assert.equal(res.json.error.code, 'action_conflict');
      }
      const reordered = Object.fromEntries(Object.entries(ARGS).reverse());
      assert.equal((await post(a, '/api/action', { ...confirm, args: reordered })).json.outcome, 'run', 'the same args in another key order');
      assert.equal((await post(a, '/api/action', '{"conversation_id":')).status, 400);
      assert.equal((await post(a, '/api/action/result', { ...confirm, fence: 1, result: { ok: 'yes' } })).status, 400);
    });

    test('a dead page\'s hold passes on with retry:true; its late report is 409 not_holder', async () => {
      const { conversation, key, confirm } = await proposed();
      const first = await post(a, '/api/action', confirm);
      assert.equal(first.json.outcome, 'run');
      await sleep(LEASE_MS + 200);
      const second = await post(b, '/api/action', confirm);
      assert.equal(second.json.outcome, 'run');
      assert.equal(second.json.retry, true);
      assert.ok(second.json.fence > first.json.fence);
      const report = (fence, message) => post(a, '/api/action/result', { conversation_id: conversation, conversation_key: key, action_id: confirm.action_id, fence, result: { ok: true, message } });
      const late = await report(first.json.fence, 'first');
      assert.equal(late.status, 409);
      assert.equal(late.json.error.code, 'not_holder');
      assert.equal((await report(second.json.fence, 'second')).status, 200);
      assert.deepEqual((await post(b, '/api/action', confirm)).json, { outcome: 'done', result: { ok: true, message: 'second' } });
    });

    // A conversation id is a name others may know: a stranger's confirmations
    // with the wrong key are refused without spending its owner's budget.
    test('a stranger confirming with the wrong key does not use up the conversation\'s budget', async () => {
      const { confirm } = await proposed();
      for (let i = 0; i <= PER_CONVERSATION; i += 1) {
        assert.equal((await post(a, '/api/action', { ...confirm, conversation_key: newKey() }, '127.0.0.2')).status, 403);
      }
      assert.equal((await post(a, '/api/action', confirm)).json.outcome, 'run', 'the owner is served');
    });

    test('over the per-conversation budget: 429 rate_limited with Retry-After; another conversation is served', async () => {
      const { confirm } = await proposed();
      const answers = [];
      // Counted per instance (docs/security-http.md): all to one.
      for (let i = 0; i <= PER_CONVERSATION; i += 1) answers.push(await post(a, '/api/action', confirm));
      const refused = answers.filter((r) => r.status === 429);
      assert.ok(refused.length >= 1, answers.map((r) => r.status).join(','));
      assert.equal(refused[0].json.error.code, 'rate_limited');
      assert.match(refused[0].headers['retry-after'], /^\d+$/);
      const other = await proposed();
      assert.equal((await post(a, '/api/action', other.confirm)).json.outcome, 'run');
    });
  });
}

// The handler alone on each store, so the test can count what the store holds.
for (const kind of STORE_KINDS) {
  test(`${kind} store: a flood of made-up confirmations keeps nothing; an address over its budget gets 429`, async () => {
    const redis = kind === 'redis' ? await startRedis() : null;
    const store = await (redis ? new RedisStore({ url: redis.url }) : new MemoryStore({})).start();
    const handler = createActionHandler({ store, limits: limitsWith({ actionPerAddress: 400, actionPerConversation: 5 }) });
    const server = http.createServer((req, res) => handler(req, res, new URL(req.url, 'http://x').pathname));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}/`;
    try {
      const before = await store.counts();
      const statuses = new Map();
      for (let i = 0; i < 400; i += 1) {
        const res = await post(url, i % 2 ? '/api/action' : '/api/action/result', {
          conversation_id: randomUUID(), conversation_key: newKey(), action_id: `act_${randomBytes(16).toString('base64url')}`, name: 'add_to_cart',
          args: { product_id: 'x'.repeat(1500) }, fence: 1, result: { ok: true, data: { blob: 'y'.repeat(1800) } },
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
      assert.deepEqual([...statuses], [[403, 400]]); // no conversation has that key
      assert.deepEqual(await store.counts(), before, 'no ledger record, no session');
      const over = await post(url, '/api/action', { conversation_id: randomUUID(), conversation_key: newKey(), action_id: 'act_0123456789abcdef', name: 'add_to_cart', args: {} });
      assert.equal(over.status, 429);
      assert.match(over.headers['retry-after'], /^\d+$/);
    } finally {
      await new Promise((r) => server.close(r));
      await store.close();
      await redis?.stop();
    }
  });
}

// The demo store's scripted agent (agents/demo/page-answers.mjs) over HTTP:
// "add this to my basket" on a product page that declared add_to_cart is a
// short answer and a proposal the page can confirm; the next turn says how it went.
test('the demo agent proposes add_to_cart for the page\'s product and says what the page reported', async () => {
  const gateway = await startGatewayOnStore('memory', {});
  try {
    const url = gateway.server.url;
    const conversation = randomUUID();
    const key = newKey();
    const context = {
      page: { path: '/demo/products/astro-bot.html', title: 'Astro Bot' },
      product: { id: 'sku-astro', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP', availability: 'in_stock' },
      actions: [{ name: 'add_to_cart', confirm: true }],
    };
    const say = async (text, ctx) => {
      const id = randomUUID();
      const res = await postChat(url, { key: id, body: JSON.stringify({ message_id: id, conversation_id: conversation, conversation_key: key, text, context: ctx }) });
      assert.equal(res.status, 200, res.body);
      const events = parseEvents(res.body);
      return { text: events.filter((e) => e.event === 'delta').map((e) => e.data.text).join(''), action: events.find((e) => e.event === 'action')?.data };
    };
    const without = await say('add this to my basket', { ...context, actions: [] });
    assert.equal(without.action, undefined, 'not declared: no proposal');
    const asked = await say('please add this to my basket', context);
    assert.match(asked.text, /Astro Bot \(PS5\)/);
    assert.deepEqual(asked.action.args, { product_id: 'sku-astro', quantity: 1 });
    assert.deepEqual(asked.action.summary, { title: 'Astro Bot (PS5)', quantity: 1, price: '49.99', currency: 'GBP' });
    assert.equal(asked.action.confirm, true);
    const confirm = { conversation_id: conversation, conversation_key: key, action_id: asked.action.id, name: 'add_to_cart', args: asked.action.args };
    const run = await post(url, '/api/action', confirm);
    assert.equal(run.json.outcome, 'run');
    await post(url, '/api/action/result', { ...confirm, name: undefined, args: undefined, fence: run.json.fence, result: { ok: true, message: 'Added Astro Bot (PS5) to your basket' } });
    const next = await say('thanks', context);
    assert.match(next.text, /^Done: Added Astro Bot \(PS5\) to your basket\./);
  } finally {
    await gateway.close();
  }
});
