// The Vendure Shop API client's bounds (tools/gateway/agents/vendure-shop.mjs)
// against a local stand-in that misbehaves: every failure is a
// ShopUnavailable naming what went wrong, within the time bound, and the
// shopper's words reach the API only as GraphQL variables. The real engine
// is in the commerce tier (tests/commerce/).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createVendureShop, ShopUnavailable } from '../../tools/gateway/agents/vendure-shop.mjs';

const seen = [];
let answer = () => {};
const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  seen.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  answer(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));

const shop = (options = {}) => createVendureShop({
  shopApiUrl: `http://127.0.0.1:${server.address().port}/shop-api`, productUrl: 'https://s.example/p/{slug}', ...options,
});
const json = (body) => (res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };

test('a product list becomes catalogue products, cheapest variant first, stock per variant', async () => {
  answer = json({ data: { products: { items: [{
    id: '7', name: 'Mug', slug: 'big mug', description: 'Stoneware',
    variants: [
      { id: '1', sku: 'M-L', name: 'Mug large', priceWithTax: 1500, currencyCode: 'EUR', stockLevel: 'OUT_OF_STOCK' },
      { id: '2', sku: 'M-S', name: 'Mug small', priceWithTax: 1250, currencyCode: 'EUR', stockLevel: 'LOW_STOCK' },
    ],
  }, { id: '8', name: 'No variants', slug: 'none', variants: [] }] } } });
  const [mug, ...rest] = await shop().candidates('a "mug" } mutation {');
  assert.deepEqual(rest, [], 'a product without variants is no card');
  assert.deepEqual({ ...mug, tags: undefined, variants: undefined }, {
    id: 'big mug', name: 'Mug', price: '12.50', currency: 'EUR', url: 'https://s.example/p/big%20mug', in_stock: true, tags: undefined, variants: undefined,
  });
  assert.deepEqual(mug.variants.map((v) => [v.sku, v.in_stock]), [['M-L', false], ['M-S', true]]);
  const { query, variables } = seen.at(-1);
  assert.ok(!query.includes('mug'), 'the words travel as variables, never in the query text');
  assert.deepEqual(variables.options.filter._or.map((f) => Object.values(f)[0].contains), ['mug', 'mug', 'mutation', 'mutation']);
});

test('HTTP errors, GraphQL errors, non-JSON, an over-long answer and silence each throw ShopUnavailable', async () => {
  const cases = [
    [(res) => { res.writeHead(503); res.end('down'); }, /HTTP 503/, {}],
    [json({ errors: [{ message: 'Cannot query field' }] }), /refused the query: Cannot query field/, {}],
    [(res) => { res.writeHead(200); res.end('<html>'); }, /not JSON/, {}],
    [(res) => { res.writeHead(200); res.end('x'.repeat(5000)); }, /over 4096 bytes/, { maxBytes: 4096 }],
    [() => {}, /did not answer \(200 ms\)/, { timeoutMs: 200 }],
  ];
  for (const [how, message, options] of cases) {
    answer = how;
    await assert.rejects(shop(options).candidates('mug'), (error) => error instanceof ShopUnavailable && message.test(error.message));
  }
});

test('a query with no word of three letters asks the shop nothing', async () => {
  const before = seen.length;
  assert.deepEqual(await shop().candidates('?? a b'), []);
  assert.equal(seen.length, before);
});
