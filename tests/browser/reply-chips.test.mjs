// Reply chips and link buttons under the agent's answer (the demo's
// trade-in answer offers two chips and the trade-in page): keyboard-usable,
// named as a group, axe-clean; a tapped chip is an ordinary message sent
// once with its own id, the shopper's draft stays in the composer, and the
// chips go away once the shopper has answered. Observes the screen, the
// wire and the server's agent runs.
import { test, before, after, beforeEach } from 'node:test';

import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { assertAxeClean } from './axe.mjs';
import { assertServerRanOnce, openConnected, sentIdOf, type } from './session-helpers.mjs';
import { openWidgetPage } from './widget-page.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const TRADE_IN = 'can I trade in my old console?';

test('a chip tapped from the keyboard sends its text once, keeps the draft, and the chips go away', async () => {
  const s = await openConnected(stack);
  await type(s, TRADE_IN);
  await s.finishedReplies.first().waitFor();
  const group = s.widget.getByRole('group', { name: 'Suggested replies' });
  await group.waitFor();
  assert.deepEqual(await group.getByRole('button').allTextContents(), ['PS5 games', 'Controllers under 50']);
  const link = group.getByRole('link', { name: 'Trade-in page' });
  assert.equal(await link.getAttribute('href'), 'https://shop.example/trade-in');
  assert.equal(await link.getAttribute('target'), '_blank');
  await assertAxeClean(s.page, 'reply chips and a link button');

  await s.textarea.fill('my own words');
  await group.getByRole('button', { name: 'PS5 games' }).focus();
  await s.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await s.finishedReplies.count(), 2));
  assert.deepEqual(await s.userBubbles.locator('.bubble').allTextContents(), [TRADE_IN, 'PS5 games']);
  assert.equal(await s.widget.locator('.suggestions').count(), 0, 'the chips went away');
  assert.equal(await s.textarea.inputValue(), 'my own words', 'the draft is kept');
  const id = sentIdOf(s, 'PS5 games');
  assert.notEqual(id, sentIdOf(s, TRADE_IN));
  const stats = await stack.stats();
  assert.equal(stats.agent_runs[id], 1);
  s.assertClean();
});

test('in Arabic the group is named in Arabic; over HTTP a double tap is still one request', async () => {
  const w = await openWidgetPage(stack, { lang: 'ar' });
  await w.openChat();
  await w.textarea.fill(TRADE_IN);
  await w.textarea.press('Enter');
  const group = w.widget.getByRole('group', { name: 'ردود مقترحة' });
  await group.waitFor();
  const chip = group.getByRole('button', { name: 'Controllers under 50' });
  await chip.dblclick();
  await eventually(async () => assert.equal(await w.widget.locator('li.msg.agent[aria-busy="false"]').count(), 2));
  assert.equal(w.requests.filter((p) => p === '/api/chat').length, 2, 'one POST per message');
  assert.equal(await w.widget.locator('.suggestions').count(), 0);
  await assertAxeClean(w.page, 'reply chips in Arabic, after the tap');
});
