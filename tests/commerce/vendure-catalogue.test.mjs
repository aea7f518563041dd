// The commerce tier: the `openai` adapter's tools against a real,
// unmodified commerce engine (Vendure 3 on SQLite, tools/vendure/), as a
// shop that keeps its catalogue there would run it: product cards with the
// engine's names and prices, stock per variant the model answers from, and
// a shop that stops answering costs the shopper a sentence, not a reply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startVendure } from '../../tools/vendure/vendure-server.mjs';
import { agentFromEnv } from '../../tools/gateway/agents/config.mjs';
import { finishChunk, startFakeOpenAi, streamChunks, textChunks, toolCallChunks } from '../server/fake-openai.mjs';
import { parseEvents, postChat, replyText, startTestServer } from '../server/helpers.mjs';

const PRODUCT_PAGE = 'https://shop.example/products/{slug}';
const userText = (body) => body.messages.filter((m) => m.role === 'user').at(-1).content;
const toolResult = (body) => JSON.parse(body.messages.at(-1).content);

// The fake model: searches for what the shopper asked, then says what the
// tool gave it (so the test sees exactly what the model was told).
function respond({ body }, res) {
  if (body.messages.at(-1).role === 'tool') {
    const result = toolResult(body);
    if (result.error) return streamChunks(res, textChunks(`Sorry: ${result.error}.`));
    const lines = result.products.map((p) => `${p.name}: ${p.variants.map((v) => `${v.sku} ${v.in_stock ? 'in stock' : 'sold out'}`).join(', ')}`);
    return streamChunks(res, textChunks(lines.join('; ')));
  }
  return streamChunks(res, [
    ...toolCallChunks(0, 'call_1', 'search_products', [JSON.stringify({ query: userText(body) })]), finishChunk('tool_calls'),
  ]);
}

let shop;
let model;
let gateway;
before(async () => {
  shop = await startVendure();
  model = await startFakeOpenAi(respond);
  const { agent, description } = agentFromEnv({
    NATTER_AGENT: 'openai', NATTER_OPENAI_BASE_URL: model.baseUrl, NATTER_OPENAI_MODEL: 'fake-1',
    NATTER_VENDURE_SHOP_API: shop.shopApiUrl, NATTER_VENDURE_PRODUCT_URL: PRODUCT_PAGE,
  }, { log: (line) => gateway?.lines.push(line) });
  assert.match(description, /products live from Vendure http:\/\/127\.0\.0\.1:\d+$/);
  gateway = await startTestServer({ agent });
});
after(async () => {
  await gateway?.close();
  await model?.close();
  await shop?.stop();
});

test('a product question ends as cards with the engine\'s names, prices (with tax) and product pages', async () => {
  const res = await postChat(gateway.url, { key: 'v-shoe', text: 'do you have trail shoes?' });
  const events = parseEvents(res.body);
  assert.equal(events.at(-1).event, 'done');
  const cards = events.filter((e) => e.event === 'card').map((e) => e.data.product);
  // 89.00 + 19 % tax (tools/vendure/seed/), from the cheapest variant
  assert.deepEqual(cards, [{
    id: 'trail-runner-shoe', name: 'Trail Runner Shoe', price: '105.91', currency: 'USD',
    url: 'https://shop.example/products/trail-runner-shoe',
  }]);
});

test('stock per variant is the engine\'s, so "is the red one in stock?" is answered from it', async () => {
  const res = await postChat(gateway.url, { key: 'v-red', text: 'is the red trail shoe in stock?' });
  assert.equal(replyText(parseEvents(res.body)), 'Trail Runner Shoe: TRS-BLUE in stock, TRS-RED sold out');
  const [, second] = model.requestsFor('is the red trail shoe in stock?');
  const [product] = toolResult(second.body).products;
  assert.deepEqual(product.variants.map((v) => [v.sku, v.price, v.in_stock]), [['TRS-BLUE', '105.91', true], ['TRS-RED', '105.91', false]]);
});

test('a shop that stops answering: the model is told, the shopper gets a whole reply, nothing hangs', async () => {
  await shop.stop();
  const res = await postChat(gateway.url, { key: 'v-down', text: 'any beanies?' });
  const events = parseEvents(res.body);
  assert.equal(events.at(-1).event, 'done');
  assert.match(replyText(events), /^Sorry: the shop's catalogue cannot be reached right now/);
  assert.ok(gateway.lines.some((l) => /search_products: the shop did not answer/.test(l)), gateway.lines.join('\n'));
});
