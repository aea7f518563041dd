// A message whose first attempt is lost is retried on its own, with the
// same Idempotency-Key, and the shopper sees one reply: the server runs the
// agent once per key, whatever reached it. What is asserted is what went
// over the wire (Chromium's requests) and what the server counted.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront, CHROMIUM_LOGS } from './harness.mjs';

let stack;

before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

// Records every delivery state the shopper's bubble shows, in order, as the
// DOM changes (a MutationObserver sees states that polling could miss).
async function recordDeliveryStates(page) {
  await page.evaluate(() => {
    const list = document.querySelector('natter-widget').shadowRoot.querySelector('[role=log] > ol');
    const seen = (window.__delivery = []);
    new MutationObserver(() => {
      const user = list.querySelector('li.msg.user');
      const line = user?.querySelector('.delivery-text')?.textContent;
      if (line && seen.at(-1)?.line !== line) seen.push({ state: user.dataset.state, line });
    }).observe(list, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

async function send(s, text) {
  await s.openChat();
  await recordDeliveryStates(s.page);
  await s.textarea.fill(text);
  await s.textarea.press('Enter');
  await s.widget.locator('li.msg.user[data-state="sent"]').waitFor({ timeout: 10000 });
  await s.finishedReplies.first().waitFor();
}

test('a request whose answer is lost on the network is retried with the same key and answered once', async () => {
  await stack.faults({ action: 'reset_before_response' });
  const s = await openStorefront(stack);
  await send(s, 'do you have PS5 games?');

  assert.equal(s.chatRequests.length, 2, 'two POST /api/chat left the browser');
  const [first, second] = s.chatRequests;
  assert.equal(second.key, first.key, 'the retry carries the same Idempotency-Key');
  assert.deepEqual(second.body, first.body, 'and the same body');
  const stats = await stack.stats();
  assert.deepEqual(stats.requests, { [first.key]: 2 }, 'the server saw both attempts');
  assert.deepEqual(stats.agent_runs, { [first.key]: 1 }, 'and ran the agent once');
  assert.equal(await s.agentBubbles.count(), 1, 'one agent reply bubble');
  assert.equal(await s.userBubbles.count(), 1);
  const states = (await s.page.evaluate(() => window.__delivery)).map((d) => d.state);
  assert.deepEqual(states, ['sending', 'retrying', 'sent']);
  assert.ok(s.consoleLines.some((l) => /^\[natter\] retrying message \S+ in \d+ ms \(network error\)$/.test(l)),
    'the retry is logged with its reason');
  s.assertClean([CHROMIUM_LOGS.emptyResponse]);
});

test('a 503 with Retry-After shows Retrying… then Sent, and the retry waits the second out', async () => {
  await stack.faults({ action: 'status', status: 503, retry_after_s: 1 });
  const s = await openStorefront(stack);
  await send(s, 'hello');

  const delivery = await s.page.evaluate(() => window.__delivery);
  assert.deepEqual(delivery, [
    { state: 'sending', line: 'Sending…' },
    { state: 'retrying', line: 'Retrying…' },
    { state: 'sent', line: 'Sent' },
  ]);
  assert.equal(s.chatRequests.length, 2, 'one refused attempt, one retry');
  const [first, second] = s.chatRequests;
  assert.equal(second.key, first.key, 'the retry carries the same Idempotency-Key');
  const gap = second.at - first.at;
  assert.ok(gap >= 900, `Retry-After: 1 was honoured (retried after ${gap} ms)`);
  const stats = await stack.stats();
  assert.deepEqual(stats.requests, { [first.key]: 2 });
  assert.deepEqual(stats.agent_runs, { [first.key]: 1 }, 'the 503 did not run the agent; the retry did');
  assert.equal(await s.agentBubbles.count(), 1);
  assert.equal(await s.widget.getByRole('button', { name: 'Retry' }).count(), 0,
    'no Retry button on a message that was delivered');
  s.assertClean([CHROMIUM_LOGS.status503]);
});

// Over HTTP, the default transport: the shop's next page in the same tab
// shows the conversation so far, cards included, and a message still
// waiting for its reply when the shopper moved on goes out again there with
// its key: the shopper sees one bubble and one reply, the agent runs once.
test('the next page shows the conversation with its cards, and sends nothing', async () => {
  const s = await openStorefront(stack);
  await send(s, 'do you have PS5 games?');
  const reply = await s.finishedReplies.first().locator('.bubble').textContent();
  const cards = await s.widget.locator('.card').count();
  assert.ok(cards > 0, 'the reply has product cards');

  await s.page.goto(new URL('/?page=2', stack.server.url).href);
  await s.openChat(); // the core comes with the shopper's intent (or an idle preload)
  await s.finishedReplies.first().waitFor();
  assert.deepEqual(await s.userBubbles.locator('.bubble').allTextContents(), ['do you have PS5 games?']);
  assert.equal(await s.agentBubbles.count(), 1);
  assert.equal(await s.finishedReplies.first().locator('.bubble').textContent(), reply);
  assert.equal(await s.widget.locator('.card').count(), cards);
  assert.equal(s.chatRequests.length, 1, 'nothing sent again');
  s.assertClean();
});

test('a message whose reply had not come when the shopper moved on is answered on the next page, once, same key', async () => {
  await stack.faults({ action: 'delay_ms', ms: 1500 });
  const s = await openStorefront(stack);
  await s.openChat();
  await s.textarea.fill('is the PS5 in stock?');
  await s.textarea.press('Enter');
  await s.widget.locator('li.msg.user[data-state="sending"]').waitFor();
  await s.page.goto(new URL('/?page=2', stack.server.url).href);
  await s.openChat(); // the core comes with the shopper's intent (or an idle preload)
  await s.finishedReplies.first().waitFor();

  assert.equal(s.chatRequests.length, 2, 'sent on the first page, again on the next');
  const [first, again] = s.chatRequests;
  assert.equal(again.key, first.key, 'the same Idempotency-Key');
  assert.deepEqual(again.body, first.body);
  assert.deepEqual(await s.userBubbles.locator('.bubble').allTextContents(), ['is the PS5 in stock?']);
  assert.equal(await s.agentBubbles.count(), 1);
  assert.deepEqual((await stack.stats()).agent_runs, { [first.key]: 1 }, 'the agent ran once');
  s.assertClean();
});
