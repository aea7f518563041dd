// The `openai` adapter against a local fake of an OpenAI-compatible endpoint
// (fake-openai.mjs): tool calls split across chunks and in parallel, usage
// chunks, [DONE], 401/429/500, an error in the stream and a cut stream. A
// product question ends as cards from the shop's catalogue file; the model
// is called once per message id; the key never reaches the browser.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentFromEnv } from '../../tools/gateway/agents/config.mjs';
import { HANDOFF_NOTE } from '../../tools/gateway/agents/shop-tools.mjs';
import {
  finishChunk, startFakeOpenAi, streamChunks, textChunks, toolCallChunks, usageChunk,
} from './fake-openai.mjs';
import { parseEvents, postChat, replyText, request, startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, msg } from './session-helpers.mjs';

const KEY = 'sk-test-SECRETKEY-0123456789abcdefghij';
const CATALOGUE = [
  { id: 'astro', name: 'Astro Bot (PS5)', price: 49.99, currency: 'GBP', url: 'https://games.example/astro', image: 'https://games.example/astro.png', tags: ['ps5', 'game'], trade_in: 10 },
  { id: 'gt7', name: 'Gran Turismo 7 (PS5)', price: '39.99', currency: 'GBP', url: 'https://games.example/gt7', tags: ['ps5', 'game'] },
  { id: 'xsx', name: 'Xbox Series X', price: '449.99', currency: 'GBP', url: 'https://games.example/xsx', tags: ['xbox', 'console'], trade_in: 150 },
];

const lastMessage = (body) => body.messages.at(-1);
const userText = (body) => body.messages.filter((m) => m.role === 'user').at(-1).content;

// The fake model: what it does for each shopper text.
function respond({ body }, res) {
  const text = userText(body);
  const afterTools = lastMessage(body).role === 'tool';
  switch (text) {
    case 'do you have PS5 games?':
      if (afterTools) return streamChunks(res, [...textChunks('We have ', 'two PS5 games.'), usageChunk(310, 12)]);
      return streamChunks(res, [
        ...toolCallChunks(0, 'call_s1', 'search_products', ['{"qu', 'ery": "PS5', ' games"}']),
        finishChunk('tool_calls'), usageChunk(120, 20)]);
    case 'PS5 games and a trade-in for my Xbox':
      if (afterTools) return streamChunks(res, textChunks('Here you go.'));
      { // two calls, their pieces interleaved
        const [a0, a1, a2] = toolCallChunks(0, 'call_a', 'search_products', ['{"query":', '"ps5 game"}']);
        const [b0, b1, b2] = toolCallChunks(1, 'call_b', 'trade_in_quote', ['{"item":"Xbox Series X",', '"condition":"worn"}']);
        return streamChunks(res, [a0, b0, a1, b1, a2, b2, finishChunk('tool_calls')]);
      }
    case 'can I talk to a person?':
      if (afterTools) return streamChunks(res, textChunks('Anything else meanwhile?'));
      return streamChunks(res, [...textChunks('Sure.'), ...toolCallChunks(0, 'call_h', 'handoff', ['{"reason":"wants a person"}']), finishChunk('tool_calls')]);
    case 'unauthorised':
      res.writeHead(401, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.`, code: 'invalid_api_key' } }));
    case 'busy once':
      return busyOnce(res, text);
    case 'busy for an hour':
      res.writeHead(429, { 'Retry-After': '3600' });
      return res.end('{"error":{"message":"slow down"}}');
    case 'server error':
      res.writeHead(500);
      return res.end('{"error":{"message":"oops"}}');
    case 'cut mid-reply':
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(textChunks('The first half')[1])}\n\n`);
      return setTimeout(() => res.destroy(), 20);
    case 'ended early':
      return streamChunks(res, textChunks('No DONE and no').slice(0, 2), { done: false });
    case 'error in stream':
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      return res.end(`data: ${JSON.stringify({ error: { message: `model overloaded ${KEY}` } })}\n\n`);
    default:
      break;
  }
  return streamChunks(res, textChunks(`You said ${text}`));
}

const busy = new Set();
function busyOnce(res, text) {
  if (busy.has(text)) return streamChunks(res, textChunks('Now I can answer.'));
  busy.add(text);
  res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' });
  return res.end('{"error":{"message":"rate limited"}}');
}

let model;
let gateway;
let tools;
const waits = [];
before(async () => {
  model = await startFakeOpenAi(respond);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'natter-catalogue-'));
  writeFileSync(path.join(dir, 'catalogue.json'), JSON.stringify(CATALOGUE));
  const chosen = agentFromEnv({
    NATTER_AGENT: 'openai', NATTER_OPENAI_BASE_URL: model.baseUrl, NATTER_OPENAI_MODEL: 'fake-1',
    NATTER_OPENAI_API_KEY: KEY, NATTER_CATALOGUE: path.join(dir, 'catalogue.json'), NATTER_SHOP_NAME: 'Pixel Harbour',
  }, { log: (line) => gateway.lines.push(line), adapterOptions: { sleep: async (ms) => { waits.push(ms); } } });
  tools = chosen.tools;
  assert.match(chosen.description, /^openai http:\/\/127\.0\.0\.1:\d+ model fake-1, 3 products from /);
  gateway = await startTestServer({ agent: chosen.agent });
});
after(async () => {
  await gateway.close();
  await model.close();
});
beforeEach(async () => {
  waits.length = 0;
  await request(gateway.url, { method: 'POST', path: '/__natter/reset' });
});

const cards = (events) => events.filter((e) => e.event === 'card').map((e) => e.data.product);

test('a product question ends as cards from the shop\'s catalogue file, with the model\'s streamed text', async () => {
  const res = await postChat(gateway.url, { key: 'oa-ps5', text: 'do you have PS5 games?' });
  const events = parseEvents(res.body);
  assert.deepEqual(events.map((e) => e.event), ['start', 'card', 'card', 'delta', 'delta', 'done']);
  assert.deepEqual(cards(events), [
    { id: 'astro', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP', url: 'https://games.example/astro', image_url: 'https://games.example/astro.png' },
    { id: 'gt7', name: 'Gran Turismo 7 (PS5)', price: '39.99', currency: 'GBP', url: 'https://games.example/gt7' },
  ]);
  assert.equal(replyText(events), 'We have two PS5 games.');

  const [first, second] = model.requestsFor('do you have PS5 games?');
  assert.equal(first.path, '/v1/chat/completions');
  assert.equal(first.headers.authorization, `Bearer ${KEY}`);
  assert.equal(first.body.model, 'fake-1');
  assert.equal(first.body.stream, true);
  assert.deepEqual(first.body.stream_options, { include_usage: true });
  assert.equal(first.body.max_tokens, 1024, 'every request bounds the reply');
  assert.equal(second.body.max_tokens, 1024);
  assert.deepEqual(first.body.tools.map((t) => t.function.name), ['search_products', 'trade_in_quote', 'suggest_replies', 'handoff']);
  assert.match(first.body.messages[0].content, /shopping assistant of Pixel Harbour/);
  // the split pieces of the call, joined, went back to the model with the tool's result
  const [, , call, result] = second.body.messages;
  assert.deepEqual(call.tool_calls, [{ id: 'call_s1', type: 'function', function: { name: 'search_products', arguments: '{"query": "PS5 games"}' } }]);
  assert.equal(result.role, 'tool');
  assert.equal(result.tool_call_id, 'call_s1');
  assert.deepEqual(JSON.parse(result.content).products.map((p) => p.id), ['astro', 'gt7']);
  assert.ok(gateway.lines.some((l) => l.includes('usage prompt 120, completion 20 tokens')), gateway.lines.join('\n'));
  assert.ok(gateway.lines.some((l) => l.includes('usage prompt 310, completion 12 tokens')));
});

test('the model is called once per message id: a retry and the live session replay, they never call it again', async () => {
  const text = 'do you have PS5 games?';
  // The session first: once the conversation has a transcript, a hello
  // naming it without its resume token gets a session of its own
  // (session/conversation-owner.mjs).
  const { socket } = await joinSession(gateway.url, { session: 'c-once' });
  const first = await postChat(gateway.url, { key: 'oa-once', text, conversation: 'c-once' });
  const calls = model.requestsFor(text).length;
  const again = await postChat(gateway.url, { key: 'oa-once', text, conversation: 'c-once' });
  assert.equal(again.headers['idempotent-replayed'], 'replayed');
  assert.equal(again.body, first.body);
  try {
    socket.send(msg('oa-once', text));
    await socket.waitFor((f) => f.type === 'event' && f.event === 'done');
  } finally {
    closeAllSockets();
  }
  assert.equal(model.requestsFor(text).length, calls);
});

test('parallel tool calls with interleaved pieces are each run once, and answered in order', async () => {
  const events = parseEvents((await postChat(gateway.url, { key: 'oa-par', text: 'PS5 games and a trade-in for my Xbox' })).body);
  assert.deepEqual(cards(events).map((c) => c.id), ['astro', 'gt7']);
  assert.equal(replyText(events), 'Here you go.');
  const second = model.requestsFor('PS5 games and a trade-in for my Xbox')[1].body.messages;
  assert.deepEqual(second.at(-3).tool_calls.map((c) => [c.id, c.function.name, c.function.arguments]), [
    ['call_a', 'search_products', '{"query":"ps5 game"}'],
    ['call_b', 'trade_in_quote', '{"item":"Xbox Series X","condition":"worn"}'],
  ]);
  assert.deepEqual(second.slice(-2).map((m) => m.tool_call_id), ['call_a', 'call_b']);
  assert.deepEqual(JSON.parse(second.at(-1).content),
    { item: 'Xbox Series X', condition: 'worn', accepted: true, offer: '75.00', currency: 'GBP' });
});

test('the handoff tool records the request and tells the shopper a person will be asked', async () => {
  const before = tools.handoffs.length;
  const events = parseEvents((await postChat(gateway.url, { key: 'oa-hand', text: 'can I talk to a person?', conversation: 'c-hand' })).body);
  assert.equal(replyText(events), `Sure.\n\n${HANDOFF_NOTE}\n\nAnything else meanwhile?`);
  assert.equal(tools.handoffs.length, before + 1);
  assert.deepEqual({ ...tools.handoffs.at(-1), at: undefined },
    { conversation_id: 'c-hand', message_id: 'oa-hand', reason: 'wants a person', summary: '', at: undefined });
});

test('the next turn sends the model the conversation so far', async () => {
  await postChat(gateway.url, { key: 'oa-t1', text: 'hello', conversation: 'c-tr' });
  await postChat(gateway.url, { key: 'oa-t2', text: 'and again', conversation: 'c-tr' });
  const { messages } = model.requestsFor('and again')[0].body;
  assert.deepEqual(messages.slice(1), [
    { role: 'user', content: 'hello' }, { role: 'assistant', content: 'You said hello' }, { role: 'user', content: 'and again' },
  ]);
});

const failed = (events) => events.at(-1).event === 'error' && events.at(-1).data.code === 'agent_failed';

test('401: the turn fails at once (no retry) and the log hints at the key without showing it', async () => {
  const events = parseEvents((await postChat(gateway.url, { key: 'oa-401', text: 'unauthorised' })).body);
  assert.ok(failed(events));
  assert.equal(model.requestsFor('unauthorised').length, 1);
  const line = gateway.lines.find((l) => l.includes('oa-401') && l.includes('failed'));
  assert.match(line, /answered 401 \(check NATTER_OPENAI_API_KEY\).*Incorrect API key provided: \[redacted\]/);
});

test('429 with Retry-After: waits as asked, then answers; a wait over the bound fails at once', async () => {
  const events = parseEvents((await postChat(gateway.url, { key: 'oa-429', text: 'busy once' })).body);
  assert.equal(replyText(events), 'Now I can answer.');
  assert.deepEqual(waits, [1000]);
  assert.equal(model.requestsFor('busy once').length, 2);
  waits.length = 0;
  const long = parseEvents((await postChat(gateway.url, { key: 'oa-429h', text: 'busy for an hour' })).body);
  assert.ok(failed(long));
  assert.deepEqual(waits, []);
  assert.equal(model.requestsFor('busy for an hour').length, 1);
  assert.ok(gateway.lines.some((l) => l.includes('Retry-After 3600000 ms, over the 20000 ms bound')));
});

test('500: retried twice with back-off, then the shopper gets agent_failed', async () => {
  const events = parseEvents((await postChat(gateway.url, { key: 'oa-500', text: 'server error' })).body);
  assert.ok(failed(events));
  assert.deepEqual(waits, [500, 1000]);
  assert.equal(model.requestsFor('server error').length, 3);
});

test('a stream cut mid-reply: the text so far, then agent_failed; the shopper\'s Retry asks the model again', async () => {
  const events = parseEvents((await postChat(gateway.url, { key: 'oa-cut', text: 'cut mid-reply' })).body);
  assert.deepEqual(events.map((e) => e.event), ['start', 'delta', 'error']);
  assert.equal(events[1].data.text, 'The first half');
  await postChat(gateway.url, { key: 'oa-cut', text: 'cut mid-reply' });
  assert.equal(model.requestsFor('cut mid-reply').length, 2);
});

test('a stream that ends with neither [DONE] nor a finish_reason, or carries an error, fails the turn', async () => {
  for (const [key, text] of [['oa-early', 'ended early'], ['oa-err', 'error in stream']]) {
    const events = parseEvents((await postChat(gateway.url, { key, text })).body);
    assert.ok(failed(events), text);
  }
  assert.ok(gateway.lines.some((l) => l.includes('oa-early') && l.includes('cut before it finished')));
  assert.ok(gateway.lines.some((l) => l.includes('oa-err') && l.includes('model overloaded [redacted]')));
});

test('the key never appears in any response to the browser, nor in the gateway\'s log', async () => {
  const seen = [];
  for (const text of ['unauthorised', 'error in stream', 'do you have PS5 games?', 'server error']) {
    const res = await postChat(gateway.url, { text });
    seen.push(JSON.stringify(res.headers), res.body);
  }
  try {
    const { socket, welcome } = await joinSession(gateway.url, { session: 'c-key' });
    seen.push(JSON.stringify(welcome));
    socket.send(msg('oa-key-ws', 'unauthorised'));
    await socket.waitFor((f) => f.type === 'event' && f.event === 'error');
    seen.push(JSON.stringify(socket.frames));
  } finally {
    closeAllSockets();
  }
  for (const p of ['/__natter/stats', '/']) {
    const res = await request(gateway.url, { path: p });
    seen.push(JSON.stringify(res.headers), res.body);
  }
  assert.ok(seen.join('\n').includes('agent_failed')); // the failures did reach the browser
  assert.ok(!seen.join('\n').includes(KEY));
  assert.ok(!seen.join('\n').includes('SECRETKEY'));
  assert.ok(gateway.lines.length > 0 && !gateway.lines.join('\n').includes(KEY));
});
