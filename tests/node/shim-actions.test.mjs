// shim/actions.js: natter('action', …) keeps a checked registry (a bad call
// throws a message naming what is wrong and changes nothing), the declared
// list is what the page context carries, and run_action calls the handler
// with (args, {actionId, retry}) and answers action_ran once, a thrown error
// or a handler that is missing being ok:false.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createActions, MAX_ACTIONS } from '../../shim/actions.js';

function setup() {
  const sent = [];
  let changes = 0;
  const actions = createActions({ dispatch: (e) => sent.push(e), onChange: () => { changes += 1; } });
  return { actions, sent, changes: () => changes };
}

test('a declared action is listed for the page context with its confirm, and null removes it', () => {
  const { actions, changes } = setup();
  actions.declare('add_to_cart', { description: 'Adds a product', args: { product_id: 'string', quantity: 'integer' } }, async () => ({ ok: true }));
  actions.declare('open_product', { confirm: false }, () => ({ ok: true }));
  assert.deepEqual(actions.declared(), [
    { name: 'add_to_cart', description: 'Adds a product', confirm: true, args: { product_id: 'string', quantity: 'integer' } },
    { name: 'open_product', confirm: false },
  ]);
  assert.equal(actions.has('add_to_cart'), true);
  actions.declare('add_to_cart', null);
  assert.deepEqual(actions.declared().map((a) => a.name), ['open_product']);
  assert.equal(changes(), 3);
});

test('a bad call throws a message naming the fault and changes nothing', () => {
  const { actions, changes } = setup();
  const ok = () => ({ ok: true });
  const bad = [
    ['Add', {}, ok, /lower_snake_case/],
    ['a'.repeat(41), {}, ok, /lower_snake_case/],
    ['add_to_cart', 'x', ok, /spec must be an object/],
    ['add_to_cart', { color: 'red' }, ok, /unknown key "color"/],
    ['add_to_cart', { confirm: 'yes' }, ok, /confirm must be a boolean/],
    ['add_to_cart', { description: 'x'.repeat(201) }, ok, /description/],
    ['add_to_cart', { args: { big: 'x'.repeat(1100) } }, ok, /: spec\.args\.big must be one of string, integer, number, boolean$/],
    ['add_to_cart', { args: { type: 'object', properties: {} } }, ok, /spec\.args\.properties must be one of/],
    ['add_to_cart', { args: { product_id: { type: 'string' } } }, ok, /spec\.args\.product_id must be one of string, integer, number, boolean$/],
    ['add_to_cart', { args: ['product_id'] }, ok, /spec\.args must be an object mapping each argument's name to its type$/],
    ['add_to_cart', {}, 'not a function', /handler must be a function/],
  ];
  for (const [name, spec, handler, message] of bad) assert.throws(() => actions.declare(name, spec, handler), message);
  assert.deepEqual(actions.declared(), []);
  assert.equal(changes(), 0);
  for (let i = 0; i < MAX_ACTIONS; i += 1) actions.declare(`a${i}`, {}, ok);
  assert.throws(() => actions.declare('one_more', {}, ok), /at most 16 actions/);
  actions.declare('a0', { confirm: false }, ok); // replacing one is not one more
  assert.equal(actions.declared().length, MAX_ACTIONS);
});

test('run_action calls the handler with its args and {actionId, retry}, and answers action_ran once', async () => {
  const { actions, sent } = setup();
  const calls = [];
  actions.declare('add_to_cart', {}, async (args, meta) => {
    calls.push([args, meta]);
    return { ok: true, message: 'Added to basket', data: { cart_count: 2 }, extra: 'ignored' };
  });
  await actions.run({ action_id: 'act_1', name: 'add_to_cart', args: { product_id: 'sku-astro' }, retry: true });
  assert.deepEqual(calls, [[{ product_id: 'sku-astro' }, { actionId: 'act_1', retry: true }]]);
  assert.deepEqual(sent, [{ type: 'action_ran', action_id: 'act_1', ok: true, message: 'Added to basket', data: { cart_count: 2 } }]);
});

test('a thrown error, a non-object answer or a missing handler is ok:false; the error text stays in the page', async () => {
  const { actions, sent } = setup();
  actions.declare('boom', {}, async () => { throw new Error('secret stack'); });
  actions.declare('odd', {}, () => 'yes');
  await actions.run({ action_id: 'a1', name: 'boom', args: {}, retry: false });
  await actions.run({ action_id: 'a2', name: 'odd', args: {}, retry: false });
  await actions.run({ action_id: 'a3', name: 'gone', args: {}, retry: false });
  assert.deepEqual(sent, [
    { type: 'action_ran', action_id: 'a1', ok: false, message: '' },
    { type: 'action_ran', action_id: 'a2', ok: false, message: '' },
    { type: 'action_ran', action_id: 'a3', ok: false, message: '' },
  ]);
});

test('a long message is cut to 200 characters and data over 2 KiB is left out', async () => {
  const { actions, sent } = setup();
  actions.declare('add_to_cart', {}, () => ({ ok: true, message: 'm'.repeat(300), data: { blob: 'x'.repeat(3000) } }));
  await actions.run({ action_id: 'a1', name: 'add_to_cart', args: {}, retry: false });
  assert.equal(sent[0].message.length, 200);
  assert.equal('data' in sent[0], false);
});

// 16 declarations at their bounds (40-character names, 200-character
// descriptions, 16 long argument names each) are about 18 KiB: the page
// context holds 8. The one that would not fit is refused with a message
// saying so, and nothing of the list already declared changes.
test('a declaration that would take the page context over 8 KiB is refused, naming the bound; the others stay', () => {
  const { actions, changes } = setup();
  const args = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`argument_${String(i).padStart(2, '0')}_${'x'.repeat(28)}`, 'boolean']));
  const spec = { description: 'd'.repeat(200), args };
  const refused = [];
  for (let i = 0; i < MAX_ACTIONS; i += 1) {
    try { actions.declare(`${'a'.repeat(38)}${String(i).padStart(2, '0')}`, spec, () => ({ ok: true })); } catch (err) { refused.push(err.message); }
  }
  const kept = actions.declared();
  assert.equal(kept.length, 7);
  assert.equal(changes(), 7);
  assert.equal(refused.length, 9);
  assert.match(refused[0], /^natter\('action', 'a{38}07', …\): with it the page context would be over its 8192 bytes as JSON; not declared/);
  assert.ok(new TextEncoder().encode(JSON.stringify({ actions: kept })).length <= 8192);
  actions.declare(kept[0].name, { description: 'short' }, () => ({ ok: true })); // replacing one with a smaller one fits
  actions.declare('small', {}, () => ({ ok: true }));
  assert.equal(actions.declared().length, 8);
});
