// A draining gateway closes the shopper's socket with 1001 "going away" and
// answers a new socket to it the same way while it leaves (docs/protocol.md,
// "Close codes"; tools/gateway drain). The widget reconnects (at once when
// the closed session was stable: tests/native/connection_machine_test.cpp),
// names no proxy problem however quickly those sockets close, and a message sent
// across it is delivered and answered once. The closes come from the
// reference server's session faults (close_after_open with code 1001), as a
// draining instance would send them; tests/server/gateway-drain.test.mjs is
// the same story with two real gateways behind HAProxy, on the wire.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openLive, sentIdOf, type } from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const goingAway = (ms) => ({ action: 'close_after_open', ms, code: 1001 });

test('1001 going away, three times quickly: reconnected without a proxy warning, the message answered once', async () => {
  // The shopper's instance drains 400 ms into the session; the balancer
  // sends the next two sockets to it again before it is out of rotation.
  await stack.sessionFaults(goingAway(400), goingAway(20), goingAway(20));
  const s = await openLive(stack);
  await s.openChat();
  await s.recordStatus();
  await type(s, 'is the PS5 in stock?');
  await s.finishedReplies.first().waitFor({ timeout: 20_000 });
  // The reply may come on the third socket before its close lands (a loaded
  // gateway's 20 ms timer runs late): wait for the fourth, then Connected.
  await eventually(() => assert.ok(s.sockets.length >= 4, `three sockets closed 1001, then one that stayed: ${s.sockets.length}`),
    { timeout: 15_000 });
  await s.waitForStatus('Connected', 15_000);

  const diagnoses = (await s.statusHistory()).filter((h) => h.state === 'failed');
  assert.deepEqual(diagnoses, [], 'never failed');
  assert.equal((await s.diagnosis.count()) === 0 || (await s.diagnosis.textContent()) === '', true, 'no diagnosis shown');
  const warned = s.consoleLines.filter((l) => l.includes('connection problem'));
  assert.deepEqual(warned, [], 'no proxy trouble named');
  const id = sentIdOf(s, 'is the PS5 in stock?', null); // resent with its id after a close: fine
  await eventually(async () => assert.deepEqual((await stack.stats()).agent_runs, { [id]: 1 }, 'the agent ran once'));
  assert.equal(await s.userBubbles.count(), 1);
  assert.equal(await s.agentBubbles.count(), 1, 'one answer, not two');
  s.assertClean();
});
