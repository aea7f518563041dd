// The debug panel of development builds (the suites run a development
// dist/): natter('debug', 'panel') shows the live state, the core's
// counters and the last events with their timings, and hides it again.
// That production bundles carry none of it: tests/node/debug-panel-build.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openConnected, type } from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const readPanel = (s) => s.widget.locator('[part="debug"]').evaluate((section) => ({
  hidden: section.hidden,
  facts: Object.fromEntries([...section.querySelectorAll('dl')[0].children].reduce((pairs, node, i, all) => (
    node.tagName === 'DT' ? [...pairs, [node.textContent, all[i + 1].textContent]] : pairs), [])),
  counters: section.querySelectorAll('dl')[1].textContent,
  events: [...section.querySelectorAll('li')].map((li) => li.textContent),
}));

test("natter('debug', 'panel') shows state, counters and timed events, live, and hides again", async () => {
  const s = await openConnected(stack);
  assert.equal(await s.widget.locator('[part="debug"]').count(), 0, 'nothing is built until asked for');
  assert.equal(await s.page.evaluate(() => window.natter('debug', 'panel')), true);
  let shown = await readPanel(s);
  assert.equal(shown.hidden, false);
  assert.equal(shown.facts.status, 'connected (connected)');
  assert.equal(shown.facts.transport, 'session');
  assert.equal(shown.facts.voice, 'off');
  assert.match(shown.facts.conversation, /^[0-9a-f-]{36}$/);
  assert.match(shown.counters, /sessions_opened1/);
  // Each event: seconds since start, type, core+effects time, effects.
  assert.ok(shown.events.some((e) => /^\s*\d+\.\d{2}  ws_frame  \d+\.\d ms  → .*status_changed/.test(e)), shown.events.join('\n'));

  await type(s, 'do you have PS5 games?');
  await s.finishedReplies.first().waitFor();
  await eventually(async () => {
    shown = await readPanel(s);
    assert.ok(shown.events.some((e) => /  enter_pressed  .*→ consume_key, clear_composer, user_message_shown/.test(e)), shown.events.join('\n'));
    assert.match(shown.counters, /messages_sent1/);
  });
  assert.ok(shown.events.length <= 50, 'bounded');

  assert.equal(await s.page.evaluate(() => window.natter('debug', 'panel')), false);
  assert.equal((await readPanel(s)).hidden, true);
  s.assertClean();
});
