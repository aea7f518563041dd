// The shop-token path through the real WASM core (build/wasm) and the shim's
// runner: token_requested -> shim/token-fetch.js -> token_received -> a chat
// POST with "Authorization: Bearer"; a 401 fetches a fresh token once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { coreWasmPath, loadCore } from './load-core.mjs';
import { createCoreHost } from '../../shim/core-host.js';
import { createEffectRunner } from '../../shim/effects.js';
import { createHttpTransport } from '../../shim/http-transport.js';
import { createTokenFetch } from '../../shim/token-fetch.js';
import { createListeners } from '../../shim/listeners.js';
import { createLog } from '../../shim/log.js';

const skip = existsSync(coreWasmPath) ? false : 'WASM core not built (npm run build)';
const TOKEN_URL = 'https://shop.example/natter-token';
const reply = 'event: delta\ndata: {"text":"Yes."}\n\nevent: done\ndata: {}\n\n';

test('a chat message waits for the shop token, carries it, and a 401 is answered with one fresh token', { skip }, async () => {
  const { NatterCore } = await loadCore();
  const core = new NatterCore(JSON.stringify({ chat_url: 'https://agent.test/api/chat', conversation_id: 'conv-1',
    seed_hi: '00000000000000aa', seed_lo: '00000000000000bb', token_url: TOKEN_URL }));
  const tokens = ['first-secret-token', 'second-secret-token'];
  const calls = [];
  const pending = [];
  const fetch = async (url, init) => {
    calls.push({ url, ...init });
    if (url === TOKEN_URL) return Response.json({ token: tokens.shift(), expires_in: 300 });
    const auth = new Headers(init.headers).get('authorization');
    if (auth === 'Bearer first-secret-token') return Response.json({ error: { code: 'unauthorized' } }, { status: 401 });
    return new Response(reply, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  const lines = [];
  const console = { debug: (t) => lines.push(t), info: (t) => lines.push(t), warn: (t) => lines.push(t), error: (t) => lines.push(t) };
  const stored = [];
  let host;
  const dispatch = (e) => host.dispatch(e);
  const transport = createHttpTransport({ fetch, dispatch, wallNow: Date.now });
  const fetchToken = createTokenFetch({ fetch, dispatch, setTimeout, clearTimeout });
  const done = [];
  const ui = {
    composer: { clear() {}, showError() {} },
    messages: { addUser() {}, setDelivery() {}, updateAgent: (e) => { if (e.done) done.push(e); }, addCard() {} },
  };
  const runEffect = createEffectRunner({
    ui, listeners: createListeners({ console }), log: createLog({ console, now: () => 0 }),
    storage: { set: (k, v) => stored.push(v) },
    transport: { start: (e) => pending.push(transport.start(e)), abort: transport.abort },
    fetchToken: (e) => pending.push(fetchToken(e)),
  });
  host = createCoreHost({ core, runEffect, now: () => performance.now(), setTimeout, clearTimeout, console });
  host.dispatch({ type: 'send_clicked', text: 'is it in stock?' });
  while (pending.length) await pending.shift();

  assert.deepEqual(calls.map((c) => c.url), [TOKEN_URL, 'https://agent.test/api/chat', TOKEN_URL, 'https://agent.test/api/chat']);
  assert.equal(calls[0].credentials, 'include');
  assert.equal(new Headers(calls[3].headers).get('authorization'), 'Bearer second-secret-token');
  assert.equal(done.length, 1, 'the reply arrived once');
  const kept = lines.join('\n') + stored.join('\n');
  assert.ok(lines.some((l) => l.includes('refused the token (HTTP 401)')), lines.join('\n'));
  assert.ok(!kept.includes('secret-token'), 'no token in the logs or the persisted blob');
  host.dispose?.();
});
