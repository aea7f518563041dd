// A person from the shop steps in (docs/protocol.md, "Handoff to a person"),
// in headless Chromium on the live session: the shopper asks with
// natter('handoff'), staff take over through the gateway's staff API, the
// AI stays silent (checked on the wire and by the agent's run counter), the
// staff reply shows its author, a reload keeps the person in control (the
// welcome says so), and handing back brings the assistant's answers back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openLive, type } from './session-helpers.mjs';

const STAFF_TOKEN = 'staff-token-for-tests-0123456789';
let stack;

before(async () => { stack = await startStack({ server: { staffToken: STAFF_TOKEN } }); });
after(async () => { await stack?.close(); });

async function staff(pathname, body) {
  const res = await fetch(new URL(pathname, stack.server.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${pathname}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

const notices = (s) => s.widget.locator('li.notice');
const agentRuns = async () => Object.values((await stack.stats()).agent_runs).reduce((a, b) => a + b, 0);

test('the shopper asks for a person, staff take over and answer with their name, the AI stays silent until handed back', async () => {
  await stack.reset();
  const s = await openLive(stack);
  await s.page.evaluate(() => {
    window.handoffEvents = [];
    window.natter('on', 'handoff', (e) => window.handoffEvents.push(e));
  });
  await s.openChat();
  await s.waitForStatus('Connected');
  const conversation = await s.page.evaluate(() => window.natter('debug').conversation_id);

  await staff('/staff/presence', { name: 'Ana' }); // someone is online to answer
  await s.page.evaluate(() => window.natter('handoff'));
  await notices(s).filter({ hasText: 'You are number 1 in the queue for a person from the shop.' }).waitFor();
  assert.equal(s.sockets.flatMap((w) => w.sent.filter((f) => f.type === 'handoff.request')).length, 1);

  await staff(`/staff/conversations/${conversation}/take`, { name: 'Ana' });
  await notices(s).filter({ hasText: 'Ana from the shop joined the chat.' }).waitFor();

  // A message to the person: acked, kept for staff, never run by the AI.
  const runsBefore = await agentRuns();
  await type(s, 'is the PS5 in stock?');
  await s.deliveryLines.last().filter({ hasText: 'Delivered' }).waitFor();
  const detail = await staff(`/staff/conversations/${conversation}`);
  assert.ok(detail.entries.some((e) => e.text === 'is the PS5 in stock?'), 'staff see the message');

  await staff(`/staff/conversations/${conversation}/reply`, { name: 'Ana', message_id: 'm-1', text: 'Yes, **3** left.' });
  const staffBubble = s.widget.locator('li.msg.agent.staff');
  await staffBubble.locator('.bubble', { hasText: 'Yes, 3 left.' }).waitFor();
  assert.equal(await staffBubble.locator('.author').textContent(), 'Ana from the shop');
  assert.equal(await agentRuns(), runsBefore, 'the AI ran for nothing while a person had the chat');

  // A reload: the welcome says a person has the conversation; the transcript stays.
  await s.page.reload();
  await s.openChat();
  await s.waitForStatus('Connected');
  await s.widget.locator('li.msg.agent .bubble', { hasText: 'Yes, 3 left.' }).waitFor();
  const welcomes = s.sockets.flatMap((w) => w.received.filter((f) => f.type === 'welcome'));
  assert.deepEqual(welcomes.at(-1).control, { state: 'person', by: { name: 'Ana' } });
  await type(s, 'and the price?');
  await s.deliveryLines.last().filter({ hasText: 'Delivered' }).waitFor();
  assert.equal(await agentRuns(), runsBefore, 'after a reload too');
  assert.equal(await s.page.evaluate(() => window.natter('debug').stats.protocol_errors), 0, 'every control and staff event understood');

  await staff(`/staff/conversations/${conversation}/hand-back`, { name: 'Ana' });
  await notices(s).filter({ hasText: 'Ana left the chat. The assistant is back.' }).waitFor();
  await type(s, 'do you have PS5 games?');
  await eventually(async () => assert.equal(await agentRuns(), runsBefore + 1), { timeout: 10_000 });
  await s.finishedReplies.last().waitFor();

  // Nothing of the AI's on the wire after the takeover until the hand-back.
  const frames = s.sockets.flatMap((w) => w.received).filter((f) => f.type === 'event');
  const takeover = frames.find((f) => f.event === 'control' && f.data.state === 'person');
  const handBack = frames.find((f) => f.event === 'control' && f.data.state === 'ai');
  const between = frames.filter((f) => f.seq > takeover.seq && f.seq < handBack.seq);
  assert.ok(between.every((f) => f.reply_to === 'control' || f.reply_to.startsWith('staff-') || f.event === 'held'),
    JSON.stringify(between));
  // Each message to the person was settled by its own `held` event, once.
  const toPerson = s.msgsSent().filter((m) => ['is the PS5 in stock?', 'and the price?'].includes(m.text));
  const held = between.filter((f) => f.event === 'held').map((f) => f.reply_to);
  assert.deepEqual([...new Set(held)].sort(), [...new Set(toPerson.map((m) => m.message_id))].sort());
  s.assertClean();
});

test('nobody online: the shopper is told, and the assistant keeps answering', async () => {
  await stack.reset();
  const s = await openLive(stack);
  await s.openChat();
  await s.waitForStatus('Connected');
  await s.page.evaluate(() => window.natter('handoff'));
  await notices(s).filter({ hasText: 'Nobody from the shop is available right now.' }).waitFor();
  await type(s, 'do you have PS5 games?');
  await s.finishedReplies.last().waitFor();
  s.assertClean();
});

test('the queue moves: a shopper waiting second is told when they are next', async () => {
  await stack.reset();
  await staff('/staff/presence', { name: 'Ana' });
  const [first, second] = [await openLive(stack), await openLive(stack)];
  for (const s of [first, second]) {
    await s.openChat();
    await s.waitForStatus('Connected');
  }
  await first.page.evaluate(() => window.natter('handoff'));
  await notices(first).filter({ hasText: 'You are number 1 in the queue' }).waitFor();
  await second.page.evaluate(() => window.natter('handoff'));
  await notices(second).filter({ hasText: 'You are number 2 in the queue' }).waitFor();

  const taken = await first.page.evaluate(() => window.natter('debug').conversation_id);
  await staff(`/staff/conversations/${taken}/take`, { name: 'Ana' });
  await notices(second).filter({ hasText: 'You are number 1 in the queue for a person from the shop.' }).waitFor();
  await notices(first).filter({ hasText: 'Ana from the shop joined the chat.' }).waitFor();
  assert.deepEqual(await notices(second).allTextContents(), ['You are number 2 in the queue for a person from the shop.',
    'You are number 1 in the queue for a person from the shop.'], 'no estimate yet: fewer than three pickups');
  assert.equal(await second.page.evaluate(() => window.natter('debug').stats.protocol_errors), 0);
  for (const s of [first, second]) s.assertClean();
});
