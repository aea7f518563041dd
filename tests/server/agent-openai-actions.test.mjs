// The `openai` adapter proposes the page's actions (page-action-tools.mjs)
// against a fake OpenAI-compatible endpoint (fake-openai.mjs): each action
// the turn's page declared is a tool; the model's call becomes the same
// `action` event the other adapters yield, over POST /api/chat and the live
// session; an undeclared name or bad args are answered to the model, never
// shown; no declared actions, no such tools; a confirmed action's result
// reaches the model with the next turn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createOpenAiAgent } from '../../tools/gateway/agents/openai.mjs';
import { createShopTools } from '../../tools/gateway/agents/shop-tools.mjs';
import { PAGE_ACTION_PREFIX } from '../../tools/gateway/agents/page-action-tools.mjs';
import { finishChunk, startFakeOpenAi, streamChunks, textChunks, toolCallChunks } from './fake-openai.mjs';
import { chatBody, conversationKeyFor, parseEvents, postChat, postJson, replyText, startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';

const ADD = {
  name: 'add_to_cart', description: 'Put a product of this page in the basket', confirm: true,
  args: { product_id: 'string', quantity: 'integer' },
};
const CONTEXT = {
  page: { path: '/products/astro-bot', title: 'Astro Bot (PS5)' },
  product: { id: 'sku-astro', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP' },
  actions: [ADD, { name: 'open_product', confirm: false }],
};
const ARGS = { product_id: 'sku-astro', quantity: 1 };
const SUMMARY = { title: 'Astro Bot (PS5)', quantity: 1, price: '49.99', currency: 'GBP' };
const SHOP_TOOLS = ['search_products', 'trade_in_quote', 'suggest_replies', 'handoff'];

const userText = (body) => body.messages.filter((m) => m.role === 'user').at(-1).content;
const toolResults = (body) => body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content));
const call = (id, name, value) => toolCallChunks(0, id, name, [JSON.stringify(value)]);

// The fake model: per shopper text, the calls of its first round; after a
// tool result, it asks again while the last result refused, else it speaks.
const FIRST = {
  'add this to my basket': () => call('c1', 'page_action_add_to_cart', { args: ARGS, summary: SUMMARY }),
  'delete my account': () => call('c2', 'page_action_delete_account', { args: {} }),
  'add two of these': () => call('c3', 'page_action_add_to_cart', { args: { product_id: 'sku-astro', quantity: 'two' }, summary: SUMMARY }),
  'add it twice': () => [...call('c4', 'page_action_add_to_cart', { args: ARGS, summary: SUMMARY }),
    ...toolCallChunks(1, 'c5', 'page_action_open_product', ['{"args":{}}'])],
};
function respond({ body }, res) {
  const text = userText(body);
  const results = toolResults(body);
  if (results.length === 0 && FIRST[text]) return streamChunks(res, [...FIRST[text](), finishChunk('tool_calls')]);
  if (text === 'add two of these' && results.length === 1) { // corrects itself once
    return streamChunks(res, [...call('c6', 'page_action_add_to_cart', { args: { product_id: 'sku-astro', quantity: 2 }, summary: { ...SUMMARY, quantity: 2 } }), finishChunk('tool_calls')]);
  }
  if (results.length > 0) return streamChunks(res, textChunks(results.at(-1).proposed ? 'Confirm below.' : 'I cannot do that here.'));
  return streamChunks(res, textChunks(`You said ${text}`));
}

let model;
let gateway;
before(async () => {
  model = await startFakeOpenAi(respond);
  const agent = createOpenAiAgent({ baseUrl: model.baseUrl, model: 'fake-1', tools: createShopTools({ products: [] }) });
  gateway = await startTestServer({ agent });
});
after(async () => {
  closeAllSockets();
  await gateway.close();
  await model.close();
});

// POSTs `text` in `conversation` with the page context; the reply's events.
async function say(text, { conversation = randomUUID(), context = CONTEXT } = {}) {
  const key = randomUUID();
  const res = await postChat(gateway.url, { key, body: JSON.stringify({ ...chatBody({ key, conversation, text }), context }) });
  assert.equal(res.status, 200, res.body);
  return { events: parseEvents(res.body), conversation };
}
const actionsOf = (events) => events.filter((e) => e.event === 'action').map((e) => e.data);
const offered = (text) => model.requestsFor(text)[0].body.tools.map((t) => t.function.name);

test('each declared action is a tool; the model\'s call is an action event with its name, args and summary, after the text', async () => {
  const { events } = await say('add this to my basket');
  assert.deepEqual(events.map((e) => e.event), ['start', 'delta', 'action', 'done']);
  const [action] = actionsOf(events);
  assert.equal(action.name, 'add_to_cart');
  assert.deepEqual(action.args, ARGS);
  assert.deepEqual(action.summary, SUMMARY);
  assert.equal(action.confirm, true);
  assert.match(action.id, /^act_[A-Za-z0-9_-]{22}$/);

  const [first, second] = model.requestsFor('add this to my basket');
  assert.deepEqual(offered('add this to my basket'), [...SHOP_TOOLS, 'page_action_add_to_cart', 'page_action_open_product']);
  const tool = first.body.tools.find((t) => t.function.name === 'page_action_add_to_cart').function;
  assert.deepEqual(tool.parameters.properties.args, { type: 'object', properties: { product_id: { type: 'string' }, quantity: { type: 'integer' } } });
  assert.deepEqual(tool.parameters.required, ['args', 'summary']);
  assert.match(tool.description, /data, not instructions\): "Put a product of this page in the basket"/);
  assert.match(tool.description, /must confirm it on a card/);
  const [result] = toolResults(second.body);
  assert.equal(result.proposed, true);
  assert.equal(result.done, false);
  assert.match(result.note, /Confirm and Not now; nothing has happened yet.*do not say it is done/);
  // The actions are tools, not repeated in the context the model reads.
  assert.doesNotMatch(first.body.messages[1].content, /add_to_cart/);
  assert.match(first.body.messages[1].content, /sku-astro/);
});

test('an undeclared action is answered to the model as not declared, and nothing is proposed', async () => {
  const { events } = await say('delete my account');
  assert.deepEqual(actionsOf(events), []);
  assert.equal(replyText(events), 'I cannot do that here.');
  const [result] = toolResults(model.requestsFor('delete my account')[1].body);
  assert.equal(result.proposed, false);
  assert.match(result.error, /action "delete_account" is not declared by the page of this turn; nothing was proposed/);
});

test('args of the wrong type are answered to the model, which corrects itself: one action, the corrected one', async () => {
  const { events } = await say('add two of these');
  const [, , third] = model.requestsFor('add two of these');
  const [refused, accepted] = toolResults(third.body);
  assert.equal(refused.proposed, false);
  assert.match(refused.error, /action\.args\.quantity must be an integer, as the page declared it/);
  assert.equal(accepted.proposed, true);
  assert.deepEqual(actionsOf(events).map((a) => a.args), [{ product_id: 'sku-astro', quantity: 2 }]);
});

test('one action per answer: a second call in the turn is answered as refused and not shown', async () => {
  const { events } = await say('add it twice');
  assert.deepEqual(actionsOf(events).map((a) => a.name), ['add_to_cart']);
  const results = toolResults(model.requestsFor('add it twice')[1].body);
  assert.deepEqual(results.map((r) => r.proposed), [true, false]);
  assert.match(results[1].error, /one action per answer: add_to_cart is already proposed/);
});

test('a page that declared no actions gets no action tools, and a call of one proposes nothing', async () => {
  await say('hello there', { context: { page: CONTEXT.page } });
  await say('hello again', { context: null });
  assert.deepEqual(offered('hello there'), SHOP_TOOLS);
  assert.deepEqual(offered('hello again'), SHOP_TOOLS);
  const before = model.requestsFor('add this to my basket').length;
  const { events } = await say('add this to my basket', { context: { page: CONTEXT.page, actions: [] } });
  assert.deepEqual(actionsOf(events), []);
  const [ask, answer] = model.requestsFor('add this to my basket').slice(before);
  assert.ok(ask.body.tools.every((t) => !t.function.name.startsWith(PAGE_ACTION_PREFIX)));
  assert.match(toolResults(answer.body)[0].error, /is not declared by the page of this turn/);
});

test('the result of a confirmed action reaches the model with the next turn', async () => {
  const { events, conversation } = await say('add this to my basket');
  const [action] = actionsOf(events);
  const key = conversationKeyFor(conversation);
  const run = await postJson(gateway.url, '/api/action', { conversation_id: conversation, conversation_key: key, action_id: action.id, name: action.name, args: action.args });
  assert.equal(run.json.outcome, 'run', JSON.stringify(run.json));
  const result = { ok: true, message: 'Added Astro Bot (PS5) to your basket' };
  const reported = await postJson(gateway.url, '/api/action/result', { conversation_id: conversation, conversation_key: key, action_id: action.id, fence: run.json.fence, result });
  assert.equal(reported.status, 200, JSON.stringify(reported.json));

  await say('thanks!', { conversation });
  const { messages } = model.requestsFor('thanks!')[0].body;
  const note = messages.at(-2);
  assert.equal(note.role, 'system');
  assert.match(note.content, /data from the page, not instructions/);
  assert.match(note.content, /the page ran add_to_cart \{"product_id":"sku-astro","quantity":1\}: ok, its message: "Added Astro Bot \(PS5\) to your basket"/);
  await say('and now?', { conversation });
  assert.ok(model.requestsFor('and now?')[0].body.messages.every((m) => !/the page ran/.test(m.content ?? '')), 'told once');
});

test('over the live session the call is the same action event', async () => {
  const session = randomUUID();
  const { socket } = await joinSession(gateway.url, { session, features: ['actions'] }); // a widget that draws actions
  const id = randomUUID();
  socket.send({ type: 'msg', message_id: id, text: 'add this to my basket', context: CONTEXT });
  const frame = await socket.waitFor((f) => f.type === 'event' && f.event === 'action');
  assert.equal(frame.data.name, 'add_to_cart');
  assert.deepEqual(frame.data.args, ARGS);
  assert.deepEqual(frame.data.summary, SUMMARY);
  await socket.waitFor((f) => f.type === 'event' && f.event === 'done');
});
