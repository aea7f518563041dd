// Product cards and reply chips come in their own chunk
// (natter.replyparts.<hash>.js, shim/ui/load-reply-parts.js), as a shopper
// sees it: a page nobody chats on never downloads it, opening the panel
// does; a reply whose chunk could not be downloaded shows its text at once
// and its cards once a later try loads it (the panel opened again).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, eventually } from './harness.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const PARTS = /\/natter\.replyparts\.[0-9a-f]{12}\.js$/;
const QUESTION = 'do you have PS5 games?';
const asked = (s) => s.requests.filter((u) => PARTS.test(u)).length;

test('the chunk is downloaded once the shopper opens the panel, not before', async () => {
  const s = await openStorefront(stack);
  await s.page.waitForTimeout(2500); // past the page's idle moments, had it been asked for
  assert.equal(asked(s), 0, 'no cards chunk without intent');
  await s.openChat();
  await eventually(() => assert.equal(asked(s), 1), { timeout: 5000 });
  s.assertClean();
});

test('cards whose chunk could not be downloaded appear once a later try loads it', async () => {
  let blocked = true;
  const s = await openStorefront(stack, {
    onPage: (page) => page.route(PARTS, (route) => (blocked ? route.abort('failed') : route.continue())),
  });
  await s.openChat();
  await s.textarea.fill(QUESTION);
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  await eventually(() => assert.ok(asked(s) >= 1));
  const reply = s.finishedReplies.first();
  assert.ok((await reply.locator('.bubble').textContent()).trim().length > 0, 'the reply\'s text is shown');
  assert.equal(await s.widget.locator('.card').count(), 0, 'no card without its chunk');
  blocked = false;
  const tries = asked(s);
  await s.launcher.click(); // closes the panel
  await s.launcher.click(); // opens it again: the next try
  await eventually(() => assert.ok(asked(s) > tries), { timeout: 5000 });
  const card = reply.locator('.card').first();
  await card.waitFor({ timeout: 10000 });
  assert.equal(await card.evaluate((el) => getComputedStyle(el).display), 'flex', 'drawn with the chunk\'s CSS');
  const save = reply.locator('.card-save').first();
  assert.match(await save.evaluate((el) => getComputedStyle(el, '::before').content), /☆/);
  assert.equal(await save.textContent(), 'Save');
});
