// A reply cut mid-stream by a dropped connection is finished after the
// resume, by a server that sends the rest twice (duplicate_frames) or out of
// order (reorder_frames): the shopper still sees one bubble and one reply,
// and the reply reads exactly like the same question answered on a clean
// connection. The agent ran once for it.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openConnected, type, sentIdOf, assertServerRanOnce } from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack({ tokenDelayMs: 20 }); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const QUESTION = 'do you have PS5 games?';

// A crash moves the page onto a connection that drops after 5 frames
// (welcome, ack, 3 reply events); the one after it (the resume) carries
// `fault`. Two drops soon after opening make the core name a likely proxy
// problem (a console warning this scenario expects).
const QUICK_DROPS = {
  text: '[natter] connection problem: The connection drops right after it opens. ' +
    'A proxy may not support WebSockets, or closes idle connections: see docs/reverse-proxy.md.',
};

async function replyCutThenResumedWith(fault) {
  const s = await openConnected(stack);
  await stack.sessionFaults({ action: 'drop_after_frames', frames: 5 }, fault);
  await stack.killSessions();
  await eventually(() => assert.ok(s.sockets[1]?.received.some((f) => f.type === 'welcome')), { timeout: 10_000 });
  await type(s, QUESTION);
  await s.finishedReplies.first().waitFor({ timeout: 15_000 });
  return s;
}

async function assertOneCleanReply(s, fault) {
  assert.equal(s.sockets.length, 3, 'first socket, the one cut mid-reply, the resume');
  assert.equal(s.sockets[1].closed, true);
  const events = (w) => w.received.filter((f) => f.type === 'event');
  assert.ok(events(s.sockets[1]).length > 0, 'part of the reply came before the cut');
  const resumed = s.sockets[2];
  assert.equal(resumed.received.find((f) => f.type === 'welcome').resumed, true);
  const seqs = events(resumed).map((f) => f.seq);
  if (fault === 'duplicate') assert.ok(seqs.length > new Set(seqs).size, 'the server sent frames twice');
  if (fault === 'reorder') assert.ok(seqs.some((q, i) => i > 0 && q < seqs[i - 1]), `the server reordered: ${seqs}`);

  const id = sentIdOf(s, QUESTION);
  await assertServerRanOnce(stack, id);
  assert.equal(await s.userBubbles.count(), 1, 'one shopper bubble');
  assert.equal(await s.agentBubbles.count(), 1, 'one reply bubble');
  const cut = await s.agentBubbles.first().innerText();
  const cards = await s.agentBubbles.first().locator('.card').count();

  // The same question on the now clean connection: the reference reply.
  await type(s, QUESTION);
  await s.finishedReplies.nth(1).waitFor();
  assert.equal(await s.agentBubbles.nth(1).innerText(), cut, 'the cut reply reads like a clean one');
  assert.equal(await s.agentBubbles.nth(1).locator('.card').count(), cards, 'no card twice');
  assert.equal(await s.userBubbles.count(), 2);
  s.assertClean([QUICK_DROPS]);
}

test('frames replayed twice after the resume show no duplicate bubble or text', async () => {
  const s = await replyCutThenResumedWith({ action: 'duplicate_frames' });
  await assertOneCleanReply(s, 'duplicate');
});

test('frames replayed out of order after the resume are put back in order', async () => {
  const s = await replyCutThenResumedWith({ action: 'reorder_frames' });
  await assertOneCleanReply(s, 'reorder');
});
