// One client cannot stop AI chat for everyone (docs/security-http.md):
// POST /api/chat has a per-address and a per-conversation budget (429 with
// Retry-After, nothing stored), and the shared idempotency cap pushes out the
// oldest record instead of refusing every shopper. Attacks are small (the
// limits lowered), and a shopper from another address is served throughout.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chatBody, postChat, postJson, request, stats } from './helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { addressKey, createChatBudget } from '../../tools/gateway/http/chat-budget.mjs';
import { DEFAULT_LIMITS } from '../../tools/gateway/store/limits.mjs';

const gateways = [];
after(async () => { for (const g of gateways) await g.close(); });
async function serve(limits, kind = 'memory') {
  const gateway = await startGatewayOnStore(kind, { limits });
  gateways.push(gateway);
  return gateway.server;
}

// A shopper on another machine: the same chat POST from 127.0.0.2.
async function postFrom(localAddress, baseUrl, { key = randomUUID(), conversation = 'conv-shopper' } = {}) {
  const res = await postJson(baseUrl, '/api/chat', chatBody({ key, conversation }), { localAddress, headers: { 'Idempotency-Key': key } });
  return res.status;
}

const holds = async (server, conversation, visitor) => JSON.parse((await request(server.url, {
  method: 'POST', path: '/__natter/visitor/matches', body: JSON.stringify({ conversation_id: conversation, visitor }),
})).body).matches;

const withVisitor = (server, conversation, key = randomUUID()) => postChat(server.url, {
  key, body: JSON.stringify({ ...chatBody({ key, conversation }), visitor: { id: 'v-1' } }),
});

for (const kind of STORE_KINDS) {
test(`${kind}: over the per-address budget: 429 with Retry-After, no record, no visitor; another address is served`, async () => {
  const server = await serve({ chatPerAddress: 3, chatPerConversation: 100 }, kind);
  for (let i = 0; i < 3; i += 1) assert.equal((await postChat(server.url, { conversation: `flood-${i}` })).status, 200);
  const key = randomUUID();
  const refused = await withVisitor(server, 'flood-new', key);
  assert.equal(refused.status, 429);
  assert.equal(JSON.parse(refused.body).error.code, 'rate_limited');
  const wait = Number(refused.headers['retry-after']);
  assert.ok(wait >= 1 && wait <= 60, refused.headers['retry-after']);
  assert.equal(refused.headers['access-control-allow-origin'], '*', 'the widget can read it');
  assert.equal((await stats(server.url)).agent_runs[key], undefined, 'no agent run');
  assert.equal(await holds(server, 'flood-new', null), true, 'no visitor record');
  assert.equal(await postFrom('127.0.0.2', server.url), 200, 'a shopper elsewhere is served');
  assert.ok(server.lines.some((l) => l.includes('over the per-address budget')));
});

}

// A shop runs several instances behind a balancer: a client that reaches
// each in turn must still have its budgets once, not once per instance.
test('redis: two instances on one store share the budgets: a client alternating between them has each once', async () => {
  const gateway = await startGatewayOnStore('redis', { limits: { chatPerAddress: 4, chatPerConversation: 3 } });
  gateways.push(gateway);
  const urls = [gateway.server.url, (await gateway.another()).url];
  const byAddress = [];
  for (let i = 0; i < 5; i += 1) byAddress.push(await postFrom('127.0.0.3', urls[i % 2], { conversation: `spread-${i}` }));
  assert.deepEqual(byAddress, [200, 200, 200, 200, 429], 'the address\'s 4, whichever instance counted them');
  const byConversation = [];
  for (let i = 0; i < 4; i += 1) byConversation.push(await postFrom(`127.0.0.${10 + i}`, urls[i % 2], { conversation: 'shared' }));
  assert.deepEqual(byConversation, [200, 200, 200, 429], 'the conversation\'s 3, from four addresses');
  assert.equal(await postFrom('127.0.0.2', urls[1], { conversation: 'elsewhere' }), 200, 'another client is served');
});

test('over the per-conversation budget: 429; a retry of a counted message and another conversation are served', async () => {
  const server = await serve({ chatPerConversation: 2 });
  const key = randomUUID();
  assert.equal((await postChat(server.url, { key, conversation: 'chatty' })).status, 200);
  assert.equal((await postChat(server.url, { conversation: 'chatty' })).status, 200);
  const refused = await postChat(server.url, { conversation: 'chatty' });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers['retry-after']) >= 1);
  assert.equal((await postChat(server.url, { conversation: 'quiet' })).status, 200);
  const again = await postChat(server.url, { key, conversation: 'chatty' });
  assert.equal(again.status, 200, 'the same message again (a retry) costs nothing more');
  assert.equal(again.headers['idempotent-replayed'], 'replayed');
});

// A conversation id is a name others may know (a link, a log, a shop's
// support tool): a stranger posting with it and the wrong key is refused
// (403) without spending the conversation's budget, so its owner is served.
test('a stranger flooding a conversation\'s id with the wrong key does not use up its owner\'s budget', async () => {
  const server = await serve({ chatPerAddress: 100, chatPerConversation: 2 });
  assert.equal((await postChat(server.url, { conversation: 'owned' })).status, 200, 'the owner binds its key');
  for (let i = 0; i < 4; i += 1) {
    const key = randomUUID();
    const body = { ...chatBody({ key, conversation: 'owned' }), conversation_key: 'f'.repeat(48) };
    const res = await postJson(server.url, '/api/chat', body, { localAddress: '127.0.0.2', headers: { 'Idempotency-Key': key } });
    assert.equal(res.status, 403, `the stranger's message ${i}`);
  }
  assert.equal((await postChat(server.url, { conversation: 'owned' })).status, 200, 'the owner\'s next message is served');
  assert.equal((await postChat(server.url, { conversation: 'owned' })).status, 429, 'its own budget still holds');
});

for (const kind of STORE_KINDS) {
test(`${kind}: at the idempotency cap a flood of new ids evicts the oldest records; shoppers are never refused`, async () => {
  const server = await serve({ maxRuns: 3 }, kind);
  for (let i = 0; i < 8; i += 1) {
    assert.equal((await postChat(server.url, { conversation: `cap-${i}` })).status, 200, `flood message ${i}`);
  }
  assert.equal(await postFrom('127.0.0.2', server.url), 200, 'a shopper after the flood');
});

test(`${kind}: a refused request creates no visitor record (idempotency key reused with another body)`, async () => {
  const server = await serve({}, kind);
  const key = randomUUID();
  assert.equal((await postChat(server.url, { key, conversation: 'kept' })).status, 200);
  const reused = await postChat(server.url, {
    key, body: JSON.stringify({ ...chatBody({ key, conversation: 'other', text: 'changed' }), visitor: { id: 'v-9' } }),
  });
  assert.equal(reused.status, 422);
  assert.equal(await holds(server, 'other', null), true);
});
}

test('the budget: counts per window, refuses without counting, IPv6 by /64, one value per bound', () => {
  let t = 0;
  const budget = createChatBudget({ chatPerAddress: 2, chatPerConversation: 10, chatWindowMs: 1000 }, { now: () => t });
  assert.equal(budget.takeAddress('2001:db8:1:2::1'), null);
  assert.equal(budget.takeAddress('2001:db8:1:2:ffff::9'), null);
  t = 400;
  assert.deepEqual(budget.takeAddress('2001:db8:1:2::7'), { retryAfterS: 1, by: 'address' });
  assert.equal(budget.takeAddress('2001:db8:1:3::1'), null, 'another /64');
  t = 1000;
  assert.equal(budget.takeAddress('2001:db8:1:2::1'), null, 'a new window');
  const one = createChatBudget({ chatPerAddress: 100, chatPerConversation: 1, chatWindowMs: 1000 }, { now: () => t });
  assert.equal(one.takeConversation('c', 'm1'), null);
  assert.equal(one.takeConversation('c', 'm1'), null, 'a retry of m1');
  assert.deepEqual(one.takeConversation('c', 'm2'), { retryAfterS: 1, by: 'conversation' });
  assert.equal(one.takeConversation('d', 'm2'), null, 'another conversation');
  assert.equal(addressKey('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(DEFAULT_LIMITS.chatPerAddress, 600);
  assert.equal(DEFAULT_LIMITS.chatPerConversation, 30);
  assert.equal(DEFAULT_LIMITS.chatWindowMs, 60_000);
});
