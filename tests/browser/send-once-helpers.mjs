// Shared by send-once.test.mjs and the deployment tier (tests/deploy/):
// a composer with TEXT typed whose Enter keydowns and Send clicks are
// recorded page-side, and the check that the message went out exactly once
// (one bubble, one POST /api/chat on the wire, one request and one agent
// run at the server, one reply; every extra press refused with BLOCKED).
import assert from 'node:assert/strict';
import { openStorefront } from './harness.mjs';

export const TEXT = 'do you have PS5 games?';
export const BLOCKED = '[natter] send blocked: already sending';

// Opens the chat (page `path` of the stack) with TEXT typed, and records
// (page-side, on the widget's own elements) every Enter keydown and Send
// click the page really got.
export async function composerReady(stack, { path } = {}) {
  const s = await openStorefront(stack, { path });
  await s.openChat();
  await s.textarea.fill(TEXT);
  await s.page.evaluate(() => {
    const root = document.querySelector('natter-widget').shadowRoot;
    const inputs = (window.__inputs = []);
    root.querySelector('textarea').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') inputs.push({ kind: 'enter', repeat: e.repeat, at: performance.now() });
    });
    root.querySelector('button.send').addEventListener('click', () => inputs.push({ kind: 'click', at: performance.now() }));
  });
  return s;
}

export const inputsSeen = (s) => s.page.evaluate(() => window.__inputs);

// Five Enters (kind 'enter') or five clicks on Send ('click'), as fast as
// the page takes them; checks the page got all five. (That they landed
// while the first was in flight shows in assertSentOnce's blocked lines.)
export async function pressFive(s, kind) {
  if (kind === 'enter') {
    for (let i = 0; i < 5; i += 1) await s.page.keyboard.press('Enter');
  } else {
    const box = await s.sendButton.boundingBox();
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    for (let i = 0; i < 5; i += 1) await s.page.mouse.click(x, y);
  }
  const presses = (await inputsSeen(s)).filter((i) => i.kind === kind);
  assert.equal(presses.length, 5, `the page got five ${kind}s`);
}

// Waits for the reply to finish, then checks the message went out once.
// `blockedLines`: the exact number of BLOCKED lines, or undefined for "at least one".
export async function assertSentOnce(stack, s, { blockedLines }) {
  await s.widget.locator('li.msg.user[data-state="sent"]').waitFor();
  await s.finishedReplies.first().waitFor();

  assert.equal(await s.userBubbles.count(), 1, 'one shopper bubble');
  assert.equal(await s.userBubbles.locator('.bubble').textContent(), TEXT);
  assert.equal(await s.agentBubbles.count(), 1, 'one agent reply');
  assert.equal(s.chatRequests.length, 1, 'one POST /api/chat left the browser');
  const [{ key, body }] = s.chatRequests;
  assert.equal(body.text, TEXT);
  assert.equal(body.message_id, key, 'Idempotency-Key is the message id');
  const stats = await stack.stats();
  assert.equal(stats.total_requests, 1, 'the server saw one chat request');
  assert.deepEqual(stats.agent_runs, { [key]: 1 }, 'the agent ran once');

  const blocked = s.linesMatching(BLOCKED).length;
  if (typeof blockedLines === 'number') assert.equal(blocked, blockedLines, 'one blocked line per extra press');
  else assert.ok(blocked >= 1, `at least one "${BLOCKED}" line (got ${blocked})`);
  assert.equal(await s.textarea.inputValue(), '', 'the composer was cleared once and stayed empty');
  s.assertClean();
}
