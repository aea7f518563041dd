// The demo shop's product page (web/demo/astro-bot.html) as `npm start`
// serves it, with the scripted demo agent: "add this to my basket" gets an
// answer and a confirm card; Confirm runs the page's add_to_cart once (its
// basket count goes from 0 to 1), the card shows the page's result, and the
// next answer opens with what happened. The page's own button uses the same
// basket, and staff see what the page did in the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront } from './harness.mjs';
import { LOCAL_NETWORK, signInToConsole } from './story-helpers.mjs';
import { askAndConfirm } from './action-helpers.mjs';

const STAFF_TOKEN = 'demo-basket-staff-token-0123456789';
let stack;
// LOCAL_NETWORK: without it the live page, fulfilled by a route, got no
// reply (Chromium's local-network checks on its socket to loopback).
before(async () => { stack = await startStack({ extraArgs: LOCAL_NETWORK, server: { staffToken: STAFF_TOKEN } }); });
after(() => stack?.close());

// The page as served, or (`live`) the same page embedding the widget on the
// live session (staff see live conversations in the console).
async function openProductPage({ live = false } = {}) {
  const onPage = live ? (page) => page.route('**/demo/astro-bot.html', async (route) => {
    const served = await route.fetch();
    const html = (await served.text()).replace('data-endpoint=""></script>', 'data-endpoint="" data-transport="session"></script>');
    await route.fulfill({ response: served, body: html });
  }) : undefined;
  return openStorefront(stack, { path: '/demo/astro-bot.html', onPage });
}

// Asks, confirms on the card, and checks the basket and the card's result.
async function addWithTheAssistant(s) {
  const count = s.page.locator('.basket .count');
  const before = Number(await count.textContent()); // the browser's basket: kept across this file's tests
  const { card, answer } = await askAndConfirm(s);
  assert.match(answer, /Shall I add Astro Bot \(PS5\) to your basket\?/);
  assert.equal(await card.getByRole('status').textContent(), 'Done: Added Astro Bot (PS5) to your basket');
  assert.equal(Number(await count.textContent()), before + 1);
}

test('the demo product page: the assistant proposes, the shopper confirms, the basket gets one', async () => {
  const s = await openProductPage();
  await addWithTheAssistant(s);
  await s.textarea.fill('thanks');
  await s.textarea.press('Enter');
  await s.finishedReplies.nth(1).waitFor();
  assert.match(await s.finishedReplies.nth(1).textContent(), /Done: Added Astro Bot \(PS5\) to your basket\./);
  const count = Number(await s.page.locator('.basket .count').textContent());
  await s.page.getByRole('button', { name: 'Add to basket' }).click();
  assert.equal(Number(await s.page.locator('.basket .count').textContent()), count + 1);
  s.assertClean();
});

test('on the live session, staff see in the console what the page did', async () => {
  await stack.reset();
  const s = await openProductPage({ live: true });
  await addWithTheAssistant(s);
  const conversation = await s.page.evaluate(() => window.natter('debug').conversation_id);
  const staff = await stack.context.newPage();
  await signInToConsole(stack, staff, 'en', STAFF_TOKEN);
  await staff.locator(`.conversations button[data-id="${conversation}"]`).click();
  const ran = staff.locator('section.detail .actions-ran .line');
  await ran.first().waitFor();
  // The page's words come isolated (FSI ... PDI: console/render.js actionLines).
  assert.deepEqual(await ran.allTextContents(), ['\u2068add_to_cart\u2069: done (\u2068Added Astro Bot (PS5) to your basket\u2069)']);
  assert.equal(await staff.getByRole('heading', { name: 'What the page did' }).count(), 1);
  s.assertClean();
});
