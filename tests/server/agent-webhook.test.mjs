// The `webhook` agent: the gateway POSTs each turn, signed, to a shop's
// server and streams the shop's answer to the shopper. The shop here is a
// small server in the test that checks every turn with the documented
// snippet (examples/shop-webhook/verify-signature.mjs) and behaves as each
// test needs: answers with cards, never answers, answers 500, cuts its stream.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { verifyNatterSignature } from '../../examples/shop-webhook/verify-signature.mjs';
import { createShop } from '../../examples/shop-webhook/shop.mjs';
import { createWebhookAgent } from '../../tools/gateway/agents/webhook.mjs';
import { agentFromEnv, ConfigError } from '../../tools/gateway/agents/config.mjs';
import { closeAllSockets, joinSession, msg } from './session-helpers.mjs';
import { parseEvents, postChat, replyText, request, startTestServer, conversationKeyFor } from './helpers.mjs';

const SECRET = 'whsec_test_0123456789abcdef';
const CARD = { id: 'sku-astro', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP', url: 'https://shop.example/astro' };

// The test's shop. `behave(turn, res)` answers; every request is recorded
// with its raw body and headers, and whether the snippet accepted it.
function startShop(behave) {
  const calls = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    const verified = verifyNatterSignature(body, req.headers['natter-signature'], SECRET);
    calls.push({ body, headers: req.headers, verified });
    if (!verified) return res.writeHead(401).end();
    return behave(JSON.parse(body), res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/natter`,
    calls,
    turnsFor: (id) => calls.filter((c) => JSON.parse(c.body).message_id === id),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  })));
}

const sse = (res, events) => {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  for (const e of events) res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
};

// What the test's shop does for each shopper text.
function behave(turn, res) {
  switch (turn.text) {
    case 'silence': return undefined; // never answers
    case 'fail': return res.writeHead(500, { 'Content-Type': 'text/plain' }).end('boom');
    case 'not found': return res.writeHead(404).end();
    case 'cut': sse(res, [{ event: 'delta', data: { text: 'Half an ans' } }]); return res.end();
    case 'bad card':
      sse(res, [{ event: 'delta', data: { text: 'Look:' } },
        { event: 'card', data: { product: { ...CARD, url: 'javascript:alert(1)' } } },
        { event: 'card', data: { product: CARD } }, { event: 'done', data: {} }]);
      return res.end();
    case 'stall mid-stream': sse(res, [{ event: 'delta', data: { text: 'Let me see' } }]); return undefined;
    default:
      sse(res, [{ event: 'start', data: { reply_id: 'shop-own' } },
        { event: 'delta', data: { text: `You said: ${turn.text}. ` } },
        { event: 'delta', data: { text: 'We have this:' } },
        { event: 'card', data: { product: CARD } }, { event: 'done', data: {} }]);
      return res.end();
  }
}

// How long the gateway waits on a silent shop: long enough that a loaded
// two-core machine never trips it on a shop that does answer.
const SILENCE_MS = 2000;

let shop;
let gateway;
before(async () => {
  shop = await startShop(behave);
  gateway = await startTestServer({ agent: createWebhookAgent({ url: shop.url, secret: SECRET, timeoutMs: SILENCE_MS }) });
});
after(async () => {
  await gateway.close();
  await shop.close();
});
beforeEach(async () => {
  shop.calls.length = 0;
  await request(gateway.url, { method: 'POST', path: '/__natter/reset' });
});

test('a turn reaches the shop signed, with its ids, and the shop\'s streamed answer and card reach the shopper', async () => {
  const res = await postChat(gateway.url, { key: 'wh-1', text: 'PS5 games?', conversation: 'c-wh' });
  assert.equal(res.status, 200);
  const events = parseEvents(res.body);
  assert.deepEqual(events.map((e) => e.event), ['start', 'delta', 'delta', 'card', 'done']);
  assert.match(events[0].data.reply_id, /^r_[0-9a-f]{20}$/); // the gateway's id, not the shop's
  assert.equal(replyText(events), 'You said: PS5 games?. We have this:');
  assert.deepEqual(events[3].data.product, CARD);
  const [call] = shop.calls;
  assert.equal(call.verified, true);
  assert.equal(call.headers['idempotency-key'], 'wh-1');
  assert.match(call.headers['natter-signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.deepEqual(JSON.parse(call.body), {
    conversation_id: 'c-wh', message_id: 'wh-1', text: 'PS5 games?', visitor: null, context: null, transcript: [],
  });
});

test('the next turn carries the visitor and the conversation so far', async () => {
  await postChat(gateway.url, { key: 'wh-t1', text: 'hello', conversation: 'c-tr' });
  const body = JSON.stringify({
    message_id: 'wh-t2', conversation_id: 'c-tr', conversation_key: conversationKeyFor('c-tr'), text: 'and Xbox?', visitor: { id: 'u-7', name: 'Ana' },
  });
  await postChat(gateway.url, { key: 'wh-t2', body });
  const turn = JSON.parse(shop.turnsFor('wh-t2')[0].body);
  assert.deepEqual(turn.visitor, { id: 'u-7', name: 'Ana' });
  assert.deepEqual(turn.transcript, [
    { role: 'shopper', text: 'hello' }, { role: 'agent', text: 'You said: hello. We have this:' },
  ]);
});

test('a retried message reaches the shop once: repeats and concurrent duplicates replay or join', async () => {
  const [a, b] = await Promise.all([1, 2].map(() => postChat(gateway.url, { key: 'wh-dup', text: 'games' })));
  const c = await postChat(gateway.url, { key: 'wh-dup', text: 'games' });
  assert.equal(b.body, a.body);
  assert.equal(c.body, a.body);
  assert.equal(c.headers['idempotent-replayed'], 'replayed');
  assert.equal(shop.turnsFor('wh-dup').length, 1);
});

// `timeout`: a gateway that hangs fails the test instead of hanging it.
test('a shop that never answers: the shopper gets agent_failed (Retry), never a hang; the retry calls the shop again', { timeout: 20_000 }, async () => {
  const res = await postChat(gateway.url, { key: 'wh-slow', text: 'silence' });
  assert.deepEqual(parseEvents(res.body).map((e) => e.event), ['start', 'error']);
  assert.equal(parseEvents(res.body)[1].data.code, 'agent_failed');
  assert.ok(gateway.lines.some((l) => l.includes('wh-slow') && l.includes(`no answer from the shop for ${SILENCE_MS} ms`)), gateway.lines.join('\n'));
  await postChat(gateway.url, { key: 'wh-slow', text: 'silence' });
  assert.equal(shop.turnsFor('wh-slow').length, 2); // a failed run is run again
});

test('a shop that goes quiet mid-stream: the text so far, then agent_failed', { timeout: 20_000 }, async () => {
  const events = parseEvents((await postChat(gateway.url, { key: 'wh-stall', text: 'stall mid-stream' })).body);
  assert.deepEqual(events.map((e) => e.event), ['start', 'delta', 'error']);
});

for (const [text, why] of [['fail', 'the shop answered 500'], ['not found', 'the shop answered 404'],
  ['cut', 'ended without done']]) {
  test(`a shop whose answer is "${why}" gives the shopper agent_failed, and the log says why`, async () => {
    const key = `wh-${text.replace(' ', '-')}`;
    const events = parseEvents((await postChat(gateway.url, { key, text })).body);
    assert.equal(events.at(-1).event, 'error');
    assert.equal(events.at(-1).data.code, 'agent_failed');
    assert.equal(events.at(-1).data.message, 'The agent stopped before finishing its reply.'); // nothing of the shop's
    assert.ok(gateway.lines.some((l) => l.includes(key.slice(0, 8)) && l.includes(why)), gateway.lines.join('\n'));
  });
}

test('an unsafe card from the shop is dropped with a log line; the rest of the reply arrives', async () => {
  const events = parseEvents((await postChat(gateway.url, { key: 'wh-badcard', text: 'bad card' })).body);
  assert.deepEqual(events.map((e) => e.event), ['start', 'delta', 'card', 'done']);
  assert.deepEqual(events[2].data.product, CARD);
  assert.ok(gateway.lines.some((l) => l.includes('dropped an event: card.product.url must be an http(s) link')));
});

test('the same turn over the live session reaches the shop once too', async () => {
  try {
    const { socket } = await joinSession(gateway.url, { session: 'c-ws' });
    socket.send(msg('wh-ws', 'games'));
    await socket.waitFor((f) => f.type === 'event' && f.event === 'done');
    await postChat(gateway.url, { key: 'wh-ws', text: 'games', conversation: 'c-ws' });
    assert.equal(shop.turnsFor('wh-ws').length, 1);
  } finally {
    closeAllSockets();
  }
});

// The signature: the gateway's real requests, checked by the snippet docs/agents.md shows.
test('the documented snippet accepts the gateway\'s turn and refuses a bad signature, an old timestamp and a changed body', async () => {
  await postChat(gateway.url, { key: 'wh-sig', text: 'games' });
  const { body, headers } = shop.turnsFor('wh-sig')[0];
  const header = headers['natter-signature'];
  const t = Number(header.match(/t=(\d+)/)[1]);
  assert.equal(verifyNatterSignature(body, header, SECRET), true);
  assert.equal(verifyNatterSignature(body, header, 'whsec_another_secret_123'), false);
  // One hex digit of the signature changed (to another digit: '0' stays '0' in 1 of 16 signatures).
  assert.equal(verifyNatterSignature(body, header.replace(/v1=(.)/, (_, c) => `v1=${c === '0' ? '1' : '0'}`), SECRET), false);
  assert.equal(verifyNatterSignature(body.replace('games', 'gamez'), header, SECRET), false);
  assert.equal(verifyNatterSignature(body, header, SECRET, { nowS: t + 301 }), false); // replayed later
  assert.equal(verifyNatterSignature(body, header, SECRET, { nowS: t + 299 }), true);
  assert.equal(verifyNatterSignature(body, header.replace(/t=\d+/, `t=${t + 1}`), SECRET), false);
  assert.equal(verifyNatterSignature(body, undefined, SECRET), false);
  assert.equal(verifyNatterSignature(body, 'garbage', SECRET), false);
});

test('docs/agents.md shows the verification snippet and the example shop exactly as the tests run them', () => {
  const doc = readFileSync(new URL('../../docs/agents.md', import.meta.url), 'utf8');
  for (const file of ['verify-signature.mjs', 'shop.mjs']) {
    const code = readFileSync(new URL(`../../examples/shop-webhook/${file}`, import.meta.url), 'utf8');
    assert.ok(doc.includes(`\`\`\`js\n${code}\`\`\``), `docs/agents.md must include examples/shop-webhook/${file} verbatim in a js block`);
  }
});

test('the example shop of docs/agents.md answers behind the gateway, and refuses unsigned or tampered turns', async () => {
  const example = createShop({ secret: SECRET });
  await new Promise((r) => example.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${example.address().port}/`;
  const front = await startTestServer({ agent: createWebhookAgent({ url, secret: SECRET, timeoutMs: 2000 }) });
  try {
    const body = JSON.stringify({ message_id: 'ex-1', conversation_id: 'c-ex', conversation_key: conversationKeyFor('c-ex'), text: 'do you have PS5 games?', visitor: { name: 'Ana' } });
    const events = parseEvents((await postChat(front.url, { key: 'ex-1', body })).body);
    assert.deepEqual(events.map((e) => e.event), ['start', 'delta', 'card', 'done']);
    assert.equal(replyText(events), 'Hi Ana! We have 1 for you:');
    assert.equal(events[2].data.product.name, 'Astro Bot (PS5)');
    const turn = JSON.stringify({ message_id: 'x', conversation_id: 'c', text: 'hi', visitor: null, transcript: [] });
    const unsigned = await request(url, { method: 'POST', body: turn, headers: { 'Content-Type': 'application/json' } });
    assert.equal(unsigned.status, 401);
    const other = createWebhookAgent({ url, secret: 'not-the-shops-secret-at-all' });
    await assert.rejects(async () => { for await (const e of other.reply(JSON.parse(turn))) void e; }, /the shop answered 401/);
  } finally {
    await front.close();
    await new Promise((r) => { example.closeAllConnections(); example.close(r); });
  }
});

test('NATTER_AGENT=webhook is configured from the environment, with clear errors', () => {
  const env = { NATTER_AGENT: 'webhook', NATTER_WEBHOOK_URL: 'https://shop.example/natter', NATTER_WEBHOOK_SECRET: SECRET };
  const { agent, description } = agentFromEnv(env);
  assert.equal(agent.name, 'webhook');
  assert.equal(description, 'webhook https://shop.example');
  assert.ok(!description.includes(SECRET));
  assert.throws(() => agentFromEnv({ ...env, NATTER_WEBHOOK_URL: '' }), ConfigError);
  assert.throws(() => agentFromEnv({ ...env, NATTER_WEBHOOK_URL: 'ftp://x' }), /NATTER_WEBHOOK_URL must be an http\(s\) URL/);
  assert.throws(() => agentFromEnv({ ...env, NATTER_WEBHOOK_SECRET: 'short' }), /NATTER_WEBHOOK_SECRET must be at least 16/);
  assert.throws(() => agentFromEnv({ ...env, NATTER_WEBHOOK_TIMEOUT_MS: 'soon' }), /NATTER_WEBHOOK_TIMEOUT_MS/);
  assert.throws(() => agentFromEnv({ NATTER_AGENT: 'gpt' }), /NATTER_AGENT must be scripted, webhook or openai/);
  assert.equal(agentFromEnv({}).agent.name, 'scripted');
});
