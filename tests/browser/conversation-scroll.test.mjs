// The conversation keeps its newest message in view (shim/ui/messages.js),
// unless the shopper scrolled up to read: then replies arriving never pull
// the list away; scrolled back to the end, it follows again. In headless
// Chromium on the live session, with the built-in agent's streamed replies
// and the shopper's own wheel (a user scroll, not a programmatic one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openLive, type } from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack?.close(); });

// How far the list's end is below what is shown, in CSS px.
const belowView = (s) => s.widget.locator('ol.log').evaluate((l) => l.scrollHeight - l.scrollTop - l.clientHeight);

test('replies keep the list at its end, unless the shopper scrolled up', async () => {
  await stack.reset();
  const s = await openLive(stack);
  await s.openChat();
  await s.waitForStatus('Connected');
  for (let i = 1; i <= 4; i += 1) {
    await type(s, `do you have PS5 games? (${i})`);
    await eventually(async () => assert.equal(await s.finishedReplies.count(), i), { timeout: 15_000 });
  }
  const log = s.widget.locator('ol.log');
  assert.ok(await log.evaluate((l) => l.scrollHeight > l.clientHeight + 200), 'the conversation overflows its view');
  await eventually(async () => assert.ok(await belowView(s) < 2, `at the end (${await belowView(s)} px below)`));

  // The shopper scrolls up to read: a new reply leaves the view where it is.
  await log.hover();
  await s.page.mouse.wheel(0, -400);
  await eventually(async () => assert.ok(await belowView(s) > 300, 'scrolled up'));
  const readingAt = await log.evaluate((l) => l.scrollTop);
  await type(s, 'and the price?');
  await eventually(async () => assert.equal(await s.finishedReplies.count(), 5), { timeout: 15_000 });
  await s.page.waitForTimeout(300); // frames for any scroll the reply would have asked for
  assert.equal(await log.evaluate((l) => l.scrollTop), readingAt, 'the list stayed where the shopper was reading');

  // Back at the end, it follows again.
  await s.page.mouse.wheel(0, 5000);
  await eventually(async () => assert.ok(await belowView(s) < 2));
  await type(s, 'thanks');
  await eventually(async () => assert.equal(await s.finishedReplies.count(), 6), { timeout: 15_000 });
  await eventually(async () => assert.ok(await belowView(s) < 2, `followed the new reply (${await belowView(s)} px below)`));
  s.assertClean();
});
