// Saved products: the shopper saves a product card and the shop's page
// hears of it once (natter('on', 'product_saved' | 'product_unsaved')); the
// card shows saved again after a reload of the page; the toggle works from
// the keyboard alone and passes axe. Observes the screen and the page's
// listeners, never the widget's own state.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { assertAxeClean } from './axe.mjs';
import { openConnected, type } from './session-helpers.mjs';
import { openWidgetPage } from './widget-page.mjs';
import { parseProductQuery, searchProducts } from '../../tools/gateway/agents/demo/catalogue.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const QUESTION = 'do you have PS5 games?';

// The shop's own code: every product event, in order, in window.__products.
function listen(page) {
  return page.evaluate(() => {
    window.__products = [];
    for (const name of ['product_saved', 'product_unsaved']) {
      window.natter('on', name, (product) => window.__products.push({ name, product }));
    }
  });
}
const heard = (s) => s.page.evaluate(() => window.__products);
const pressed = (toggle) => toggle.getAttribute('aria-pressed');
// The element focused inside the widget's shadow root: its class and label.
const focused = (s) => s.page.evaluate(() => {
  const el = document.querySelector('natter-widget').shadowRoot.activeElement;
  return el ? { className: el.className, label: el.getAttribute('aria-label') } : null;
});

test('a saved card tells the page once, stays saved across a reload, and unsaves from the keyboard', async () => {
  const [first] = searchProducts(parseProductQuery(QUESTION));
  assert.ok(first, 'the catalogue has a PS5 game to find');
  const product = { id: first.id, title: first.name, url: first.url, price: first.price, currency: first.currency };

  const s = await openConnected(stack);
  await listen(s.page);
  await type(s, QUESTION);
  await s.finishedReplies.first().waitFor();
  const toggle = s.widget.getByRole('button', { name: `Save ${first.name}`, exact: true });
  assert.equal(await pressed(toggle), 'false');
  assert.equal(await toggle.textContent(), 'Save');
  await assertAxeClean(s.page, 'product cards with Save toggles');

  await toggle.click();
  await eventually(async () => assert.equal(await pressed(toggle), 'true'));
  assert.deepEqual(await heard(s), [{ name: 'product_saved', product }], 'exactly one event, with the product');

  await s.page.reload();
  await listen(s.page);
  await s.openChat();
  await s.waitForStatus('Connected');
  const restored = s.widget.getByRole('button', { name: `Save ${first.name}`, exact: true });
  await eventually(async () => assert.equal(await pressed(restored), 'true', 'the card shows saved after the reload'));
  assert.deepEqual(await heard(s), [], 'a reload announces nothing');

  // Keyboard only: from the card's link, Tab reaches its toggle; Space and Enter toggle it.
  await s.widget.locator('.card').first().focus();
  await s.page.keyboard.press('Tab');
  assert.deepEqual(await focused(s), { className: 'card-save', label: `Save ${first.name}` });
  await s.page.keyboard.press('Space');
  await eventually(async () => assert.equal(await pressed(restored), 'false'));
  assert.deepEqual(await heard(s), [{ name: 'product_unsaved', product }], 'exactly one unsaved event');
  await s.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await pressed(restored), 'true'));
  assert.deepEqual(await heard(s), [{ name: 'product_unsaved', product }, { name: 'product_saved', product }]);
  await assertAxeClean(s.page, 'a saved card');
  s.assertClean();
});

test("a shop that sets saveProducts: 'off' gets the same cards without a Save toggle", async () => {
  const w = await openWidgetPage(stack, { init: { saveProducts: 'off' } });
  await w.openChat();
  await w.textarea.fill(QUESTION);
  await w.textarea.press('Enter');
  await w.widget.locator('li.msg.agent[aria-busy="false"] .card').first().waitFor();
  assert.ok(await w.widget.locator('.card').count() >= 1, 'the cards are there');
  assert.equal(await w.widget.locator('.card-save').count(), 0, 'no Save toggle');
  assert.deepEqual(w.problems, []);
});
