// The live session through a network cut and a server crash, on the
// live-session storefront: the status line tells the shopper what is
// happening, and a message typed meanwhile reaches the agent exactly once
// (one msg frame on the wire, one request and one agent run on the server).
//
// Chromium's network emulation pauses an open WebSocket rather than dropping
// it (frames wait until the network is back). A real cut of a mobile
// connection drops it, so the cut below also drops the server's end
// (session kill) while the emulation is offline.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import {
  openConnected, type, sentIdOf, assertServerRanOnce, cutTwoSecondsThenSend,
} from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

test('a 2 s network cut: offline, then connected again, and the message typed meanwhile goes once', async () => {
  const s = await openConnected(stack);
  await s.recordStatus();
  const cdp = await stack.context.newCDPSession(s.page);
  await cdp.send('Network.enable');

  const history = await cutTwoSecondsThenSend(stack, s, cdp, 'is the DualSense in stock?');
  assert.ok(history.slice(history.indexOf('offline')).includes('connecting'), `reconnected: ${history}`);
  const id = sentIdOf(s, 'is the DualSense in stock?');
  await assertServerRanOnce(stack, id);
  assert.equal(await s.userBubbles.count(), 1);
  assert.equal(await s.agentBubbles.count(), 1);
  assert.equal(s.sockets.length, 2, 'one socket before the cut, one after');
  s.assertClean();
});

test('the server crashes: the widget counts down, reconnects and resumes, and the next message goes once', async () => {
  const s = await openConnected(stack);
  await s.recordStatus();
  await stack.killSessions();
  // The drop noticed first: otherwise the wait below can match the old
  // 'Connected' just before the countdown replaces it.
  await eventually(async () => assert.ok((await s.statusHistory()).some((h) => h.state === 'reconnecting'), 'the drop was noticed'));
  await s.waitForStatus('Connected');
  await eventually(() => assert.ok(s.sockets[1]?.received.some((f) => f.type === 'welcome'), 'welcomed on a second socket'));

  const history = await s.statusHistory();
  const states = history.map((h) => h.state);
  assert.ok(states.includes('reconnecting'), `counted down: ${JSON.stringify(history)}`);
  assert.match(history.find((h) => h.state === 'reconnecting').text, /^Reconnecting(…| in \d+ s…)$/);
  assert.equal(states.at(-1), 'connected');
  const [hello1, hello2] = s.sockets.map((w) => w.sent[0]);
  assert.equal(hello2.type, 'hello');
  assert.equal(hello2.session_id, hello1.session_id, 'the same session');
  const welcome1 = s.sockets[0].received.find((f) => f.type === 'welcome');
  assert.equal(hello2.resume_token, welcome1.resume_token, 'resumes with the token it was given');
  assert.equal(s.sockets[1].received.find((f) => f.type === 'welcome').resumed, true);

  await type(s, 'any Switch games?');
  await s.finishedReplies.first().waitFor();
  await assertServerRanOnce(stack, sentIdOf(s, 'any Switch games?'));
  assert.equal(s.sockets.length, 2, 'no extra connection');
  s.assertClean();
});
