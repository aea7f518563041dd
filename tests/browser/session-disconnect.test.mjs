// The shop's commands on the live session: natter('close') only hides the
// panel (the socket stays up); natter('disconnect') ends the session (the
// server sees the socket close, the status line says so), and opening the
// panel again reconnects to the same conversation.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, eventually } from './harness.mjs';
import { openConnected } from './session-helpers.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const openSessions = async () => Object.keys((await stack.stats()).ws_connections_open).length;

test("close hides the panel only; disconnect ends the session; opening again reconnects", async () => {
  const s = await openConnected(stack);
  await s.page.evaluate(() => natter('close'));
  await s.panel.waitFor({ state: 'hidden' });
  assert.equal(await openSessions(), 1, 'still connected while hidden');
  assert.equal(s.sockets[0].closed, false);

  await s.page.evaluate(() => natter('disconnect'));
  await eventually(async () => assert.equal(await openSessions(), 0, 'the server saw the socket close'));
  // The page's close event can trail the server's by a moment.
  await eventually(() => assert.equal(s.sockets[0].closed, true));
  assert.equal(await s.status.textContent(), 'Chat closed.');
  await s.launcher.click();
  await s.waitForStatus('Connected');
  assert.equal(s.sockets.length, 2);
  assert.equal(s.sockets[1].sent[0].session_id, s.sockets[0].sent[0].session_id, 'the same conversation');
  assert.equal(await openSessions(), 1);
  s.assertClean();
});
