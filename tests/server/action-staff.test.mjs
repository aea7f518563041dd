// Staff see the actions the page ran in a conversation (GET
// /staff/conversations/{id}: `actions`), on both stores: a live-session
// conversation whose agent proposed add_to_cart, confirmed and reported over
// HTTP with the hello's conversation_key.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, conversationKeyFor } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';

const TOKEN = 'staff-token-0123456789abcdef';
const CONTEXT = { actions: [{ name: 'add_to_cart', confirm: true }] };
const ARGS = { product_id: 'sku-astro', quantity: 1 };
const agent = {
  name: 'proposer', paced: false,
  async* reply() {
    yield { event: 'delta', data: { text: 'Shall I add it?' } };
    yield { event: 'action', data: { name: 'add_to_cart', args: ARGS, summary: { title: 'Astro Bot (PS5)', quantity: 1 } } };
  },
};
const post = (url, path, body) => request(url, { method: 'POST', path, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  .then((res) => ({ status: res.status, json: JSON.parse(res.body) }));

for (const kind of STORE_KINDS) {
  describe(`staff see a conversation's actions (${kind} store)`, () => {
    let gateway;
    before(async () => { gateway = await startGatewayOnStore(kind, { agent, staffToken: TOKEN }); });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('a reported action is listed with its result', async () => {
      const url = gateway.server.url;
      const { socket, welcome } = await joinSession(url, { features: ['handoff', 'suggestions', 'actions'] });
      const session = welcome.session_id;
      socket.send({ type: 'msg', message_id: 'as-1', text: 'add this to my basket', context: CONTEXT });
      const action = await socket.waitFor((f) => f.type === 'event' && f.event === 'action');
      const staff = () => request(url, { path: `/staff/conversations/${session}`, headers: { Authorization: `Bearer ${TOKEN}` } }).then((r) => JSON.parse(r.body));
      assert.deepEqual((await staff()).actions, []);
      const confirm = { conversation_id: session, conversation_key: conversationKeyFor(session), action_id: action.data.id, name: 'add_to_cart', args: ARGS };
      const run = await post(url, '/api/action', confirm);
      assert.equal(run.json.outcome, 'run', JSON.stringify(run.json));
      const result = { ok: true, message: 'Added to basket' };
      assert.equal((await post(url, '/api/action/result', { ...confirm, fence: run.json.fence, result })).status, 200);
      assert.deepEqual((await staff()).actions, [{ id: action.data.id, name: 'add_to_cart', result }]);
    });
  });
}

// The console's lines for what the page ran (console/render.js actionLines):
// the page's own words as text, in each language, none when nothing ran.
test('the console says what the page ran, in each language', async () => {
  const { actionLines } = await import('../../tools/gateway/staff/console/render.js');
  const { translator } = await import('../../tools/gateway/staff/console/text.js');
  const ran = [
    { id: 'act_1', name: 'add_to_cart', result: { ok: true, message: 'Added Astro Bot to your basket' } },
    { id: 'act_2', name: 'add_to_cart', result: { ok: false } },
  ];
  // The page's words are isolated (FSI ... PDI) so an Arabic line keeps them whole.
  const i = (text) => `\u2068${text}\u2069`;
  assert.deepEqual(actionLines(translator('en'), ran), [`${i('add_to_cart')}: done (${i('Added Astro Bot to your basket')})`,
    `${i('add_to_cart')}: did not work`]);
  assert.deepEqual(actionLines(translator('de'), ran.slice(1)), [`${i('add_to_cart')}: hat nicht geklappt`]);
  assert.deepEqual(actionLines(translator('ar'), ran.slice(0, 1)), [`${i('add_to_cart')}: تم (${i('Added Astro Bot to your basket')})`]);
  assert.deepEqual(actionLines(translator('en'), undefined), []);
});
