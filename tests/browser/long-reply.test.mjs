// A long reply streams into its bubble progressively and ends whole, and
// the page redraws it less often as it grows: each draw re-renders the whole
// reply, so the core draws a streaming reply at most once per window of
// 50 ms per started 4 KiB of its text (ReplyAssembler::redraw_window, tested
// natively in reply_redraw_test.cpp). Here the page's own clock sees it:
// every bubble rebuild is timed by a MutationObserver in the shadow root.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront } from './harness.mjs';

const REDRAW_MS = 50;
const REDRAW_BYTES = 4 * 1024;
const windowFor = (bytes) => REDRAW_MS * (Math.floor(bytes / REDRAW_BYTES) + 1);
// The observer runs after the task that drew (its core turn and the
// rendering), not at the turn's now(): a draw can be seen this much late.
const SEEN_LATE_MS = 25;

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

// window.__draws: {at, length, busy} for each rebuild of an agent bubble.
function recordDraws() {
  window.__draws = [];
  const root = document.querySelector('natter-widget').shadowRoot;
  new MutationObserver((records) => {
    const bubbles = new Set(records.map((r) => r.target)
      .filter((n) => n.classList?.contains('bubble') && n.closest('li.msg.agent')));
    for (const bubble of bubbles) {
      window.__draws.push({
        at: performance.now(), length: bubble.textContent.length,
        busy: bubble.closest('li.msg.agent').getAttribute('aria-busy'),
      });
    }
  }).observe(root, { childList: true, subtree: true });
}

test('a 12 KB Markdown reply is drawn progressively, less often as it grows, and ends whole in one bubble', async (t) => {
  // 700 words of bold (the gateway types a reply out word by word): 12,600
  // bytes of Markdown, 9,800 characters shown.
  const words = Array.from({ length: 700 }, (_, i) => `**bold${String(i).padStart(4, '0')}-word** `);
  const reply = words.join('').trimEnd();
  const shownReply = reply.replaceAll('**', '');
  await stack.faults({ action: 'agent_text', text: reply });
  const s = await openStorefront(stack);
  await s.openChat();
  await s.page.evaluate(recordDraws);
  await s.textarea.fill('tell me everything');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor({ timeout: 30_000 });

  assert.equal(await s.agentBubbles.count(), 1, 'one bubble for the reply');
  assert.equal((await s.agentBubbles.locator('.bubble').textContent()).trim(), shownReply, 'the whole reply, rendered');
  const draws = await s.page.evaluate(() => window.__draws);
  assert.equal(draws.at(-1).busy, 'false', 'the last draw is the finished reply');
  assert.equal(draws.at(-1).length, (await s.agentBubbles.locator('.bubble').textContent()).length);
  const streaming = draws.slice(0, -1); // done draws at once, whatever the window
  assert.ok(streaming.every((d) => d.busy === 'true'), 'only the last draw is finished');
  assert.ok(streaming.length >= 5, `drawn as it streams, not only at the end (${streaming.length} draws before done)`);
  assert.ok(streaming.every((d, i) => i === 0 || d.length >= streaming[i - 1].length), 'each draw shows at least the text of the one before');

  // Characters shown are at most the Markdown's bytes, so windowFor(shown)
  // is a lower bound of the core's window at each draw.
  const gaps = streaming.slice(1).map((d, i) => ({ after: streaming[i].length, ms: d.at - streaming[i].at }));
  const short = gaps.filter((g) => g.ms < windowFor(g.after) - SEEN_LATE_MS);
  assert.deepEqual(short, [], 'no draw came before its window ended');
  const long = gaps.filter((g) => g.after >= REDRAW_BYTES);
  t.diagnostic(`${draws.length} draws; shortest gap under 4 KiB ${Math.min(...gaps.filter((g) => g.after < REDRAW_BYTES).map((g) => g.ms)).toFixed(0)} ms, `
    + `over 4 KiB ${Math.min(...long.map((g) => g.ms)).toFixed(0)} ms, over 8 KiB ${Math.min(...gaps.filter((g) => g.after >= 2 * REDRAW_BYTES).map((g) => g.ms)).toFixed(0)} ms`);
  assert.ok(long.length >= 3, `the check saw draws of a reply over 4 KiB (${long.length})`);
  s.assertClean();
});
