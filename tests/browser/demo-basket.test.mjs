// The demo shop's product page (web/demo/astro-bot.html) as `npm start`
// serves it, with the scripted demo agent: "add this to my basket" gets an
// answer and a confirm card; Confirm runs the page's add_to_cart once (its
// basket count goes from 0 to 1), the card shows the page's result, and the
// next answer opens with what happened. The page's own button uses the same
// basket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, eventually } from './harness.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());

test('the demo product page: the assistant proposes, the shopper confirms, the basket gets one', async () => {
  const s = await openStorefront(stack, { path: '/demo/astro-bot.html' });
  const count = s.page.locator('.basket .count');
  assert.equal(await count.textContent(), '0');
  await s.openChat();
  await s.textarea.fill('add this to my basket');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  assert.match(await s.finishedReplies.first().textContent(), /Shall I add Astro Bot \(PS5\) to your basket\?/);
  const card = s.widget.getByRole('group', { name: 'Astro Bot (PS5)' });
  await card.getByRole('button', { name: 'Confirm' }).click();
  await eventually(async () => assert.equal(await card.getAttribute('data-state'), 'done'), { timeout: 10_000 });
  assert.equal(await card.getByRole('status').textContent(), 'Done: Added Astro Bot (PS5) to your basket');
  assert.equal(await count.textContent(), '1');
  await s.textarea.fill('thanks');
  await s.textarea.press('Enter');
  await s.finishedReplies.nth(1).waitFor();
  assert.match(await s.finishedReplies.nth(1).textContent(), /Done: Added Astro Bot \(PS5\) to your basket\./);
  await s.page.getByRole('button', { name: 'Add to basket' }).click();
  assert.equal(await count.textContent(), '2');
  s.assertClean();
});
