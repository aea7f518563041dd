// The widget in front of a shop's own AI: the gateway is configured with the
// webhook agent and the shop is examples/shop-webhook/shop.mjs (the example
// docs/agents.md shows). The shopper sees the shop's answer and its product
// card; a shop that fails gives a failed message with Retry, and Retry
// (same message id) shows the answer once the shop is back.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startStack, openStorefront } from './harness.mjs';
import { createShop } from '../../examples/shop-webhook/shop.mjs';
import { createWebhookAgent } from '../../tools/gateway/agents/webhook.mjs';

const SECRET = 'whsec_browser_0123456789';

let stack;
let shop;
const shopState = { down: false, turns: [] };

before(async () => {
  const answer = createShop({ secret: SECRET }).listeners('request')[0];
  // In front of the example shop: records each turn's message id, or answers
  // 500 while `down`.
  shop = http.createServer((req, res) => {
    shopState.turns.push(req.headers['idempotency-key']);
    if (shopState.down) return res.writeHead(500).end();
    return answer(req, res);
  });
  await new Promise((r) => shop.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${shop.address().port}/`;
  stack = await startStack({ server: { agent: createWebhookAgent({ url, secret: SECRET, timeoutMs: 5000 }) } });
});
after(async () => {
  await stack?.close();
  await new Promise((r) => { shop.closeAllConnections(); shop.close(r); });
});
beforeEach(async () => {
  shopState.down = false;
  shopState.turns.length = 0;
  await stack.reset();
});

async function ask(s, text) {
  await s.openChat();
  await s.textarea.fill(text);
  await s.textarea.press('Enter');
}

test('the shopper sees the shop\'s own answer and its product card', async () => {
  const s = await openStorefront(stack);
  await ask(s, 'do you have PS5 games?');
  await s.finishedReplies.first().waitFor();
  assert.equal(await s.agentBubbles.locator('.bubble').innerText(), 'We have 1 for you:');
  const cards = await s.agentBubbles.locator('.card').evaluateAll((nodes) => nodes.map((n) => ({
    href: n.getAttribute('href'), name: n.querySelector('.card-name')?.textContent, price: n.querySelector('.card-price')?.textContent,
  })));
  assert.deepEqual(cards, [{ href: 'https://shop.example/astro-bot', name: 'Astro Bot (PS5)', price: '£49.99' }]);
  assert.equal(shopState.turns.length, 1, 'the shop was asked once');
  assert.equal(shopState.turns[0], s.chatRequests[0].key, 'with the widget\'s message id');
  s.assertClean();
});

test('a shop answering 500 fails the message with Retry; Retry, with the same id, shows the answer once it is back', async () => {
  shopState.down = true;
  const s = await openStorefront(stack);
  await ask(s, 'any Xbox games?');
  const failed = s.widget.locator('li.msg.user[data-state="failed"]');
  await failed.waitFor();
  const retry = s.widget.getByRole('button', { name: 'Retry' });
  assert.equal(await retry.count(), 1);
  shopState.down = false;
  await retry.click();
  await s.finishedReplies.first().waitFor();
  assert.equal(await s.agentBubbles.locator('.card-name').innerText(), 'Forza Horizon 5 (Xbox)');
  assert.equal(await s.agentBubbles.count(), 1, 'one reply bubble');
  assert.equal(new Set(shopState.turns).size, 1, 'every call to the shop carried the same message id');
  const key = s.chatRequests[0].key;
  assert.equal(shopState.turns.at(-1), key);
  s.assertClean([{ // the widget's own log line for the failed attempt
    text: `[natter] message ${key.slice(0, 8)} failed: The assistant could not answer: The agent stopped before finishing its reply.`,
  }]);
});
