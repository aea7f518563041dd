// Steps several stories share around a confirmable action on a product page.
import assert from 'node:assert/strict';
import { eventually } from './harness.mjs';

// The shopper opens the chat, asks the assistant to add the page's product,
// confirms on the card its answer brings and waits until the page's handler
// has reported back (the card done). Returns the card and the answer's text;
// what the page and the gateway saw is each story's own to check.
export async function askAndConfirm(s, { ask = 'add this to my basket', product = 'Astro Bot (PS5)' } = {}) {
  await s.openChat();
  await s.textarea.fill(ask);
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  const answer = await s.finishedReplies.first().textContent();
  const card = s.widget.getByRole('group', { name: product });
  await card.getByRole('button', { name: 'Confirm' }).click();
  await eventually(async () => assert.equal(await card.getAttribute('data-state'), 'done'), { timeout: 10_000 });
  return { card, answer };
}
