// The action confirm card (ui/action-card.js): the agent proposes
// add_to_cart, the card shows the item, variant, quantity and price; Confirm
// runs the page's handler once (a double tap too) and shows its result;
// Not now sends nothing; a page that declared nothing gets no card and no
// Confirm. Keyboard-usable and axe-clean. Over HTTP and the live session
// (whose hello names the feature "actions").
import { test, before, after, beforeEach } from 'node:test';

import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { assertAxeClean } from './axe.mjs';
import { openWidgetPage } from './widget-page.mjs';
import { LOCAL_NETWORK } from './story-helpers.mjs';
import { actionAgent, declareAddToCart, recordActionPosts } from './action-test-agent.mjs';

let stack;
before(async () => { stack = await startStack({ extraArgs: LOCAL_NETWORK, server: { agent: actionAgent() } }); });
after(() => stack?.close());
beforeEach(() => stack.reset());

async function openShop(data = {}) {
  const w = await openWidgetPage(stack, { data });
  const posts = recordActionPosts(w.page);
  return { w, posts };
}

async function ask(w) {
  await w.textarea.fill('please add this to my basket');
  await w.textarea.press('Enter');
  await w.widget.locator('li.msg.agent[aria-busy="false"]').first().waitFor();
}

const cardOf = (w) => w.widget.getByRole('group', { name: 'Astro Bot (PS5)' });

for (const transport of ['http', 'session']) {
  test(`${transport}: the card shows the summary; a double tap on Confirm runs the handler once and shows its result`, async () => {
    const { w, posts } = await openShop(transport === 'session' ? { transport: 'session' } : {});
    await declareAddToCart(w.page);
    await w.openChat();
    await ask(w);
    const card = cardOf(w);
    await card.waitFor();
    assert.deepEqual(await card.locator('.action-detail').allTextContents(), ['Standard edition', 'Quantity: 1']);
    assert.equal(await card.locator('.card-price').textContent(), '£49.99');
    await assertAxeClean(w.page, 'an action confirm card');
    await card.getByRole('button', { name: 'Confirm' }).dblclick();
    await eventually(async () => assert.equal(await card.getAttribute('data-state'), 'done'), { timeout: 10000 });
    assert.equal(await card.getByRole('status').textContent(), 'Done: Added to basket');
    const runs = await w.page.evaluate(() => window.__actionRuns);
    assert.equal(runs.length, 1, 'the handler ran once');
    assert.deepEqual(runs[0].args, { product_id: 'sku-astro', variant_id: 'std', quantity: 1 });
    assert.equal(runs[0].meta.retry, false);
    assert.equal(posts.action.length, 1, 'one POST /api/action');
    assert.equal(posts.action[0].name, 'add_to_cart');
    assert.equal(posts.action[0].action_id, runs[0].meta.actionId);
    assert.equal(posts.result.length, 1);
    assert.deepEqual({ fence: posts.result[0].fence, ok: posts.result[0].result.ok }, { fence: 1, ok: true });
    assert.equal(await card.getByRole('button').count(), 0);
    assert.deepEqual(w.problems, []);
  });
}

test('Not now from the keyboard sends nothing and the card says so', async () => {
  const { w, posts } = await openShop();
  await declareAddToCart(w.page);
  await w.openChat();
  await ask(w);
  const card = cardOf(w);
  await card.getByRole('button', { name: 'Not now' }).focus();
  await w.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await card.getAttribute('data-state'), 'declined'));
  assert.equal(await card.getByRole('status').textContent(), 'Not done: you chose not now');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(posts.action.length, 0, 'nothing sent');
  assert.deepEqual(await w.page.evaluate(() => window.__actionRuns), []);
  assert.equal(w.requests.filter((p) => p.startsWith('/api/action')).length, 0);
  await assertAxeClean(w.page, 'a declined action card');
});

test('a page that declared no handler gets no card and no Confirm', async () => {
  const { w, posts } = await openShop();
  await w.openChat();
  await ask(w);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await w.widget.locator('.action-card').count(), 0);
  assert.equal(await w.widget.getByRole('button', { name: 'Confirm' }).count(), 0);
  assert.equal(posts.action.length, 0);
});
