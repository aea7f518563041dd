// A shopper who never touches the mouse can open the chat, send a message
// and close it again, landing back on the launcher; and a message over the
// 4,000-character limit is refused in place (kept, explained, not sent).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, eventually } from './harness.mjs';

let stack;

before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

// Where keyboard focus is, looking inside the widget's shadow root.
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  const inner = el?.shadowRoot?.activeElement;
  const node = inner ?? el;
  return { tag: node?.localName, label: node?.getAttribute('aria-label') ?? null, inWidget: Boolean(inner) };
});

test('keyboard only: Tab to the launcher, Enter opens, Enter sends, Escape closes back to the launcher', async () => {
  const s = await openStorefront(stack);
  const { page } = s;
  let tabs = 0;
  for (; tabs < 40; tabs += 1) {
    const now = await focused(page);
    if (now.inWidget) break;
    await page.keyboard.press('Tab');
  }
  assert.deepEqual(await focused(page), { tag: 'button', label: 'Open chat', inWidget: true },
    `Tab reached the launcher (after ${tabs} presses)`);

  await page.keyboard.press('Enter');
  await s.panel.waitFor({ state: 'visible' });
  assert.equal(await s.launcher.getAttribute('aria-expanded'), 'true');
  await eventually(async () => assert.equal((await focused(page)).tag, 'textarea', 'opening moves focus to the composer'));

  await page.keyboard.type('hello');
  await page.keyboard.press('Enter');
  await s.finishedReplies.first().waitFor();
  assert.equal(s.chatRequests.length, 1, 'Enter sent the message');
  assert.equal(s.chatRequests[0].body.text, 'hello');
  assert.equal(await s.userBubbles.locator('.bubble').textContent(), 'hello');

  await page.keyboard.press('Escape');
  await s.panel.waitFor({ state: 'hidden' });
  assert.deepEqual(await focused(page), { tag: 'button', label: 'Open chat', inWidget: true },
    'focus is back on the launcher, which offers to open the chat again');
  assert.equal(await s.launcher.getAttribute('aria-expanded'), 'false');
  s.assertClean();
});

test('a message over 4,000 characters shows the inline error, keeps its text and sends nothing', async () => {
  const s = await openStorefront(stack);
  await s.openChat();
  const tooLong = 'a'.repeat(4100);
  await s.textarea.fill(tooLong);
  await s.textarea.press('Enter');

  await s.composerError.filter({ hasText: /\S/ }).waitFor();
  assert.equal(await s.composerError.textContent(),
    'This message is 100 characters over the 4,000-character limit. Shorten it to send.');
  assert.ok(await s.composerError.isVisible(), 'the error is shown under the composer');
  assert.equal(await s.textarea.getAttribute('aria-invalid'), 'true');
  assert.equal(await s.textarea.inputValue(), tooLong, 'the text is kept to be shortened');
  await s.sendButton.click(); // the button refuses it the same way
  assert.equal(await s.textarea.inputValue(), tooLong);
  assert.equal(await s.userBubbles.count(), 0, 'no bubble for a refused message');

  // Shortened to exactly the limit: the error goes, and this one is the
  // first and only message to reach the wire.
  await s.textarea.press('End');
  for (let i = 0; i < 100; i += 1) await s.textarea.press('Backspace');
  await s.composerError.filter({ hasText: /^$/ }).waitFor({ state: 'attached' });
  assert.equal(await s.textarea.getAttribute('aria-invalid'), null);
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  assert.equal(s.chatRequests.length, 1, 'only the shortened message left the browser');
  assert.equal(s.chatRequests[0].body.text.length, 4000);
  assert.equal((await stack.stats()).total_requests, 1, 'and the server saw only that one');
  s.assertClean();
});
