// Reply chips as shops run the widget (tests/deploy/three-origins.mjs): the
// page on https://shop.test under its strict CSP, the widget from the CDN,
// the agent behind HAProxy over wss://. The demo agent's trade-in answer
// offers chips and a link button; a chip pressed from the keyboard is one
// msg frame with its own id and one agent run; no CSP violation.
import { test, before, after, beforeEach } from 'node:test';

import assert from 'node:assert/strict';
import { eventually, recordCspViolations, cspViolations } from '../browser/harness.mjs';
import { openConnected, type, sentIdOf } from '../browser/session-helpers.mjs';
import { startThreeOrigins } from './three-origins.mjs';

let stack;
let live;
before(async () => {
  stack = await startThreeOrigins();
  live = stack.page('/live.html', { csp: stack.csp.strict, data: { transport: 'session' } });
  await recordCspViolations(stack.context);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const TRADE_IN = 'can I trade in my old console?';

test('a reply chip over wss:// from a strict-CSP shop page: one message with its own id, one agent run', async () => {
  const s = await openConnected(stack, { path: live });
  await type(s, TRADE_IN);
  const group = s.widget.getByRole('group', { name: 'Suggested replies' });
  await group.getByRole('button', { name: 'PS5 games' }).focus();
  assert.equal(await group.getByRole('link', { name: 'Trade-in page' }).getAttribute('href'), 'https://shop.example/trade-in');
  await s.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await s.finishedReplies.count(), 2));
  assert.equal(await s.widget.locator('.suggestions').count(), 0);
  const id = sentIdOf(s, 'PS5 games');
  assert.notEqual(id, sentIdOf(s, TRADE_IN));
  await eventually(async () => assert.equal((await stack.stats()).agent_runs[id], 1));
  assert.deepEqual(await cspViolations(s.page), []);
});
