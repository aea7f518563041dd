// The WASM core drives a real conversation against the reference server in
// node, with no browser: the same run loop and transport as the widget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadCore, repoRoot } from './load-core.mjs';
import { startServer } from '../../tools/gateway/server.mjs';
import { CONTROL_HEADER } from '../../tools/gateway/testing/control-guard.mjs';
import { createHeadlessClient } from '../../shim/headless.js';

let server, wasm;
const control = (p, body) => fetch(server.url.replace(/\/$/, '') + p, {
  method: body ? 'POST' : 'GET', headers: { 'Content-Type': 'application/json', [CONTROL_HEADER]: '1' }, body: body && JSON.stringify(body),
}).then((r) => r.json());

before(async () => {
  ({ wasm } = await loadCore());
  server = await startServer({ port: 0, distDir: path.join(repoRoot, 'dist'), webDir: path.join(repoRoot, 'web'), testControls: true, tokenDelayMs: 1, log: () => {} });
});
after(() => server.close());

test('a product question gets one streamed reply with product cards', async () => {
  const chat = createHeadlessClient({ wasm, endpoint: server.url });
  try {
    const reply = await chat.ask('do you have PS5 games?');
    assert.match(reply.text, /PS5/i);
    assert.ok(reply.cards.length >= 1, 'no product cards');
    for (const card of reply.cards) assert.match(card.url, /^https:\/\//);
    const stats = await control('/__natter/stats');
    assert.equal(stats.requests[reply.messageId], 1);
    assert.equal(stats.agent_runs[reply.messageId], 1);
  } finally {
    chat.dispose();
  }
});

test('a request reset before its response is retried with the same key and the agent runs once', async () => {
  await control('/__natter/faults', { chat: [{ action: 'reset_before_response' }] });
  const chat = createHeadlessClient({ wasm, endpoint: server.url });
  try {
    const reply = await chat.ask('can I trade in my old console?');
    assert.match(reply.text, /trade/i);
    const stats = await control('/__natter/stats');
    assert.equal(stats.requests[reply.messageId], 2, 'expected the first request and one retry');
    assert.equal(stats.agent_runs[reply.messageId], 1);
    assert.equal(chat.stats().retries, 1);
  } finally {
    chat.dispose();
  }
});

test('a second question while the first is answered is blocked, and the conversation carries on', async () => {
  const chat = createHeadlessClient({ wasm, endpoint: server.url });
  try {
    const before = (await control('/__natter/stats')).total_requests;
    const first = chat.ask('hello');
    chat.send('hello again');  // same tick: in flight
    assert.equal(chat.stats().blocked_sends, 1);
    const answered = await first;
    // The wire: one request for the first question, none for the blocked one.
    const during = await control('/__natter/stats');
    assert.equal(during.total_requests - before, 1, 'the blocked question reached the server');
    assert.equal(during.requests[answered.messageId], 1);
    const second = await chat.ask('switch controllers');
    assert.ok(second.cards.length >= 1);
    assert.equal((await control('/__natter/stats')).total_requests - before, 2);
    assert.equal(chat.transcript.messages.filter((m) => m.role === 'user').length, 2);
  } finally {
    chat.dispose();
  }
});

test('a message over the limit is refused with a clear error and never sent', async () => {
  const chat = createHeadlessClient({ wasm, endpoint: server.url });
  try {
    const before = (await control('/__natter/stats')).total_requests;
    await assert.rejects(chat.ask('x'.repeat(4001)), /over the 4,000-character limit/);
    assert.equal(chat.stats().messages_sent, 0);
    // The wire: a request with a key the server has counted would show here.
    await chat.ask('hello after the refusal');  // the pipe still works; exactly this one went out
    assert.equal((await control('/__natter/stats')).total_requests - before, 1, 'the refused message reached the server');
  } finally {
    chat.dispose();
  }
});

test('an identified visitor rides in the request body and the agent greets them by name', async () => {
  const chat = createHeadlessClient({ wasm, endpoint: server.url });
  try {
    chat.identify({ id: 'u-7', name: 'Ana', email: 'ana@example.com' });
    chat.identify({ email: 'nope' }); // refused by the core: the visitor stays
    assert.deepEqual(chat.identity(), { identified: true, visitor_id: 'u-7' });
    const reply = await chat.ask('hi');
    assert.match(reply.text, /^Hi Ana! /);
    const { matches } = await control('/__natter/visitor/matches',
      { conversation_id: chat.conversationId(), visitor: { id: 'u-7', name: 'Ana', email: 'ana@example.com' } });
    assert.equal(matches, true);
    assert.deepEqual(chat.transcript.logs.filter((l) => l.level === 'error').map((l) => l.text),
      ["identify: email is not an email address (one '@' with text on both sides and a dot in the domain); the visitor was not changed"]);
  } finally {
    chat.dispose();
  }
});

test('a core that traps fails the ask that was pending and every later one, with what happened', async () => {
  // The real module, its handle made to trap as a bug in the core would.
  const trapping = { ...wasm, natter_core_handle() { throw new WebAssembly.RuntimeError('unreachable'); } };
  const chat = createHeadlessClient({ wasm: trapping, endpoint: server.url, console: { error() {}, warn() {} } });
  try {
    const before = (await control('/__natter/stats')).total_requests;
    const errors = [];
    chat.on('error', (e) => errors.push(e));
    await assert.rejects(chat.ask('hello'), /the core failed: unreachable/);
    await assert.rejects(chat.ask('hello again'), /the core failed: unreachable/);
    assert.deepEqual(errors, [{ code: 'core_failed', detail: 'the core failed: unreachable', restarting: false }], 'told once');
    assert.equal((await control('/__natter/stats')).total_requests, before, 'nothing reached the server');
  } finally {
    chat.dispose();
  }
});
