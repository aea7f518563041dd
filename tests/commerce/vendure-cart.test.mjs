// The assistant acts in a real basket: a shop page on its own origin keeps
// its basket in Vendure 3 (tools/vendure/, unmodified: the Shop API's
// active order, its session as a bearer token, reached through the shop's
// own /shop-api as storefronts usually do) and embeds the widget from the
// gateway's origin. It declares add_to_cart (its handler calls Vendure's
// addItemToOrder) and gives its basket with natter('cart'). In Chromium the
// shopper asks, the `openai` adapter's model (a local stand-in) proposes
// the page's action for a variant from the engine, the shopper confirms on
// the card: the engine's order holds exactly that line once; the model is
// told on the next turn what the page ran, and sees the engine's basket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startVendure } from '../../tools/vendure/vendure-server.mjs';
import { agentFromEnv } from '../../tools/gateway/agents/config.mjs';
import { finishChunk, startFakeOpenAi, streamChunks, textChunks, toolCallChunks } from '../server/fake-openai.mjs';
import { startReferenceServer, launchChromium, eventually } from '../browser/harness.mjs';

const ASK = 'put the blue trail shoe in my basket';
const THEN = 'what is in my basket now?';
let shop; // Vendure
let model;
let gateway;
let shopSite; // the shop's own web server: the page and /shop-api
let browser;
let blue; // the engine's TRS-BLUE variant {id, sku, priceWithTax}

async function shopApi(query, variables = {}, token = null) {
  const res = await fetch(shop.shopApiUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const json = await res.json();
  if (json.errors) throw new Error(json.errors[0].message);
  return json.data;
}

// The model: the shopper's ask becomes the page's add_to_cart for the blue
// variant; after the tool's answer it says so; any other turn is answered
// plainly (what it was told is in model.requests).
function respond({ body }, res) {
  const user = body.messages.filter((m) => m.role === 'user').at(-1).content;
  const toolAnswered = body.messages.at(-1).role === 'tool';
  if (user === ASK && !toolAnswered) {
    const call = { args: { variant_id: blue.id, quantity: 1 }, summary: { title: 'Trail Runner Shoe', variant: 'Blue', quantity: 1, price: '105.91', currency: 'USD' } };
    return streamChunks(res, [...toolCallChunks(0, 'call_add', 'page_action_add_to_cart', [JSON.stringify(call)]), finishChunk('tool_calls')]);
  }
  return streamChunks(res, textChunks(toolAnswered ? 'Please confirm below.' : 'Here is your basket.'));
}

// The shop's page: its basket is Vendure's active order. The handler runs
// each action id once (a retried action after a reload is answered from
// what the page kept), as docs/commerce.md asks of it.
function shopPage(widgetOrigin) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trail Runner Shoe</title>
<script>
window.natter = window.natter || function () { (natter.q = natter.q || []).push(arguments); };
async function vendure(query, variables) {
  const headers = { 'Content-Type': 'application/json' };
  const token = localStorage.getItem('vendure-token');
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch('/shop-api', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const fresh = res.headers.get('vendure-auth-token');
  if (fresh) localStorage.setItem('vendure-token', fresh);
  const json = await res.json();
  if (json.errors) throw new Error(json.errors[0].message);
  return json.data;
}
natter('context', { product: { id: 'trail-runner-shoe', name: 'Trail Runner Shoe', price: '105.91', currency: 'USD' } });
natter('action', 'add_to_cart', {
  description: 'Put a product variant in the basket',
  args: { variant_id: 'string', quantity: 'integer' },
}, async (args, { actionId }) => {
  const done = JSON.parse(sessionStorage.getItem('actions-done') || '{}');
  if (done[actionId]) return done[actionId];
  const data = await vendure('mutation ($v: ID!, $q: Int!) { addItemToOrder(productVariantId: $v, quantity: $q) { __typename ... on Order { totalQuantity } ... on ErrorResult { message } } }',
    { v: args.variant_id, q: args.quantity });
  const order = data.addItemToOrder;
  const result = order.__typename === 'Order'
    ? { ok: true, message: 'Added to your basket', data: { basket_count: order.totalQuantity } }
    : { ok: false, message: order.message };
  done[actionId] = result;
  sessionStorage.setItem('actions-done', JSON.stringify(done));
  return result;
});
natter('cart', async () => {
  const { activeOrder: o } = await vendure('{ activeOrder { subTotalWithTax currencyCode lines { quantity unitPriceWithTax productVariant { sku name } } } }', {});
  if (!o) return undefined;
  const money = (minor) => (minor / 100).toFixed(2);
  return {
    items: o.lines.map((l) => ({ id: l.productVariant.sku, name: l.productVariant.name, quantity: l.quantity, price: money(l.unitPriceWithTax) })),
    total: money(o.subTotalWithTax), currency: o.currencyCode,
  };
});
</script>
<script async src="${widgetOrigin}/natter.js" data-endpoint="${widgetOrigin}" data-transport="session"></script>
</head><body><main><h1>Trail Runner Shoe</h1></main></body></html>`;
}

// The shop's own server on http://localhost:<port> (another site than the
// gateway's 127.0.0.1): the page, and /shop-api passed to Vendure.
async function startShopSite(widgetOrigin) {
  const server = http.createServer(async (req, res) => {
    if (req.url === '/product.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(shopPage(widgetOrigin));
      return;
    }
    if (req.url === '/shop-api' && req.method === 'POST') {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const upstream = await fetch(shop.shopApiUrl, {
        method: 'POST', body: Buffer.concat(chunks),
        headers: { 'Content-Type': 'application/json', ...(req.headers.authorization ? { Authorization: req.headers.authorization } : {}) },
      });
      const token = upstream.headers.get('vendure-auth-token');
      res.writeHead(upstream.status, { 'Content-Type': 'application/json', ...(token ? { 'vendure-auth-token': token } : {}) });
      res.end(Buffer.from(await upstream.arrayBuffer()));
      return;
    }
    res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end(); // every shop has a favicon; the browser asks
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: (p) => `http://localhost:${server.address().port}${p}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

before(async () => {
  shop = await startVendure();
  const { product } = await shopApi('{ product(slug: "trail-runner-shoe") { variants { id sku priceWithTax } } }');
  blue = product.variants.find((v) => v.sku === 'TRS-BLUE');
  model = await startFakeOpenAi(respond);
  const { agent } = agentFromEnv({
    NATTER_AGENT: 'openai', NATTER_OPENAI_BASE_URL: model.baseUrl, NATTER_OPENAI_MODEL: 'fake-1',
    NATTER_VENDURE_SHOP_API: shop.shopApiUrl, NATTER_VENDURE_PRODUCT_URL: 'https://shop.example/products/{slug}',
  });
  gateway = await startReferenceServer({ agent });
  shopSite = await startShopSite(new URL(gateway.server.url).origin);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await shopSite?.close();
  await gateway?.server.close();
  await model?.close();
  await shop?.stop();
});

test('the shopper confirms the assistant\'s add_to_cart: the engine\'s order holds the line once; the model learns what happened', async () => {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  const shopCalls = []; // what the page asked its /shop-api, in order of the answers
  page.on('response', (r) => {
    const body = r.request().postData() ?? '';
    if (r.url().endsWith('/shop-api')) shopCalls.push(body.includes('addItemToOrder') ? 'add' : body.includes('activeOrder') ? 'cart' : 'other');
  });
  await page.goto(shopSite.url('/product.html'));
  await page.getByRole('button', { name: /chat/i }).click();
  const box = page.getByRole('textbox', { name: /message/i });
  await box.fill(ASK);
  await box.press('Enter');
  const card = page.getByRole('group', { name: 'Trail Runner Shoe' });
  await card.getByRole('button', { name: 'Confirm' }).click();
  await eventually(async () => assert.equal(await card.getAttribute('data-state'), 'done'), { timeout: 15_000 });

  // The engine's order, read with the page's own session.
  const token = await page.evaluate(() => localStorage.getItem('vendure-token'));
  assert.ok(token, 'the page holds a Vendure session');
  const { activeOrder } = await shopApi('{ activeOrder { totalQuantity lines { quantity productVariant { sku } } } }', {}, token);
  assert.deepEqual(activeOrder.lines.map((l) => [l.productVariant.sku, l.quantity]), [['TRS-BLUE', 1]]);

  // The widget reads the basket again once the action ran; then the next
  // turn: the model is told what the page ran, and sees the engine's basket.
  await eventually(() => assert.equal(shopCalls.slice(shopCalls.indexOf('add')).includes('cart'), true), { timeout: 10_000 });
  await box.fill(THEN);
  await box.press('Enter');
  await eventually(() => assert.equal(model.requestsFor(THEN).length, 1), { timeout: 15_000 });
  const [next] = model.requestsFor(THEN);
  const system = next.body.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  assert.match(system, /the page ran add_to_cart \{"variant_id":"[^"]+","quantity":1\}: ok, its message: "Added to your basket", data: \{"basket_count":1\}/);
  assert.match(system, /"cart":\{"items":\[\{"id":"TRS-BLUE","name":"[^"]*","quantity":1,"price":"105\.91"\}\],"total":"105\.91","currency":"USD"\}/);
  assert.equal(model.requestsFor(ASK).length, 2, 'one run: the proposal, then the tool answer');
  assert.deepEqual(problems, []);
  await page.close();
});
