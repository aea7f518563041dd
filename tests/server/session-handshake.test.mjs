// The live session's handshake and frame hygiene (docs/protocol.md, "The
// live session"): hello/welcome fresh and resumed, version checks, malformed
// frames answered with bad_frame on a connection that stays usable, ping/pong,
// and the plain-GET answer the client's diagnosis probe relies on.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { request, startTestServer, stats } from './helpers.mjs';
import { attempt, closeAllSockets, connect, detached, helloFrame, joinSession, msg, sessionUrl, sleep }
  from './session-helpers.mjs';

let server;
before(async () => { server = await startTestServer({ heartbeatMs: 7000 }); });
after(async () => { closeAllSockets(); await server.close(); });
beforeEach(async () => { await request(server.url, { method: 'POST', path: '/__natter/reset' }); });

test('a first hello gets a fresh welcome', async () => {
  const { welcome } = await joinSession(server.url, { session: 'hs-fresh' });
  assert.equal(welcome.session_id, 'hs-fresh');
  assert.equal(welcome.resumed, false);
  assert.equal(welcome.replaced, false);
  assert.deepEqual(welcome.acked, []);
  assert.equal(welcome.event_seq, 0);
  assert.equal(welcome.heartbeat_ms, 7000);
  assert.match(welcome.resume_token, /^[A-Za-z0-9_-]{16,}$/);
  assert.deepEqual((await stats(server.url)).ws_connections_open, { 'hs-fresh': 1 });
});

// Changed: the welcome of a resume used to repeat the token; it is rotated now.
test('a hello with the token after a clean close resumes: a rotated token, acked ids, event_seq', async () => {
  const first = await joinSession(server.url, { session: 'hs-resume' });
  first.socket.send(msg('hs-resume-m1', 'hi'));
  await first.socket.replyEnd('hs-resume-m1');
  const seq = first.socket.lastSeq;
  assert.ok(seq > 2);
  await first.socket.close();
  await detached(server.url, 'hs-resume', stats);
  const again = await joinSession(server.url, { session: 'hs-resume', token: first.welcome.resume_token, last: seq });
  assert.equal(again.welcome.resumed, true);
  assert.equal(again.welcome.replaced, false);
  assert.notEqual(again.welcome.resume_token, first.welcome.resume_token);
  assert.match(again.welcome.resume_token, /^[A-Za-z0-9_-]{16,}$/);
  assert.deepEqual(again.welcome.acked, ['hs-resume-m1']);
  assert.equal(again.welcome.event_seq, seq);
  await sleep(50);
  assert.equal(again.socket.events().length, 0, 'nothing to replay after last_event_seq');
});

// Changed: such a hello used to discard the held session and
// start afresh under its id; now it gets a session of its own.
test('a wrong or empty token for a held session is a fresh session of its own, with the sequence at 0', async () => {
  const first = await joinSession(server.url, { session: 'hs-token' });
  first.socket.send(msg('hs-token-m1', 'hi'));
  await first.socket.replyEnd('hs-token-m1');
  await first.socket.close();
  const ids = new Set(['hs-token']);
  for (const token of ['not-the-token', '']) {
    const again = await joinSession(server.url, { session: 'hs-token', token, last: 5 });
    assert.equal(again.welcome.resumed, false, token);
    assert.equal(again.welcome.event_seq, 0);
    assert.deepEqual(again.welcome.acked, []);
    assert.notEqual(again.welcome.resume_token, first.welcome.resume_token);
    ids.add(again.welcome.session_id);
    await again.socket.close();
  }
  assert.equal(ids.size, 3, 'each gets a new session id');
  const owner = await joinSession(server.url, { session: 'hs-token', token: first.welcome.resume_token, last: 0 });
  assert.equal(owner.welcome.resumed, true, 'the held session is still there for its owner');
  assert.deepEqual(owner.welcome.acked, ['hs-token-m1']);
});

test('an unsupported protocol version gets error unsupported_version and close 4001', async () => {
  for (const v of [2, 0, '1', undefined]) {
    const socket = await connect(server.url);
    socket.send({ ...helloFrame({ session: 'hs-v' }), v });
    const error = await socket.waitFor((f) => f.type === 'error');
    assert.equal(error.code, 'unsupported_version', String(v));
    assert.deepEqual(await socket.waitClosed(), { code: 4001, reason: 'unsupported version' });
    assert.equal(socket.frames.some((f) => f.type === 'welcome'), false);
  }
});

test('malformed frames get error bad_frame and the connection stays usable', async () => {
  const socket = await connect(server.url);
  const bad = ['not json', '[1,2]', '{"no":"type"}', '{"type":""}', 'null',
    JSON.stringify({ type: 'hello', v: 1, session_id: '' }),
    JSON.stringify({ type: 'hello', v: 1, session_id: 'x', last_event_seq: -1 }),
    JSON.stringify(msg('early', 'hi')), // before hello
    JSON.stringify({ type: 'x', pad: 'a'.repeat(70 * 1024) })];
  for (const text of bad) socket.send(text);
  socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  await socket.waitFor(() => socket.frames.length >= bad.length + 1);
  assert.ok(socket.frames.every((f) => f.type === 'error' && f.code === 'bad_frame'), JSON.stringify(socket.frames));
  assert.equal(socket.frames[7].message_id, 'early');
  assert.match(socket.frames[8].message, /limit is 65536/);
  socket.send(helloFrame({ session: 'hs-bad' }));
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send(helloFrame({ session: 'hs-bad' }));
  await socket.waitFor((f) => f.type === 'error' && /already said hello/.test(f.message));
  socket.send({ type: 'msg', message_id: 'hs-bad-1' }); // no text
  socket.send(msg('hs-bad-2', '   '));
  socket.send(msg('hs-bad-3', 'x'.repeat(4001)));
  const tooLong = await socket.waitFor((f) => f.message_id === 'hs-bad-3');
  assert.equal(tooLong.reason, 'too_long');
  assert.equal((await socket.waitFor((f) => f.message_id === 'hs-bad-2')).reason, 'blank_text');
  socket.send(msg('hs-bad-ok', 'hi'));
  assert.equal((await socket.replyEnd('hs-bad-ok')).event, 'done');
  assert.equal(socket.frames.filter((f) => f.type === 'ack').length, 1, 'invalid msgs are not acked');
  assert.equal((await stats(server.url)).agent_runs['hs-bad-2'], undefined);
});

test('ping gets pong with t echoed, before and after hello; unknown frame types are ignored', async () => {
  const socket = await connect(server.url);
  socket.send({ type: 'ping', t: 123 });
  assert.deepEqual(await socket.waitFor((f) => f.type === 'pong'), { type: 'pong', t: 123 });
  socket.send(helloFrame({ session: 'hs-ping' }));
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send({ type: 'typing', whatever: true });
  socket.send({ type: 'ping', t: 'abc' });
  await socket.waitFor((f) => f.type === 'pong' && f.t === 'abc');
  assert.deepEqual(socket.frames.map((f) => f.type), ['pong', 'welcome', 'pong']);
});

test('a plain GET /api/session is 426 with Upgrade: websocket; other methods 405', async () => {
  const res = await request(server.url, { path: '/api/session' });
  assert.equal(res.status, 426);
  assert.equal(res.headers.upgrade, 'websocket');
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.equal(JSON.parse(res.body).error.code, 'upgrade_required');
  assert.equal((await request(server.url, { method: 'POST', path: '/api/session' })).status, 405);
});

test('an upgrade to any other path is refused with 404', async () => {
  const result = await attempt(sessionUrl(server.url).replace('/api/session', '/api/chat'));
  assert.equal(result.status, 404);
});

test('a frame over 1 MiB closes the connection with 1009; the server carries on', async () => {
  const socket = await connect(server.url);
  socket.send('x'.repeat(1024 * 1024 + 1));
  assert.equal((await socket.waitClosed()).code, 1009);
  const { welcome } = await joinSession(server.url, { session: 'hs-after-big' });
  assert.equal(welcome.resumed, false);
});
