// Across the shop's pages: a shopper who moves to the next page in the same
// tab resumes the same conversation and sees its transcript (shopper
// messages, replies, product cards) without a new greeting, a second
// bubble or a second agent run.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openConnected, type, sentIdOf, assertServerRanOnce, LIVE_PAGE } from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

test('the next page shows the conversation so far and resumes it', async () => {
  const s = await openConnected(stack);
  await type(s, 'do you have PS5 games?');
  await s.finishedReplies.first().waitFor();
  const replyText = await s.finishedReplies.first().locator('.bubble').textContent();
  const cardsBefore = await s.widget.locator('.card').count();
  const id = sentIdOf(s, 'do you have PS5 games?');

  await s.page.goto(new URL(LIVE_PAGE + '?page=2', stack.server.url).href);
  await s.openChat();
  await s.waitForStatus('Connected');
  assert.equal(await s.userBubbles.count(), 1);
  assert.equal(await s.agentBubbles.count(), 1);
  assert.equal(await s.widget.locator('li.msg.user .bubble').textContent(), 'do you have PS5 games?');
  assert.equal(await s.finishedReplies.first().locator('.bubble').textContent(), replyText);
  assert.equal(await s.widget.locator('.card').count(), cardsBefore);
  assert.equal(await s.widget.locator('li.intro').count(), 1, 'one greeting line, no new greeting');
  const hello = s.sockets.at(-1).sent.find((f) => f.type === 'hello');
  assert.equal(hello.session_id, s.sockets[0].sent[0].session_id, 'the same conversation');
  await eventually(() => assert.equal(s.sockets.at(-1).received.find((f) => f.type === 'welcome')?.resumed, true));
  await assertServerRanOnce(stack, id);
  assert.equal(s.msgsSent().length, 1, 'nothing sent again');
  s.assertClean();
});
