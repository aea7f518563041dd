// The scripted storefront agent: what it answers, and the product cards it
// sends, both directly and over /api/chat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { composeReply, replyEvents, tokenize } from '../../tools/gateway/agents/demo/storefront-agent.mjs';
import { PRODUCTS } from '../../tools/gateway/agents/demo/catalogue.mjs';
import { parseEvents, postChat, replyText, startTestServer } from './helpers.mjs';

let server;
before(async () => { server = await startTestServer({ tokenDelayMs: 0 }); });
after(async () => { await server.close(); });

const SAFE_LINK = /\[[^\]]+\]\((https:\/\/[^)\s]+)\)/g;

test('asking for PS5 games streams a bold, bulleted answer and one https card per game', async () => {
  const res = await postChat(server.url, { text: 'do you have PS5 games?' });
  const events = parseEvents(res.body);
  const text = replyText(events);
  assert.match(text, /\*\*PS5 games\*\*/);
  assert.match(text, /\n- \[Astro Bot \(PS5\)\]\(https:\/\/shop\.example\/products\/astro-bot-ps5\)/);
  const cards = events.filter((e) => e.event === 'card').map((e) => e.data.product);
  assert.deepEqual(cards.map((c) => c.id), ['sku-astro-bot-ps5', 'sku-gran-turismo-7-ps5', 'sku-spider-man-2-ps5']);
  for (const card of cards) {
    assert.match(card.url, /^https:\/\/shop\.example\/products\/[a-z0-9-]+$/);
    assert.match(card.price, /^\d+\.\d{2}$/);
    assert.equal(card.currency, 'GBP');
    if (card.image_url !== undefined) assert.match(card.image_url, /^https:\/\//);
    assert.deepEqual(Object.keys(card).filter((k) => !['id', 'name', 'price', 'currency', 'url', 'image_url'].includes(k)), []);
  }
  // cards come after the text and before done
  const names = events.map((e) => e.event);
  assert.ok(names.indexOf('card') > names.lastIndexOf('delta'));
  assert.equal(names.at(-1), 'done');
});

test('switch controllers finds both Switch controllers', () => {
  assert.deepEqual(composeReply('switch controllers').products.map((p) => p.id),
    ['sku-switch-pro-controller', 'sku-joy-con-pair']);
});

test('a price ceiling filters the matches', () => {
  const reply = composeReply('headset under 50');
  assert.deepEqual(reply.products.map((p) => p.id), ['sku-stealth-headset']);
  assert.match(reply.text, /one \*\*headset under £50\*\*/);
});

test('a broad search sends at most four cards and says how many more there are', () => {
  const reply = composeReply('anything for xbox?');
  assert.equal(reply.products.length, 4);
  assert.match(reply.text, /\*1 more in the shop\.\*/);
});

test('a search with no matches says so and sends no cards', () => {
  const reply = composeReply('consoles under 10');
  assert.deepEqual(reply.products, []);
  assert.match(reply.text, /no \*\*consoles under £10\*\*/);
});

test('greetings get a friendly greeting', () => {
  for (const hi of ['hi', 'Hello!', 'hey there']) assert.match(composeReply(hi).text, /^Hi! /, hi);
  assert.doesNotMatch(composeReply('hi, do you have ps5 games?').text, /^Hi! /);
});

test('trade-in questions link to the trade-in page', () => {
  for (const q of ['can I trade in my old console?', 'trade-in value', 'Tradein prices']) {
    const reply = composeReply(q);
    assert.match(reply.text, /\[trade-in page\]\(https:\/\/shop\.example\/trade-in\)/, q);
    assert.deepEqual(reply.products, []);
  }
});

test('anything else gets a helpful fallback listing what the agent can do', () => {
  const reply = composeReply('what is the meaning of life');
  assert.match(reply.text, /^Sorry, I'm not sure/);
  assert.match(reply.text, /\n- find \*\*games\*\*/);
});

test('every reply links only to https URLs', () => {
  for (const q of ['hi', 'ps5 games', 'xbox', 'trade in', 'weather?', 'headsets']) {
    const text = composeReply(q).text;
    for (const m of text.matchAll(/\]\(([^)]*)\)/g)) assert.match(m[1], /^https:\/\//, q);
    assert.ok([...text.matchAll(SAFE_LINK)].length === [...text.matchAll(/\]\(/g)].length, q);
  }
});

test('the agent is deterministic', () => {
  const a = replyEvents({ replyId: 'r', text: 'do you have PS5 games?' });
  const b = replyEvents({ replyId: 'r', text: 'do you have PS5 games?' });
  assert.deepEqual(a, b);
});

test('tokens are a word plus its following whitespace and join back to the text', () => {
  assert.deepEqual(tokenize('Yes! We have\n- **two**  games'), ['Yes! ', 'We ', 'have\n', '- ', '**two**  ', 'games']);
  assert.deepEqual(tokenize('  lead'), ['  lead']);
  assert.deepEqual(tokenize(''), []);
  const text = composeReply('ps5 games').text;
  assert.equal(tokenize(text).join(''), text);
});

test('the catalogue has a dozen-odd well-formed products with unique ids', () => {
  assert.ok(PRODUCTS.length >= 12);
  assert.equal(new Set(PRODUCTS.map((p) => p.id)).size, PRODUCTS.length);
  for (const p of PRODUCTS) {
    assert.match(p.url, /^https:\/\/shop\.example\/products\/[a-z0-9-]+$/);
    assert.match(p.price, /^\d+\.\d{2}$/);
  }
});

test('a product named in the question is found by name; "how much is it?" prices what was asked before', () => {
  assert.deepEqual(composeReply('how much is Astro Bot?').products.map((p) => p.id), ['sku-astro-bot-ps5']);
  assert.deepEqual(composeReply('have you got forza horizon').products.map((p) => p.id), ['sku-forza-horizon-5-xbox']);
  const transcript = [{ role: 'shopper', text: 'do you have Xbox games?' }, { role: 'agent', text: 'Yes! …' }];
  const reply = composeReply('How much is it?', null, transcript);
  assert.match(reply.text, /^Here are the prices:\n- \[Forza Horizon 5 \(Xbox\)\]\(https:\/\/shop\.example\/products\/forza-horizon-5-xbox\) is \*\*£29\.99\*\*$/);
  assert.deepEqual(reply.products.map((p) => p.id), ['sku-forza-horizon-5-xbox']);
  assert.match(composeReply('How much is it?').text, /^Sorry, I'm not sure/); // nothing asked before
});
