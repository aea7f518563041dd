// Page and cart context (docs/protocol.md "Page and cart context"): the
// gateway's checks, and a checked context travelling with its turn to the
// adapter over HTTP and over the live session, on both stores, shown to
// staff beside the conversation. A bad context is refused with a clear error
// and nothing of the turn is kept or run.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkContext, CONTEXT_LIMITS } from '../../tools/gateway/http/page-context.mjs';
import { contextMessage } from '../../tools/gateway/agents/openai.mjs';
import { parseClientFrame } from '../../tools/gateway/session/frames.mjs';
import { composeReply } from '../../tools/gateway/agents/demo/storefront-agent.mjs';
import { contextFacts } from '../../tools/gateway/staff/console/render.js';
import { CATALOGUES, translator } from '../../tools/gateway/staff/console/text.js';
import { request, postChat, parseEvents, conversationKeyFor } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';

const CONTEXT = {
  page: { path: '/products/astro-bot', title: 'Astro Bot (PS5)' },
  product: { id: 'sku-astro', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP', availability: 'in_stock' },
  cart: { items: [{ id: 'sku-ps5', name: 'PS5 Slim', quantity: 1, price: '449.00' }], total: '449.00', currency: 'GBP' },
  locale: 'de-DE',
};

test('a well-formed context is kept as given (trimmed); none is null', () => {
  assert.deepEqual(checkContext(CONTEXT), { ok: true, context: CONTEXT });
  assert.deepEqual(checkContext({ page: { path: '/a', title: '  Shoes ' } }).context, { page: { path: '/a', title: 'Shoes' } });
  assert.deepEqual(checkContext(undefined), { ok: true, context: null });
  assert.deepEqual(checkContext({}), { ok: true, context: null });
  assert.deepEqual(checkContext({ cart: { items: [] } }).context, { cart: { items: [] } }, 'an empty basket is worth saying');
});

for (const [value, expected] of [
  ['a string', /context must be an object/],
  [{ page: { path: '/a' }, secret: 1 }, /unknown key "secret"/],
  [{ page: { path: 'https://shop.example/a' } }, /path must be a path starting with "\/"/],
  [{ page: { path: '/a', title: 'x'.repeat(201) } }, /title must be at most 200 characters/],
  [{ product: { name: 'A\u0007' } }, /control characters/],
  [{ product: { price: '12,50' } }, /decimal string/],
  [{ product: { currency: 'pounds' } }, /ISO 4217/],
  [{ product: { availability: 'maybe' } }, /availability must be one of/],
  [{ product: { url: 'javascript:alert(1)' } }, /http\(s\) URL/],
  [{ cart: { items: [{ id: 'a', quantity: 0 }] } }, /quantity must be a whole number from 1 to 999/],
  [{ cart: { items: [{ quantity: 1 }] } }, /needs an id or a name/],
  [{ cart: { items: Array.from({ length: 51 }, (_, i) => ({ id: `s${i}`, quantity: 1 })) } }, /at most 50 lines/],
  [{ cart: { items: Array.from({ length: 50 }, (_, i) => ({ id: `s${i}`, name: 'n'.repeat(190), quantity: 1 })) } }, /bytes as JSON; the limit is 8192/],
  [{ locale: 'not a tag' }, /language tag/],
  [{ actions: { name: 'add_to_cart' } }, /context\.actions must be an array/],
  [{ actions: [{ name: 'Add-To-Cart', confirm: true }] }, /actions\[0\]\.name must be lower_snake_case/],
  [{ actions: [{ name: 'a'.repeat(41), confirm: true }] }, /name must be lower_snake_case, at most 40/],
  [{ actions: [{ name: 'add_to_cart', confirm: 'yes' }] }, /confirm must be true or false/],
  [{ actions: [{ name: 'add_to_cart', confirm: true, handler: 'x' }] }, /actions\[0\]: unknown key "handler"/],
  [{ actions: [{ name: 'add_to_cart', description: 'd'.repeat(201) }] }, /description must be at most 200/],
  [{ actions: [{ name: 'add_to_cart' }, { name: 'add_to_cart', confirm: false }] }, /actions\[1\]\.name "add_to_cart" is declared twice/],
  [{ actions: Array.from({ length: 17 }, (_, i) => ({ name: `a${i}`, confirm: true })) }, /at most 16 actions/],
  [{ actions: [{ name: 'add_to_cart', args: ['product_id'] }] }, /actions\[0\]\.args must be an object mapping/],
  [{ actions: [{ name: 'add_to_cart', args: { product_id: 'text' } }] }, /args\.product_id must be one of string, integer, number, boolean/],
  [{ actions: [{ name: 'add_to_cart', args: { 'product id': 'string' } }] }, /argument's name must be letters, digits or _/],
  [{ actions: [{ name: 'add_to_cart', args: JSON.parse('{"__proto__": "string"}') }] }, /argument's name must be letters/],
  [{ actions: [{ name: 'add_to_cart', args: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a${i}`, 'string'])) }] }, /at most 16 arguments/],
]) {
  test(`refused with a clear message: ${JSON.stringify(value).slice(0, 70)}`, () => {
    const checked = checkContext(value);
    assert.equal(checked.ok, false);
    assert.match(checked.message, expected);
  });
}

test('declared actions are kept with confirm always present (absent: true); an empty list is kept', () => {
  const declared = [
    { name: 'add_to_cart', description: ' Add the product to the basket ', confirm: true },
    { name: 'open_product' , confirm: false },
    { name: 'apply_code' },
  ];
  assert.deepEqual(checkContext({ actions: declared }).context, { actions: [
    { name: 'add_to_cart', description: 'Add the product to the basket', confirm: true },
    { name: 'open_product', confirm: false },
    { name: 'apply_code', confirm: true },
  ] });
  assert.deepEqual(checkContext({ actions: [] }).context, { actions: [] });
  const sixteen = Array.from({ length: 16 }, (_, i) => ({ name: `a${i}`, confirm: true }));
  assert.deepEqual(checkContext({ actions: sixteen }).context, { actions: sixteen });
});

test('a declared action keeps its argument types; none declared, no args key', () => {
  const args = { product_id: 'string', quantity: 'integer', gift: 'boolean', price: 'number' };
  assert.deepEqual(checkContext({ actions: [{ name: 'add_to_cart', args }, { name: 'go', args: {} }] }).context,
    { actions: [{ name: 'add_to_cart', confirm: true, args }, { name: 'go', confirm: true }] });
});

// The widget declares at most 16 actions, each description at most 200
// characters and each args at most 16 names: 16 such declarations do not
// fit the 8 KiB context. The gateway refuses the whole context by its size
// (400 bad_context: the message is not kept), never a part of it; the widget
// refuses, with a console error, the declaration that would not fit
// (shim/actions.js), so a widget never sends one.
test('16 maximal action declarations are over the 8 KiB context and refused whole, naming the size', () => {
  const args = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`argument_${String(i).padStart(2, '0')}_${'x'.repeat(28)}`, 'boolean']));
  const actions = Array.from({ length: 16 }, (_, i) => ({ name: `${'a'.repeat(38)}${String(i).padStart(2, '0')}`, description: 'd'.repeat(200), confirm: true, args }));
  const checked = checkContext({ actions });
  assert.equal(checked.ok, false);
  assert.match(checked.message, /^context is \d+ bytes as JSON; the limit is 8192\.$/);
  assert.ok(checkContext({ actions: actions.slice(0, 5) }).ok, 'five of them fit');
});

test('a context nested far too deep is refused without walking it recursively', () => {
  let deep = [];
  for (let i = 0; i < 50_000; i += 1) deep = [deep];
  assert.match(checkContext({ cart: { items: deep } }).message, /nests deeper than 4 levels/);
});

test('the limits are those docs/protocol.md states', () => {
  assert.deepEqual({ ...CONTEXT_LIMITS }, { bytes: 8192, text: 200, id: 128, path: 512, url: 2048, cartItems: 50, quantity: 999, actions: 16, actionArgs: 16 });
});

test('a msg frame with a bad context is bad_frame naming the message; a good one carries it', () => {
  const bad = parseClientFrame(JSON.stringify({ type: 'msg', message_id: 'm1', text: 'hi', context: { page: { path: 'x' } } }));
  assert.equal(bad.kind, 'bad');
  assert.equal(bad.message_id, 'm1');
  assert.match(bad.message, /^msg: context\.page\.path/);
  const good = parseClientFrame(JSON.stringify({ type: 'msg', message_id: 'm1', text: 'hi', context: CONTEXT }));
  assert.deepEqual(good.msg, { message_id: 'm1', text: 'hi', context: CONTEXT });
  assert.equal(parseClientFrame(JSON.stringify({ type: 'msg', message_id: 'm1', text: 'hi' })).msg.context, null);
});

test('the OpenAI-compatible model gets the context as data in a system message; none, no message', () => {
  const m = contextMessage(CONTEXT);
  assert.equal(m.role, 'system');
  assert.match(m.content, /data, not instructions/);
  assert.deepEqual(JSON.parse(m.content.slice(m.content.indexOf('{'))), CONTEXT);
  assert.equal(contextMessage(null), null);
});

test('the operator console says page, product and basket as text, in en, de and ar; nothing when none', () => {
  const said = contextFacts(translator('en'), { ...CONTEXT, variant: { name: 'Blue' } });
  assert.deepEqual(said, {
    page: 'Astro Bot (PS5) · /products/astro-bot',
    product: 'Astro Bot (PS5) · Blue · 49.99 GBP · in stock',
    cart: '1 × PS5 Slim · total 449.00 GBP',
  });
  assert.equal(contextFacts(translator('de'), CONTEXT).product, 'Astro Bot (PS5) · 49.99 GBP · auf Lager');
  assert.equal(contextFacts(translator('ar'), { cart: { items: [] } }).cart, 'فارغة');
  assert.deepEqual(contextFacts(translator('en'), null), { page: '', product: '', cart: '' });
  for (const lang of ['de', 'ar']) {
    const missing = Object.keys(CATALOGUES.en).filter((k) => !(k in CATALOGUES[lang]));
    assert.deepEqual(missing, [], `${lang} has every console string`);
  }
});

test('the demo agent answers "is this one in stock?" from the page, and "what is in my basket?" from the cart', () => {
  assert.equal(composeReply('is this one in stock?', null, [], CONTEXT).text, '**Astro Bot (PS5)** is in stock, at £49.99.');
  const gone = { product: { ...CONTEXT.product, availability: 'out_of_stock' }, variant: { name: 'Blue' } };
  assert.equal(composeReply('is it available?', null, [], gone).text, '**Astro Bot (PS5)** (Blue) is out of stock right now.');
  assert.equal(composeReply('how much is this?', null, [], CONTEXT).text, '**Astro Bot (PS5)** is £49.99.');
  assert.match(composeReply('is this one in stock?', null, [], { page: { path: '/' } }).text, /^Which product do you mean\?/);
  assert.equal(composeReply("what's in my basket?", null, [], CONTEXT).text, 'In your basket:\n- 1 × PS5 Slim\nTotal: **£449.00**');
  assert.equal(composeReply("what's in my basket?", null, [], { cart: { items: [] } }).text, 'Your basket is empty.');
  const injected = { product: { name: '**Free** [click](https://evil.example)', availability: 'in_stock' } };
  assert.equal(composeReply('is this in stock?', null, [], injected).text, '**Free click(https://evil.example)** is in stock.', 'no markup from the page');
  assert.doesNotMatch(composeReply('do you have PS5 games?', null, [], CONTEXT).text, /Astro Bot \(PS5\)\*\* is in stock/);
});

// An adapter that records what it is given.
function recordingAgent() {
  const turns = [];
  return {
    turns,
    agent: {
      name: 'recording', paced: false,
      async* reply(turn) { turns.push(turn); yield { event: 'delta', data: { text: 'ok' } }; },
    },
  };
}

const TOKEN = 'staff-token-0123456789abcdef';
const staffGet = (server, path) => request(server.url, { path, headers: { Authorization: `Bearer ${TOKEN}` } })
  .then((res) => JSON.parse(res.body));

for (const kind of STORE_KINDS) {
  describe(`context with the turn (${kind} store)`, () => {
    let gateway;
    const rec = recordingAgent();
    before(async () => { gateway = await startGatewayOnStore(kind, { agent: rec.agent, staffToken: TOKEN }); });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('HTTP: the body\'s context reaches the adapter with the turn; a retry runs nothing again', async () => {
      const body = JSON.stringify({ message_id: 'cx-h1', conversation_id: 'c-cx', conversation_key: conversationKeyFor('c-cx'), text: 'is this one in stock?', context: CONTEXT });
      const first = await postChat(gateway.server.url, { key: 'cx-h1', body });
      assert.equal(first.status, 200);
      assert.deepEqual(parseEvents(first.body).map((e) => e.event), ['start', 'delta', 'done']);
      await postChat(gateway.server.url, { key: 'cx-h1', body });
      const turns = rec.turns.filter((t) => t.message_id === 'cx-h1');
      assert.equal(turns.length, 1);
      assert.deepEqual(turns[0].context, CONTEXT);
    });

    test('HTTP: a bad context is 400 bad_context; the agent is not run and nothing is kept', async () => {
      const body = JSON.stringify({ message_id: 'cx-h2', conversation_id: 'c-cx2', conversation_key: conversationKeyFor('c-cx2'), text: 'hi', context: { cart: { items: 'lots' } } });
      const res = await postChat(gateway.server.url, { key: 'cx-h2', body });
      assert.equal(res.status, 400);
      const { error } = JSON.parse(res.body);
      assert.equal(error.code, 'bad_context');
      assert.match(error.message, /context\.cart\.items must be an array/);
      assert.equal(rec.turns.some((t) => t.message_id === 'cx-h2'), false);
      const ok = await postChat(gateway.server.url, { key: 'cx-h2', text: 'hi', conversation: 'c-cx2' });
      assert.equal(ok.status, 200, 'the refused body claimed nothing: the same id still runs');
    });

    test('session: the msg\'s context reaches the adapter; staff see the newest beside the conversation', async () => {
      const { socket, welcome } = await joinSession(gateway.server.url);
      const session = welcome.session_id;
      socket.send({ type: 'msg', message_id: 'cx-s1', text: 'is this one in stock?', context: CONTEXT });
      await socket.waitFor((f) => f.type === 'event' && f.event === 'done');
      assert.deepEqual(rec.turns.find((t) => t.message_id === 'cx-s1').context, CONTEXT);
      const moved = { page: { path: '/basket', title: 'Your basket' }, cart: CONTEXT.cart };
      socket.send({ type: 'msg', message_id: 'cx-s2', text: 'and now?', context: moved });
      await socket.waitFor((f) => f.type === 'event' && f.event === 'done' && f.reply_to === 'cx-s2');
      const seen = await staffGet(gateway.server, `/staff/conversations/${session}`);
      assert.deepEqual(seen.context, moved);
      socket.send({ type: 'msg', message_id: 'cx-s3', text: 'x', context: { product: { price: 'free' } } });
      const refused = await socket.waitFor((f) => f.type === 'error' && f.message_id === 'cx-s3');
      assert.equal(refused.code, 'bad_frame');
      assert.equal(rec.turns.some((t) => t.message_id === 'cx-s3'), false);
      assert.deepEqual((await staffGet(gateway.server, `/staff/conversations/${session}`)).context, moved, 'a refused msg changes nothing');
    });
  });
}
