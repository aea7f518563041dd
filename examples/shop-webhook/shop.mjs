// A complete shop webhook for Natter's `webhook` agent (docs/agents.md).
// It checks each turn's signature, answers each message id once (a retried
// turn gets the same answer), and streams NDJSON: text, product cards, done.
// Run: NATTER_WEBHOOK_SECRET=… PORT=8788 node examples/shop-webhook/shop.mjs
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { verifyNatterSignature } from './verify-signature.mjs';

const PRODUCTS = [
  { id: 'sku-astro-bot', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP', url: 'https://shop.example/astro-bot', tags: ['ps5', 'game'] },
  { id: 'sku-forza-5', name: 'Forza Horizon 5 (Xbox)', price: '29.99', currency: 'GBP', url: 'https://shop.example/forza-5', tags: ['xbox', 'game'] },
];

function answer({ text, visitor }) {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const found = PRODUCTS.filter((p) => p.tags.some((tag) => words.includes(tag)));
  const hello = visitor?.name ? `Hi ${visitor.name}! ` : '';
  const reply = found.length ? `${hello}We have ${found.length} for you:` : `${hello}Ask me about PS5 or Xbox games.`;
  return [
    { event: 'delta', data: { text: reply } },
    ...found.map(({ tags, ...product }) => ({ event: 'card', data: { product } })),
    { event: 'done', data: {} },
  ];
}

export function createShop({ secret }) {
  if (!secret) throw new Error('Set NATTER_WEBHOOK_SECRET: the secret the gateway signs with.');
  const answered = new Map(); // message_id -> events: the shop's own dedupe
  return http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    if (!verifyNatterSignature(body, req.headers['natter-signature'], secret)) {
      res.writeHead(401).end();
      return;
    }
    const turn = JSON.parse(body);
    if (!answered.has(turn.message_id)) answered.set(turn.message_id, answer(turn));
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const event of answered.get(turn.message_id)) res.write(`${JSON.stringify(event)}\n`);
    res.end();
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  createShop({ secret: process.env.NATTER_WEBHOOK_SECRET }).listen(Number(process.env.PORT ?? 8788), '127.0.0.1');
}
