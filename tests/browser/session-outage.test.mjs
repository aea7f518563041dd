// The live session while the chat server cannot be reached (upgrades
// stalled or refused by a proxy): the status line names the problem, the
// widget keeps trying and connects when it can, and a message typed during
// the outage survives a page reload and is delivered once, with the id it
// was given before the reload.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import {
  openLive, openConnected, type, sentIdOf, assertServerRanOnce, refusedUpgradeLogs, QUEUED_TEXT, DIAGNOSIS_503,
} from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const refuse503 = { action: 'refuse_upgrade', status: 503 };
const storedSession = (s) => s.page.evaluate(() => JSON.parse(sessionStorage.getItem('natter.session')));

test('upgrade refused with 503 three times, then accepted: connected, and the status named the problem', async () => {
  await stack.sessionFaults(refuse503, refuse503, refuse503);
  const s = await openLive(stack);
  await s.openChat();
  await s.recordStatus();
  await s.widget.locator('.status-diagnosis', { hasText: DIAGNOSIS_503 }).waitFor({ timeout: 15_000 });
  await s.waitForStatus('Connected', 15_000);

  assert.equal(s.sockets.length, 4, 'three refused upgrades, then one that worked');
  assert.ok(s.sockets.slice(0, 3).every((w) => w.sent.length === 0 && w.received.length === 0));
  assert.equal(s.sockets[3].received[0].type, 'welcome');
  const probes = s.requests.filter((u) => u === `${stack.server.url.replace(/\/$/, '')}/api/session`);
  assert.equal(probes.length, 3, 'one plain GET probe per refused upgrade');
  const states = (await s.statusHistory()).map((h) => h.state);
  assert.ok(states.includes('reconnecting'), `waited between attempts: ${states}`);
  const stats = await stack.stats();
  assert.equal(Object.keys(stats.ws_connections_open).length, 1, 'one live session on the server');
  s.assertClean([
    ...refusedUpgradeLogs(stack, 503, 'Service Unavailable'),
    { text: `[natter] connection problem: ${DIAGNOSIS_503}` },
  ]);
});

test('a reload during an outage restores the queued message and delivers it once, same id', async () => {
  const s = await openConnected(stack);
  // The outage: the crash drops the socket, the next upgrade hangs (this
  // page), and the two after it are refused (the reloaded page), then it ends.
  await stack.sessionFaults({ action: 'stall_upgrade' }, refuse503, refuse503);
  await stack.killSessions();
  await eventually(() => assert.equal(s.sockets.length, 2, 'this page is trying again (the stalled upgrade)'), { timeout: 10_000 });
  await type(s, 'do you have PS5 games?');
  await s.widget.locator('li.msg.user .delivery-text', { hasText: QUEUED_TEXT }).waitFor();
  const before = await storedSession(s);
  assert.equal(before.outbox.length, 1);
  const queuedId = before.outbox[0].id ?? before.outbox[0].message_id;
  assert.ok(queuedId, `the outbox entry has an id: ${JSON.stringify(before.outbox[0])}`);
  assert.equal(s.msgsSent().length, 0, 'nothing reached the wire before the reload');

  await s.page.reload();
  await s.openChat();
  await s.widget.locator('li.msg.user[data-state="sent"]').waitFor({ timeout: 15_000 });
  await s.finishedReplies.first().waitFor();

  assert.equal(sentIdOf(s, 'do you have PS5 games?'), queuedId, 'sent with the id it was queued with');
  await assertServerRanOnce(stack, queuedId);
  assert.equal(await s.userBubbles.count(), 1, 'one bubble after the reload');
  assert.equal(await s.agentBubbles.count(), 1, 'one reply');
  const helloAfter = s.sockets.at(-1).sent[0];
  assert.equal(helloAfter.session_id, before.session_id, 'the same conversation after the reload');
  await eventually(async () => assert.deepEqual((await storedSession(s)).outbox, [], 'the outbox emptied'));
  s.assertClean([
    ...refusedUpgradeLogs(stack, 503, 'Service Unavailable'),
    { text: `[natter] connection problem: ${DIAGNOSIS_503}` },
  ]);
});
