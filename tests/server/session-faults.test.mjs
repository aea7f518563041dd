// Injected live-session faults (POST /__natter/faults {"session": [...]}): a
// FIFO, one fault per upgrade attempt; each action does what
// tools/gateway/testing/session-faults.mjs says, and the kill control.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { request, startTestServer, stats } from './helpers.mjs';
import { attempt, closeAllSockets, connect, detached, helloFrame, joinSession, msg, sessionUrl, sleep }
  from './session-helpers.mjs';

let server;
before(async () => { server = await startTestServer({ tokenDelayMs: 2 }); });
after(async () => { closeAllSockets(); await server.close(); });
beforeEach(async () => { await request(server.url, { method: 'POST', path: '/__natter/reset' }); });

async function queue(session) {
  const res = await request(server.url, { method: 'POST', path: '/__natter/faults',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ session }) });
  assert.equal(res.status, 200, res.body);
}

test('refuse_upgrade answers its status with Retry-After; the next plain GET probe sees it once', async () => {
  await queue([{ action: 'refuse_upgrade', status: 503, retry_after_s: 1 }]);
  const refused = await attempt(sessionUrl(server.url));
  assert.equal(refused.status, 503);
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(refused.headers.upgrade, undefined);
  const probe = await request(server.url, { path: '/api/session' });
  assert.equal(probe.status, 503);
  assert.equal(probe.headers['retry-after'], '1');
  assert.equal((await request(server.url, { path: '/api/session' })).status, 426);
  assert.ok((await attempt(sessionUrl(server.url))).socket, 'the next upgrade works');
});

test('faults are taken in order, one per upgrade attempt', async () => {
  await queue([{ action: 'refuse_upgrade', status: 502 }, { action: 'refuse_upgrade', status: 429 }]);
  assert.equal((await attempt(sessionUrl(server.url))).status, 502);
  assert.equal((await attempt(sessionUrl(server.url))).status, 429);
  assert.ok((await attempt(sessionUrl(server.url))).socket);
});

test('upgrade_without_headers answers a plain response with no Upgrade header (426, or 200)', async () => {
  await queue([{ action: 'upgrade_without_headers' }, { action: 'upgrade_without_headers', status: 200 }]);
  const first = await attempt(sessionUrl(server.url));
  assert.equal(first.status, 426);
  assert.equal(first.headers.upgrade, undefined);
  assert.equal(first.headers.connection, 'close');
  const second = await attempt(sessionUrl(server.url));
  assert.equal(second.status, 200);
  assert.match(second.body, /<!doctype html>/);
  assert.equal((await request(server.url, { path: '/api/session' })).status, 200, 'the probe sees the same');
});

test('stall_upgrade never answers the handshake', async () => {
  await queue([{ action: 'stall_upgrade' }]);
  const started = Date.now();
  const result = await attempt(sessionUrl(server.url), { handshakeTimeout: 300 });
  assert.match(String(result.error?.message), /handshake has timed out/);
  assert.ok(Date.now() - started >= 280);
});

test('drop_after_frames N cuts the socket (1006) after N server frames; the session resumes', async () => {
  await queue([{ action: 'drop_after_frames', frames: 2 }]);
  const { socket, welcome } = await joinSession(server.url, { session: 'fl-drop' });
  socket.send(msg('fl-drop-1', 'hi'));
  assert.equal((await socket.waitClosed()).code, 1006);
  assert.deepEqual(socket.frames.map((f) => f.type), ['welcome', 'ack']);
  await detached(server.url, 'fl-drop', stats);
  const again = await joinSession(server.url, { session: 'fl-drop', token: welcome.resume_token });
  assert.equal(again.welcome.resumed, true);
  assert.deepEqual(again.welcome.acked, ['fl-drop-1']);
  assert.equal((await again.socket.replyEnd('fl-drop-1')).event, 'done');
  assert.equal(again.socket.events()[0].seq, 1);
});

test('drop_after_frames 0 drops right after the handshake', async () => {
  await queue([{ action: 'drop_after_frames', frames: 0 }]);
  const socket = await connect(server.url);
  assert.equal((await socket.waitClosed()).code, 1006);
  assert.equal(socket.frames.length, 0);
});

test('mute_after_frames keeps the socket open but sends nothing more (half-open)', async () => {
  await queue([{ action: 'mute_after_frames', frames: 1 }]);
  const { socket, welcome } = await joinSession(server.url, { session: 'fl-mute' });
  socket.send(msg('fl-mute-1', 'hi'));
  socket.send({ type: 'ping', t: 1 });
  await sleep(200);
  assert.deepEqual(socket.frames.map((f) => f.type), ['welcome']);
  assert.equal(socket.ws.readyState, 1, 'still open');
  assert.equal((await stats(server.url)).agent_runs['fl-mute-1'], 1, 'the msg was handled');
  const again = await joinSession(server.url, { session: 'fl-mute', token: welcome.resume_token });
  assert.deepEqual(again.welcome.acked, ['fl-mute-1']);
  assert.equal((await socket.waitClosed()).code, 4000);
});

test('delay_frames sends every frame that much later, in order', async () => {
  await queue([{ action: 'delay_frames', ms: 300 }]);
  const socket = await connect(server.url);
  const started = Date.now();
  socket.send(helloFrame({ session: 'fl-delay' }));
  socket.send({ type: 'ping', t: 7 });
  await socket.waitFor((f) => f.type === 'welcome');
  assert.ok(Date.now() - started >= 280, `welcome after ${Date.now() - started}ms`);
  await socket.waitFor((f) => f.type === 'pong');
  assert.deepEqual(socket.frames.map((f) => f.type), ['welcome', 'pong']);
});

test('duplicate_frames sends every ack and event twice (welcome once)', async () => {
  await queue([{ action: 'duplicate_frames' }]);
  const { socket } = await joinSession(server.url, { session: 'fl-dup' });
  socket.send(msg('fl-dup-1', 'hi'));
  await socket.waitFor(() => socket.events().filter((f) => f.event === 'done').length === 2);
  assert.equal(socket.frames.filter((f) => f.type === 'welcome').length, 1);
  assert.equal(socket.frames.filter((f) => f.type === 'ack').length, 2);
  const seqs = socket.events().map((f) => f.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => Math.floor(i / 2) + 1));
  assert.equal((await stats(server.url)).agent_runs['fl-dup-1'], 1);
});

test('reorder_frames swaps event frames in pairs; none is lost', async () => {
  await queue([{ action: 'reorder_frames' }]);
  const { socket } = await joinSession(server.url, { session: 'fl-reorder' });
  socket.send(msg('fl-reorder-1', 'do you have PS5 games?'));
  await socket.waitFor((f) => f.type === 'event' && f.event === 'done');
  await sleep(80); // the odd one out, if any
  const seqs = socket.events().map((f) => f.seq);
  assert.deepEqual(seqs.slice(0, 4), [2, 1, 4, 3]);
  assert.deepEqual([...seqs].sort((a, b) => a - b), seqs.map((_, i) => i + 1));
});

test('close_after_open closes abruptly after ms, or with the given code', async () => {
  await queue([{ action: 'close_after_open', ms: 100 }, { action: 'close_after_open', ms: 0, code: 1011 }]);
  const first = await connect(server.url);
  const opened = Date.now();
  assert.equal((await first.waitClosed()).code, 1006);
  assert.ok(Date.now() - opened >= 80);
  const second = await connect(server.url);
  assert.equal((await second.waitClosed()).code, 1011);
});

test('a malformed session fault list is refused and queues nothing', async () => {
  for (const session of [[{ action: 'explode' }], [{ action: 'refuse_upgrade', status: 101 }],
    [{ action: 'drop_after_frames' }], [{ action: 'close_after_open', ms: 900 }], [{ action: 'delay_frames', ms: -1 }],
    [{ action: 'duplicate_frames' }, { action: 'upgrade_without_headers', status: 302 }], 'nope']) {
    const res = await request(server.url, { method: 'POST', path: '/__natter/faults', body: JSON.stringify({ session }) });
    assert.equal(res.status, 400, JSON.stringify(session));
  }
  const { welcome } = await joinSession(server.url, { session: 'fl-none' });
  assert.equal(welcome.type, 'welcome');
});

test('session/kill drops every connection abruptly; the sessions stay resumable', async () => {
  const a = await joinSession(server.url, { session: 'fl-kill-a' });
  const b = await joinSession(server.url, { session: 'fl-kill-b' });
  const res = await request(server.url, { method: 'POST', path: '/__natter/session/kill' });
  assert.deepEqual(JSON.parse(res.body), { killed: 2 });
  assert.equal((await a.socket.waitClosed()).code, 1006);
  assert.equal((await b.socket.waitClosed()).code, 1006);
  await detached(server.url, 'fl-kill-a', stats);
  const again = await joinSession(server.url, { session: 'fl-kill-a', token: a.welcome.resume_token });
  assert.equal(again.welcome.resumed, true);
  assert.equal(again.welcome.replaced, false);
});

test('without test controls there are no faults and no kill', async () => {
  const plain = await startTestServer({ testControls: false });
  try {
    assert.equal((await request(plain.url, { method: 'POST', path: '/__natter/session/kill' })).status, 404);
    const { welcome } = await joinSession(plain.url, { session: 'fl-plain' });
    assert.equal(welcome.resumed, false);
  } finally {
    closeAllSockets();
    await plain.close();
  }
});
