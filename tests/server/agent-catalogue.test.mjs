// The shop's catalogue file for the `openai` adapter: CSV and JSON, clear
// errors naming the row and field, and the search its tools run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalogue, parseCatalogue, parseCsv } from '../../tools/gateway/agents/shop-catalogue.mjs';
import { createShopTools, searchCatalogue } from '../../tools/gateway/agents/shop-tools.mjs';
import { agentFromEnv, DEMO_CATALOGUE } from '../../tools/gateway/agents/config.mjs';

test('CSV: quoted fields keep commas, quotes and newlines; CRLF and a BOM are fine', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\n'), [['a', 'b'], ['x, y', 'say "hi"\nthere']]);
  const [p] = parseCatalogue('\uFEFFname,price,currency,url,image,tags\r\n"Mario Kart, Deluxe",44.99,gbp,https://s.example/p/mk8,,switch|game\r\n', 'csv');
  assert.deepEqual(p, { id: 'mk8', name: 'Mario Kart, Deluxe', price: '44.99', currency: 'GBP', url: 'https://s.example/p/mk8', tags: ['switch', 'game'] });
});

test('a bad row is refused with its row number and field', () => {
  const header = 'name,price,currency,url\n';
  assert.throws(() => parseCatalogue(`${header}Ok,1.00,GBP,https://s.example/a\nBad,cheap,GBP,https://s.example/b\n`, 'csv'),
    /row 3: price must be a decimal like "59.99"/);
  assert.throws(() => parseCatalogue(`${header}Bad,1.00,GBP,javascript:alert(1)\n`, 'csv'), /row 2: url must be an http\(s\) link/);
  assert.throws(() => parseCatalogue(`${header}Bad,1.00,pounds,https://s.example/a\n`, 'csv'), /row 2: currency must be an ISO 4217/);
  assert.throws(() => parseCatalogue(`${header}A,1,GBP,https://s.example/a\nB,2,GBP,https://t.example/a\n`, 'csv'), /two products have the id "a"/);
  assert.throws(() => parseCatalogue('{"items": []}', 'json'), /JSON must be an array/);
  assert.throws(() => parseCatalogue(header, 'csv'), /no products/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'natter-cat-'));
  writeFileSync(path.join(dir, 'c.txt'), '');
  assert.throws(() => loadCatalogue(path.join(dir, 'c.txt')), /must be a \.json or \.csv file/);
  writeFileSync(path.join(dir, 'c.json'), '[{"name": "X", "price": 1, "currency": "EUR", "url": "https://s.example/x", "trade_in": "lots"}]');
  assert.throws(() => loadCatalogue(path.join(dir, 'c.json')), /c\.json: row 1: trade_in must be a non-negative number/);
});

test('the demo catalogue loads, and search finds the products matching the most words', async () => {
  const products = loadCatalogue(DEMO_CATALOGUE);
  assert.equal(products.length, 14);
  const names = (query, maxPrice) => searchCatalogue(products, { query, maxPrice }).map((p) => p.name);
  assert.deepEqual(names('PS5 games'), ['Astro Bot (PS5)', 'Gran Turismo 7 (PS5)', "Marvel's Spider-Man 2 (PS5)"]);
  assert.deepEqual(names('do you have a Switch controller'), ['Nintendo Switch Pro Controller', 'Joy-Con Pair (Neon Red/Blue)']);
  assert.deepEqual(names('headset', 50), ['Nova Stealth Wired Headset']);
  assert.deepEqual(names('a toaster'), []);
  const tools = createShopTools({ products });
  assert.deepEqual((await tools.run('trade_in_quote', '{"item": "Switch OLED", "condition": "broken"}', {})).result,
    { item: 'Nintendo Switch OLED', condition: 'broken', accepted: false });
  assert.match((await tools.run('search_products', '{"query": ', {})).result.error, /not a JSON object/);
  assert.match((await tools.run('delete_everything', '{}', {})).result.error, /no tool "delete_everything"/);
});

test('NATTER_AGENT=openai needs a model and a good catalogue, and says so', () => {
  const env = { NATTER_AGENT: 'openai', NATTER_OPENAI_MODEL: 'm', NATTER_OPENAI_API_KEY: 'sk-secret-value' };
  const { agent, description } = agentFromEnv(env, { log: () => {} });
  assert.equal(agent.name, 'openai');
  assert.match(description, /^openai https:\/\/api\.openai\.com model m, 14 products from .*shop-catalogue\.csv$/);
  assert.ok(!description.includes('sk-secret-value'));
  assert.throws(() => agentFromEnv({ ...env, NATTER_OPENAI_MODEL: '' }), /NATTER_OPENAI_MODEL is required/);
  assert.throws(() => agentFromEnv({ ...env, NATTER_CATALOGUE: '/nonexistent/c.csv' }), /NATTER_CATALOGUE: \/nonexistent\/c\.csv: ENOENT/);
  assert.throws(() => agentFromEnv({ ...env, NATTER_OPENAI_TIMEOUT_MS: '-1' }), /NATTER_OPENAI_TIMEOUT_MS/);
  assert.throws(() => agentFromEnv({ ...env, NATTER_OPENAI_MAX_TOKENS: '0' }), /NATTER_OPENAI_MAX_TOKENS must be a whole number >= 1/);
});
