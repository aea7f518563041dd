// The shim's loop driving the real WASM core (build/wasm), with a recording
// UI and a fake fetch: the wiring boot.js does, minus the DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { coreWasmPath, loadCore } from './load-core.mjs';
import { createCoreHost } from '../../shim/core-host.js';
import { createEffectRunner } from '../../shim/effects.js';
import { createHttpTransport } from '../../shim/http-transport.js';
import { createListeners } from '../../shim/listeners.js';
import { createLog } from '../../shim/log.js';
import { enterEvent } from '../../shim/keyboard.js';

const skip = existsSync(coreWasmPath) ? false : 'WASM core not built (npm run build)';

const sse = 'event: start\ndata: {"reply_id":"r1"}\n\n' +
  'event: delta\ndata: {"text":"Yes! **3 PS5 games**"}\n\n' +
  'event: card\ndata: {"product":{"id":"astro","name":"Astro Bot","price":"49.99","currency":"GBP","url":"https://shop.example/p/astro"}}\n\n' +
  'event: done\ndata: {}\n\n';

async function harness(respond) {
  const { NatterCore } = await loadCore();
  const core = new NatterCore(JSON.stringify({ chat_url: 'http://agent.test/api/chat', conversation_id: 'conv-1',
    seed_hi: '00000000000000aa', seed_lo: '00000000000000bb' }));
  const ui = { calls: [] };
  const rec = (name) => (arg) => ui.calls.push([name, arg]);
  ui.composer = { clear: rec('clear'), showError: rec('error') };
  ui.messages = { addUser: rec('user'), setDelivery: rec('delivery'), updateAgent: rec('agent'), addCard: rec('card'),
    setSaved: rec('saved') };
  const lines = [];
  const console = { debug: (t) => lines.push(t), info: (t) => lines.push(t), warn: (t) => lines.push(t), error: (t) => lines.push(t) };
  const listeners = createListeners({ console });
  const requests = [];
  let host;
  const dispatch = (e) => host.dispatch(e);
  const transport = createHttpTransport({
    fetch: async (url, init) => { requests.push({ url, ...init }); return respond(requests.length); },
    dispatch, wallNow: Date.now,
  });
  const started = [];
  const runEffect = createEffectRunner({
    ui, listeners, log: createLog({ console, now: () => 0 }),
    transport: { start: (e) => started.push(transport.start(e)), abort: transport.abort },
  });
  host = createCoreHost({ core, runEffect, now: () => performance.now(), setTimeout, clearTimeout, console });
  const settle = async () => { while (started.length) await started.shift(); };
  return { host, ui, lines, requests, listeners, settle, core };
}

test('Enter sends once, the reply streams into the UI, a second Enter is blocked and logged', { skip }, async () => {
  const h = await harness(() => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
  const ran = h.host.dispatch(enterEvent({ key: 'Enter' }, 'do you have PS5 games?'));
  assert.ok(ran.some((e) => e.type === 'consume_key'));
  h.host.dispatch(enterEvent({ key: 'Enter' }, 'do you have PS5 games?'));
  await h.settle();
  assert.equal(h.requests.length, 1);
  const idem = new Headers(h.requests[0].headers).get('idempotency-key');
  assert.equal(JSON.parse(h.requests[0].body).message_id, idem);
  assert.ok(h.lines.includes('[natter] send blocked: already sending'));
  const kinds = h.ui.calls.map(([k]) => k);
  assert.deepEqual(kinds.slice(0, 3), ['clear', 'user', 'delivery']);
  const last = h.ui.calls.filter(([k]) => k === 'agent').at(-1)[1];
  assert.equal(last.done, true);
  assert.equal(last.content.blocks[0].lines[0][1].bold, true);
  assert.equal(h.ui.calls.find(([k]) => k === 'card')[1].name, 'Astro Bot');
  h.host.dispose();
});

test('a 503 with Retry-After is retried by the core with the same key, through the shim timer', { skip }, async () => {
  const h = await harness((n) => (n === 1
    ? new Response('{"error":{"code":"busy","message":"busy"}}', { status: 503, headers: { 'retry-after': '1' } })
    : new Response(sse, { status: 200 })));
  h.host.dispatch({ type: 'send_clicked', text: 'hello' });
  await h.settle();
  const states = () => h.ui.calls.filter(([k]) => k === 'delivery').map(([, d]) => d.state);
  assert.deepEqual(states(), ['sending', 'retrying']);
  // The shim's armed timer feeds tick when the core's retry is due.
  for (let waited = 0; h.requests.length < 2 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  await h.settle();
  assert.equal(h.requests.length, 2);
  const key = (r) => new Headers(r.headers).get('idempotency-key');
  assert.equal(key(h.requests[0]), key(h.requests[1]));
  assert.deepEqual(states(), ['sending', 'retrying', 'sent']);
  h.host.dispose();
});

test("a card's Save toggle goes through the WASM core: the card's state, then one host event, persisted", { skip }, async () => {
  const h = await harness(() => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
  const heard = [];
  h.listeners.on('product_saved', (p) => heard.push(['saved', p]));
  h.listeners.on('product_unsaved', (p) => heard.push(['unsaved', p]));
  h.host.dispatch(enterEvent({ key: 'Enter' }, 'do you have PS5 games?'));
  await h.settle();
  const card = h.ui.calls.find(([k]) => k === 'card')[1];
  assert.equal(card.saved, undefined, 'not saved: the field is left out');
  assert.equal(card.savable, undefined, 'savable: the field is left out');
  const ran = h.host.dispatch({ type: 'product_save_toggled', product_id: 'astro' });
  assert.deepEqual(ran.map((e) => e.type).filter((t) => t !== 'log'), ['product_saved_changed', 'host_event', 'persist']);
  assert.deepEqual(h.ui.calls.filter(([k]) => k === 'saved').map(([, a]) => a), [{ type: 'product_saved_changed', product_id: 'astro', saved: true }]);
  const astro = { id: 'astro', title: 'Astro Bot', url: 'https://shop.example/p/astro', price: '49.99', currency: 'GBP' };
  assert.deepEqual(heard, [['saved', astro]]);
  assert.deepEqual(JSON.parse(ran.find((e) => e.type === 'persist').value).saved,
    [{ product_id: 'astro', name: 'Astro Bot', price: '49.99', currency: 'GBP', url: 'https://shop.example/p/astro' }]);
  h.host.dispatch({ type: 'product_save_toggled', product_id: 'astro' });
  assert.deepEqual(heard, [['saved', astro], ['unsaved', astro]]);
  h.host.dispose();
});
