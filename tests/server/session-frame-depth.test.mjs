// Deeply nested frames (docs/security.md, "Deeply nested frames"): JSON.parse
// builds a 10,000-deep value without trouble, but any recursive walk of it
// (continue.offer's JSON.stringify was one) overflows the stack. Every text
// frame's nesting is checked, without recursion, before any field is used:
// deeper than maxFrameDepth is `error` bad_frame reason too_deep, and the
// socket and the conversation carry on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame, joinSession, msg } from './session-helpers.mjs';
import { CLIENT_BOUNDS } from '../../tools/gateway/session/client-bounds.mjs';
import { nestsDeeperThan } from '../../tools/gateway/http/json-depth.mjs';

const DEEP = 10_000; // under the 64 KiB frame limit
const nested = (levels) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`; // `levels` objects deep

let server;
before(async () => { server = await startTestServer(); });
after(async () => {
  closeAllSockets();
  await server.close();
});

const tooDeep = (f) => f.type === 'error' && f.reason === 'too_deep';

test('the depth is counted without recursion, the frame itself as level 1', () => {
  assert.equal(CLIENT_BOUNDS.maxFrameDepth, 32);
  assert.equal(nestsDeeperThan(JSON.parse(nested(32)), 32), false);
  assert.equal(nestsDeeperThan(JSON.parse(nested(33)), 32), true);
  assert.equal(nestsDeeperThan({ a: [1, [2]], b: { c: null } }, 3), false);
  assert.equal(nestsDeeperThan({ a: [1, [2]], b: { c: null } }, 2), true);
  assert.equal(nestsDeeperThan(JSON.parse(`[${'['.repeat(100_000)}${']'.repeat(100_000)}]`), 32), true); // no overflow
});

test('a 10,000-deep continue.offer is bad_frame too_deep; the socket and the conversation carry on', async () => {
  const { socket } = await joinSession(server.url, { session: 'deep-offer' });
  socket.ws.send(`{"type":"continue.offer","saved":[${nested(DEEP)}]}`);
  const refused = await socket.waitFor(tooDeep);
  assert.equal(refused.code, 'bad_frame');
  assert.match(refused.message, /deeper than 32 levels/);
  socket.send(msg('after-deep', 'still here?'));
  await socket.waitFor((f) => f.type === 'ack' && f.message_id === 'after-deep');
  socket.send({ type: 'ping', t: 1 });
  await socket.waitFor((f) => f.type === 'pong' && f.t === 1);
  assert.equal(socket.ws.readyState, 1, 'still open');
  assert.deepEqual(server.lines.filter((l) => l.includes('frame handling failed')), []);
});

test('every frame type is checked: hello, msg, identify, voice.start, handoff.email, ping', async () => {
  const socket = await connect(server.url);
  const deepHello = `{"type":"hello","v":1,"session_id":"deep-hello","visitor":${nested(DEEP)}}`;
  socket.ws.send(deepHello);
  await socket.waitFor(tooDeep);
  socket.send(helloFrame({ session: 'deep-hello' })); // a good hello after it is still welcome
  await socket.waitFor((f) => f.type === 'welcome');
  const frames = [
    `{"type":"msg","message_id":"m1","text":"hi","x":${nested(DEEP)}}`,
    `{"type":"identify","visitor":${nested(DEEP)}}`,
    `{"type":"voice.start","call_id":"c1","x":${nested(DEEP)}}`,
    `{"type":"handoff.email","email":"a@example.com","x":${nested(DEEP)}}`,
    `{"type":"ping","t":${nested(DEEP)}}`,
  ];
  for (const frame of frames) socket.ws.send(frame);
  socket.send({ type: 'ping', t: 'last' });
  await socket.waitFor((f) => f.type === 'pong' && f.t === 'last');
  assert.equal(socket.frames.filter(tooDeep).length, 1 + frames.length);
  assert.ok(!socket.frames.some((f) => f.type === 'ack' || f.type === 'voice.started'), 'nothing of them was used');
});

test('up to the bound a frame is used: a ping nested 32 deep is answered, 33 is not', async () => {
  const { socket } = await joinSession(server.url, { session: 'deep-edge' });
  socket.ws.send(`{"type":"ping","t":${nested(31)}}`); // the frame is level 1
  const pong = await socket.waitFor((f) => f.type === 'pong');
  assert.equal(JSON.stringify(pong.t).split('{').length - 1, 31);
  socket.ws.send(`{"type":"ping","t":${nested(32)}}`);
  await socket.waitFor(tooDeep);
});
