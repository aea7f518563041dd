// Several conversations per shopper (natter('init', {conversations:
// 'multiple'}) / data-conversations="multiple"; wasm/src/chat/conversation_list.hpp):
// the shopper sends in A, starts B and sends there, switches back to A and
// to B again: each transcript is intact, the agent ran once per message,
// each conversation resumed its own session; a reload keeps the list. With
// the option off (the default) no list appears.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually, openStorefront } from './harness.mjs';
import { openConnected, type, sentIdOf } from './session-helpers.mjs';
import { assertAxeClean } from './axe.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const multiple = (page) => page.addInitScript(() => {
  window.natter = window.natter || function () { (window.natter.q = window.natter.q || []).push(arguments); };
  window.natter('init', { conversations: 'multiple' });
});

const bubbles = (s) => s.widget.locator('li.msg.user .bubble').allTextContents();
const replies = (s) => s.finishedReplies.locator('.bubble').allTextContents();
const entries = (s) => s.widget.locator('nav.conversations button.conversation');
const titles = (s) => entries(s).locator('.conversation-title').allTextContents();
const current = (s) => s.widget.locator('nav.conversations button.conversation[aria-current="true"] .conversation-title');

test('A, then B, then back to A and to B: each keeps its transcript and its session; the agent ran once per message; a reload keeps the list', async () => {
  const s = await openConnected(stack, { onPage: multiple });
  const nav = s.widget.getByRole('navigation', { name: 'Your conversations' });
  await nav.waitFor();
  assert.equal(await entries(s).count(), 1);

  await type(s, 'where is my order?');
  await s.finishedReplies.first().waitFor();
  const replyA = await replies(s);
  const idA = sentIdOf(s, 'where is my order?');
  const sessionA = s.sockets[0].sent.find((f) => f.type === 'hello').session_id;
  await eventually(async () => assert.deepEqual(await titles(s), ['where is my order?']));

  // New conversation, from the keyboard.
  await s.recordStatus();
  await nav.getByRole('button', { name: 'New conversation' }).focus();
  await s.page.keyboard.press('Enter');
  await eventually(async () => assert.equal(await entries(s).count(), 2));
  await eventually(async () => assert.equal(await s.userBubbles.count(), 0, 'B starts empty'));
  await s.waitForStatus('Connected');
  // A's "Connected" left the screen with A: B's line starts empty.
  assert.deepEqual((await s.statusHistory()).slice(0, 2).map(({ state, text }) => ({ state, text })),
    [{ state: 'connected', text: 'Connected' }, { state: null, text: '' }], 'the status line cleared at the switch');
  const helloB = s.sockets.at(-1).sent.find((f) => f.type === 'hello');
  assert.notEqual(helloB.session_id, sessionA, 'B is its own session');
  await type(s, 'do you sell gift cards?');
  await s.finishedReplies.first().waitFor();
  const replyB = await replies(s);
  const idB = sentIdOf(s, 'do you sell gift cards?');
  await eventually(async () => assert.deepEqual(await titles(s), ['do you sell gift cards?', 'where is my order?']));
  assert.equal(await current(s).textContent(), 'do you sell gift cards?');
  await assertAxeClean(s.page, 'the panel with two conversations listed');

  // Back to A: its transcript only, resumed with its own token.
  await entries(s).filter({ hasText: 'where is my order?' }).click();
  await eventually(async () => assert.deepEqual(await bubbles(s), ['where is my order?']));
  await s.waitForStatus('Connected');
  assert.deepEqual(await replies(s), replyA);
  const helloA2 = s.sockets.at(-1).sent.find((f) => f.type === 'hello');
  assert.equal(helloA2.session_id, sessionA, 'A resumed its own session');
  await eventually(() => assert.equal(s.sockets.at(-1).received.find((f) => f.type === 'welcome')?.resumed, true));
  assert.equal(await current(s).textContent(), 'where is my order?');

  // And B again.
  await entries(s).filter({ hasText: 'do you sell gift cards?' }).click();
  await eventually(async () => assert.deepEqual(await bubbles(s), ['do you sell gift cards?']));
  await s.waitForStatus('Connected');
  assert.deepEqual(await replies(s), replyB);

  // One agent run per message, each message on the wire once.
  const stats = await stack.stats();
  assert.deepEqual(stats.agent_runs, { [idA]: 1, [idB]: 1 });
  assert.equal(s.msgsSent().length, 2, 'nothing sent twice');

  // A reload keeps the list and the current conversation.
  await s.page.reload();
  await s.openChat();
  await s.waitForStatus('Connected');
  await eventually(async () => assert.deepEqual(await titles(s), ['do you sell gift cards?', 'where is my order?']));
  assert.deepEqual(await bubbles(s), ['do you sell gift cards?']);
  assert.equal((await stack.stats()).agent_runs[idB], 1);
  s.assertClean();
});

test('over HTTP, a message still unanswered when the shopper starts another conversation is neither lost nor run twice', async () => {
  await stack.faults({ action: 'delay_ms', ms: 1500 }); // A's first POST: the reply is slow
  const s = await openStorefront(stack, { onPage: multiple });
  await s.openChat();
  const nav = s.widget.getByRole('navigation', { name: 'Your conversations' });
  await nav.waitFor();
  await s.textarea.fill('is the PS5 in stock?');
  await s.textarea.press('Enter');
  await eventually(() => assert.equal(s.chatRequests.length, 1));
  const key = s.chatRequests[0].key;
  // Unanswered: start B at once (A's fetch is dropped with the old core).
  await nav.getByRole('button', { name: 'New conversation' }).click();
  await eventually(async () => assert.equal(await entries(s).count(), 2));
  await eventually(async () => assert.equal(await s.userBubbles.count(), 0));
  await s.textarea.fill('gift wrapping?');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  // Back to A: the message is sent again under its own key and answered once.
  await entries(s).filter({ hasText: 'is the PS5 in stock?' }).click();
  await eventually(async () => assert.deepEqual(await bubbles(s), ['is the PS5 in stock?']));
  await s.finishedReplies.first().waitFor({ timeout: 10_000 });
  assert.equal((await replies(s)).length, 1);
  const forA = s.chatRequests.filter((r) => r.body.text === 'is the PS5 in stock?');
  assert.ok(forA.every((r) => r.key === key), 'one idempotency key for the message');
  const stats = await stack.stats();
  assert.equal(stats.agent_runs[key], 1, `one agent run for A's message: ${JSON.stringify(stats.agent_runs)}`);
  assert.equal(Object.keys(stats.agent_runs).length, 2, 'A once, B once');
  s.assertClean();
});

test('with the option off (the default) there is no list and the one conversation is kept as before', async () => {
  const s = await openConnected(stack);
  await type(s, 'hello there');
  await s.finishedReplies.first().waitFor();
  assert.equal(await s.widget.locator('nav.conversations').count(), 0);
  assert.equal(await s.widget.getByRole('button', { name: 'New conversation' }).count(), 0);
  const keys = await s.page.evaluate(() => Object.keys(sessionStorage).sort());
  assert.ok(keys.includes('natter.session'), JSON.stringify(keys));
  assert.ok(!keys.some((k) => k === 'natter.conversations' || k.startsWith('natter.session.')), JSON.stringify(keys));
  s.assertClean();
});
