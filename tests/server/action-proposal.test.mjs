// The `action` reply event (docs/protocol.md "Actions"): the gateway sends a
// proposal only for a name the turn's page declared, takes `confirm` from
// the declaration, derives the id from (conversation, message, name) so a
// replayed reply carries the same id, keeps one per reply after the text,
// and a live-session widget that did not name "actions" never gets it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { agentReply } from '../../tools/gateway/agents/index.mjs';
import { actionId, checkActionProposal } from '../../tools/gateway/agents/action-proposal.mjs';
import { forClient } from '../../tools/gateway/session/legacy-events.mjs';
import { parseEvents, postChat, startTestServer, conversationKeyFor } from './helpers.mjs';

const TURN = {
  conversation_id: 'conv-actions-1', message_id: 'msg-actions-1', text: 'add this to my basket',
  context: { actions: [{ name: 'add_to_cart', confirm: true }, { name: 'open_product', confirm: false }] },
};
const SUMMARY = { title: 'Astro Bot (PS5)', variant: 'Standard edition', quantity: 1, price: '49.99', currency: 'GBP', image_url: 'https://shop.example/astro.png' };
const ARGS = { product_id: 'sku-astro', variant_id: 'std', quantity: 1 };

test('a declared action passes with a derived id, the declaration\'s confirm and the checked summary', () => {
  const checked = checkActionProposal({ name: 'add_to_cart', args: ARGS, summary: SUMMARY, confirm: false }, TURN);
  assert.equal(checked.ok, true);
  assert.deepEqual(checked.data, { id: actionId('conv-actions-1', 'msg-actions-1', 'add_to_cart'), name: 'add_to_cart', args: ARGS, confirm: true, summary: SUMMARY });
  assert.match(checked.data.id, /^act_[A-Za-z0-9_-]{22}$/);
  const again = checkActionProposal({ name: 'add_to_cart', args: ARGS, summary: SUMMARY }, { ...TURN });
  assert.equal(again.data.id, checked.data.id, 'a replayed reply proposes the same id');
  assert.notEqual(checkActionProposal({ name: 'add_to_cart', args: ARGS, summary: SUMMARY }, { ...TURN, message_id: 'msg-actions-2' }).data.id, checked.data.id);
  const quiet = checkActionProposal({ name: 'open_product', args: { product_id: 'sku-astro' } }, TURN);
  assert.deepEqual(quiet.data, { id: actionId('conv-actions-1', 'msg-actions-1', 'open_product'), name: 'open_product', args: { product_id: 'sku-astro' }, confirm: false });
});

test('args the page declared a type for must have it; the others pass to the page\'s handler as given', () => {
  const typed = { ...TURN, context: { actions: [{ name: 'add_to_cart', confirm: true, args: { product_id: 'string', quantity: 'integer', gift: 'boolean', weight: 'number' } }] } };
  const ok = (args) => checkActionProposal({ name: 'add_to_cart', args, summary: SUMMARY }, typed);
  assert.equal(ok({ product_id: 'sku-astro', quantity: 2, gift: false, weight: 1.5, note: 'anything' }).ok, true);
  assert.equal(ok({}).ok, true, 'a missing argument is the handler\'s to refuse');
  for (const [args, reason] of [
    [{ quantity: '2' }, /action\.args\.quantity must be an integer, as the page declared it/],
    [{ quantity: 1.5 }, /quantity must be an integer/],
    [{ product_id: 7 }, /action\.args\.product_id must be a string/],
    [{ gift: 'yes' }, /gift must be a boolean/],
    [{ weight: '1' }, /weight must be a number/],
  ]) {
    const checked = ok(args);
    assert.equal(checked.ok, false, JSON.stringify(args));
    assert.match(checked.reason, reason);
  }
});

let deep = {};
for (let i = 0; i < 10; i += 1) deep = { d: deep };
for (const [data, turn, reason] of [
  [{ name: 'apply_code', args: {}, summary: SUMMARY }, TURN, /"apply_code" is not declared/],
  [{ name: 'add_to_cart', args: ARGS, summary: SUMMARY }, { ...TURN, context: null }, /not declared/],
  [{ name: 'Add', args: ARGS, summary: SUMMARY }, TURN, /lower_snake_case/],
  [{ name: 'add_to_cart', args: ARGS }, TURN, /summary must be an object/],
  [{ name: 'add_to_cart', args: [1], summary: SUMMARY }, TURN, /args must be an object/],
  [{ name: 'add_to_cart', args: deep, summary: SUMMARY }, TURN, /nests deeper than 4/],
  [{ name: 'add_to_cart', args: { note: 'x'.repeat(2100) }, summary: SUMMARY }, TURN, /limit is 2048/],
  [{ name: 'add_to_cart', args: ARGS, summary: { ...SUMMARY, title: ' ' } }, TURN, /title must not be blank/],
  [{ name: 'add_to_cart', args: ARGS, summary: { ...SUMMARY, title: 't'.repeat(121) } }, TURN, /at most 120/],
  [{ name: 'add_to_cart', args: ARGS, summary: { ...SUMMARY, quantity: 1000 } }, TURN, /quantity must be a whole number from 1 to 999/],
  [{ name: 'add_to_cart', args: ARGS, summary: { ...SUMMARY, price: '49,99' } }, TURN, /decimal string/],
  [{ name: 'add_to_cart', args: ARGS, summary: { ...SUMMARY, currency: 'gbp' } }, TURN, /ISO 4217/],
  [{ name: 'add_to_cart', args: ARGS, summary: { ...SUMMARY, image_url: 'http://shop.example/a.png' } }, TURN, /image_url must be an https link/],
]) {
  test(`refused: ${reason}`, () => {
    const checked = checkActionProposal(data, turn);
    assert.equal(checked.ok, false);
    assert.match(checked.reason, reason);
  });
}

async function collect(events, turn = TURN) {
  const lines = [];
  const adapter = { name: 'test', async* reply() { yield* events; } };
  const out = [];
  for await (const e of agentReply(adapter, turn, { replyId: 'r1', log: (l) => lines.push(l) })) out.push(e);
  return { out, lines };
}

test('agentReply sends one action after the text, before done; a second and an undeclared one are dropped with a log line', async () => {
  const { out, lines } = await collect([
    { event: 'action', data: { name: 'add_to_cart', args: ARGS, summary: SUMMARY } },
    { event: 'delta', data: { text: 'Done: ' } },
    { event: 'action', data: { name: 'open_product', args: {} } },
    { event: 'action', data: { name: 'checkout', args: {} } },
    { event: 'delta', data: { text: 'shall I?' } },
  ]);
  assert.deepEqual(out.map((e) => e.event), ['start', 'delta', 'delta', 'action', 'done']);
  assert.equal(out[3].data.name, 'add_to_cart');
  assert.equal(out[3].data.id, actionId(TURN.conversation_id, TURN.message_id, 'add_to_cart'));
  assert.equal(lines.length, 2);
  assert.match(lines[0], /dropped an action: one per reply \(open_product after add_to_cart\)/);
  assert.match(lines[1], /dropped an action: action "checkout" is not declared/);
});

test('a live-session widget that did not name "actions" gets a bare start with the same seq', () => {
  const frame = { type: 'event', seq: 7, reply_to: 'm1', event: 'action', data: { id: 'act_x', name: 'add_to_cart' } };
  assert.deepEqual(forClient(frame, new Set(['handoff', 'suggestions'])), { type: 'event', seq: 7, reply_to: 'm1', event: 'start', data: { reply_id: 'action-7' } });
  assert.equal(forClient(frame, new Set(['handoff', 'actions'])), frame);
});

test('over HTTP the reply stream carries the action before done, and a retried message replays the same id without a second agent call', async () => {
  let calls = 0;
  const agent = {
    name: 'proposer', paced: false,
    async* reply(turn) {
      calls += 1;
      yield { event: 'delta', data: { text: 'Shall I add it?' } };
      yield { event: 'action', data: { name: 'add_to_cart', args: ARGS, summary: SUMMARY } };
    },
  };
  const gateway = await startTestServer({ agent });
  after(() => gateway.close());
  const body = JSON.stringify({ message_id: 'msg-actions-http', conversation_id: 'conv-actions-http', conversation_key: conversationKeyFor('conv-actions-http'), text: 'add this to my basket', context: TURN.context });
  const first = parseEvents((await postChat(gateway.url, { key: 'msg-actions-http', body })).body);
  assert.deepEqual(first.map((e) => e.event), ['start', 'delta', 'action', 'done']);
  const action = first[2].data;
  assert.equal(action.id, actionId('conv-actions-http', 'msg-actions-http', 'add_to_cart'));
  assert.equal(action.confirm, true);
  const again = parseEvents((await postChat(gateway.url, { key: 'msg-actions-http', body })).body);
  assert.deepEqual(again.find((e) => e.event === 'action').data, action);
  assert.equal(calls, 1);
});
