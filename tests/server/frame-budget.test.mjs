// A connection's frame budget (session/client-bounds.mjs frameBurst,
// framesPerSecond, frameDropsBeforeClose; docs/security.md): frames past
// it are dropped unread, so a flood of text frames (pings, continue.offer)
// costs its sender, not the instance; a connection that
// keeps flooding is closed 1013, and another shopper goes on being served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession, sleep } from './session-helpers.mjs';
import { CLOSE_TRY_AGAIN_LATER } from '../../tools/gateway/session/wire-codes.mjs';

const BOUNDS = { frameBurst: 50, framesPerSecond: 20, frameDropsBeforeClose: 100 };
let server;
before(async () => { server = await startTestServer({ bounds: BOUNDS }); });
after(async () => { closeAllSockets(); await server.close(); });

test('pings past the burst are dropped unread; the socket stays open and a neighbour is answered', async () => {
  const flooder = await joinSession(server.url, { tab: 'flooder' });
  const pongs = () => flooder.socket.frames.filter((f) => f.type === 'pong');
  for (let t = 1; t <= 80; t += 1) flooder.socket.send({ type: 'ping', t });
  await flooder.socket.waitFor((f) => f.type === 'pong' && f.t >= 40, 10_000);
  await sleep(300);
  assert.ok(pongs().length < 80, `only what the budget allows is read (${pongs().length} of 80 answered)`);
  assert.ok(pongs().length >= BOUNDS.frameBurst - 1, `the burst is read (${pongs().length})`);
  await sleep(1000); // the budget refills: the flooder is served again
  flooder.socket.send({ type: 'ping', t: 1000 });
  await flooder.socket.waitFor((f) => f.type === 'pong' && f.t === 1000, 5000);
  const neighbour = await joinSession(server.url, { tab: 'neighbour' });
  neighbour.socket.send({ type: 'ping', t: 7 });
  await neighbour.socket.waitFor((f) => f.type === 'pong' && f.t === 7, 5000);
});

test('a connection that keeps flooding is closed 1013 "try again later: frame rate"', async () => {
  const flooder = await joinSession(server.url, { tab: 'flooder-2' });
  for (let t = 1; t <= BOUNDS.frameBurst + BOUNDS.frameDropsBeforeClose + 50; t += 1) {
    flooder.socket.send({ type: 'continue.offer' });
  }
  const closed = await flooder.socket.waitClosed(10_000);
  assert.equal(closed.code, CLOSE_TRY_AGAIN_LATER);
  assert.equal(closed.reason, 'try again later: frame rate');
});
