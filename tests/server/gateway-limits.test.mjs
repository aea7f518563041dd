// Every bound of the gateway (docs/protocol.md "Limits", store/README.md
// "Bounds") hit once, with its documented answer, and nothing acked lost.
// In memory; the store contract suite checks the same caps on Redis.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { postChat, request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame, joinSession, msg, sleep } from './session-helpers.mjs';
import { RequestStats } from '../../tools/gateway/ops/request-stats.mjs';
import { createTestControls, isLoopback } from '../../tools/gateway/testing/test-controls.mjs';

after(() => closeAllSockets());

async function withServer(options, fn) {
  const server = await startTestServer(options);
  try {
    await fn(server);
  } finally {
    closeAllSockets();
    await server.close();
  }
}

test('connections over the cap are closed with 1013 "try again later"', async () => {
  await withServer({ bounds: { maxConnections: 2 } }, async (server) => {
    await joinSession(server.url, { session: 'lc-1' });
    await joinSession(server.url, { session: 'lc-2' });
    const third = await connect(server.url);
    assert.deepEqual(await third.waitClosed(), { code: 1013, reason: 'try again later: connections' });
  });
});

test('sessions over the cap: the hello is closed with 1013; a held session may still resume', async () => {
  await withServer({ limits: { maxSessions: 1 } }, async (server) => {
    const one = await joinSession(server.url, { session: 'ls-1' });
    const other = await connect(server.url);
    other.send(helloFrame({ session: 'ls-2' }));
    assert.deepEqual(await other.waitClosed(), { code: 1013, reason: 'try again later: sessions' });
    const again = await joinSession(server.url, { session: 'ls-1', token: one.welcome.resume_token });
    assert.equal(again.welcome.resumed, true);
  });
});

// At the cap the oldest record no agent is running is evicted
// (chat-budget.test.mjs); only while every record's agent still runs is a
// new one refused. lr-1's agent types slowly, so it still runs.
test('idempotency records over the cap, all running: HTTP 503 with Retry-After; an acked msg waits and is answered', async () => {
  await withServer({ limits: { maxRuns: 1, runTtlMs: 60_000 }, tokenDelayMs: 60 }, async (server) => {
    const first = postChat(server.url, { key: 'lr-1' });
    while ((await stats(server.url)).agent_runs['lr-1'] === undefined) await sleep(10);
    const refused = await postChat(server.url, { key: 'lr-2' });
    assert.equal(refused.status, 503);
    assert.equal(JSON.parse(refused.body).error.code, 'over_capacity');
    assert.equal(refused.headers['retry-after'], '5');
    assert.equal((await stats(server.url)).agent_runs['lr-2'], undefined, 'nothing claimed');
    const { socket } = await joinSession(server.url, { session: 'lr-s' });
    socket.send(msg('lr-3', 'hi'));
    await socket.waitFor((f) => f.type === 'ack' && f.message_id === 'lr-3');
    assert.equal((await first).status, 200);
    const end = await socket.replyEnd('lr-3', 10_000); // once lr-1's agent is done, its record makes room
    assert.equal(end.event, 'done');
  });
});

test('an idempotency record is kept for its age, then the same id runs again', async () => {
  await withServer({ limits: { runTtlMs: 300 } }, async (server) => {
    await postChat(server.url, { key: 'la-1' });
    assert.equal((await postChat(server.url, { key: 'la-1' })).headers['idempotent-replayed'], 'replayed');
    await sleep(350);
    assert.equal((await postChat(server.url, { key: 'la-1' })).headers['idempotent-replayed'], undefined);
    assert.equal((await stats(server.url)).agent_runs['la-1'], 2);
  });
});

test('pending turns over the cap: error busy with the message_id, not acked; sent again later it is', async () => {
  await withServer({ limits: { maxTurns: 1 }, tokenDelayMs: 20 }, async (server) => {
    const { socket } = await joinSession(server.url, { session: 'lt' });
    socket.send(msg('lt-1', 'do you have PS5 games?'));
    socket.send(msg('lt-2', 'hi'));
    const busy = await socket.waitFor((f) => f.type === 'error' && f.message_id === 'lt-2');
    assert.equal(busy.code, 'busy');
    assert.equal(socket.frames.some((f) => f.type === 'ack' && f.message_id === 'lt-2'), false);
    await socket.replyEnd('lt-1');
    socket.send(msg('lt-2', 'hi'));
    assert.equal((await socket.replyEnd('lt-2')).event, 'done');
  });
});

test('the send rate: msgs past the burst get error rate_limited with retry_after_ms, not acked', async () => {
  await withServer({ bounds: { sendBurst: 2, sendPerSecond: 1 } }, async (server) => {
    const { socket } = await joinSession(server.url, { session: 'lq' });
    for (const id of ['lq-1', 'lq-2', 'lq-3']) socket.send(msg(id, 'hi'));
    const limited = await socket.waitFor((f) => f.type === 'error' && f.message_id === 'lq-3');
    assert.equal(limited.code, 'rate_limited');
    assert.ok(limited.retry_after_ms > 0 && limited.retry_after_ms <= 1000, String(limited.retry_after_ms));
    await socket.replyEnd('lq-2');
    assert.deepEqual(socket.frames.filter((f) => f.type === 'ack').map((f) => f.message_id), ['lq-1', 'lq-2']);
  });
});

test('the event log keeps its last events; a resume from before them starts fresh (never a partial replay)', async () => {
  await withServer({ limits: { maxEvents: 5 } }, async (server) => {
    const one = await joinSession(server.url, { session: 'le' });
    one.socket.send(msg('le-1', 'do you have PS5 games?'));
    await one.socket.replyEnd('le-1');
    assert.ok(one.socket.lastSeq > 6);
    await one.socket.terminate();
    const near = await joinSession(server.url, { session: 'le', token: one.welcome.resume_token, last: one.socket.lastSeq - 2 });
    assert.equal(near.welcome.resumed, true);
    const last = one.socket.lastSeq;
    await near.socket.waitFor((f) => f.type === 'event' && f.seq === last);
    assert.deepEqual(near.socket.events().map((f) => f.seq), [last - 1, last]);
    await near.socket.terminate();
    const far = await joinSession(server.url, { session: 'le', token: near.welcome.resume_token, last: 1 });
    assert.equal(far.welcome.resumed, false);
    assert.equal(far.welcome.event_seq, 0);
  });
});

test('a slow reader is closed (1013) once its unsent output passes the bound, not buffered without end', async () => {
  await withServer({ bounds: { maxBufferedBytes: 256 * 1024 } }, async (server) => {
    const { socket } = await joinSession(server.url, { session: 'lb' });
    socket.ws._socket.pause(); // reads nothing from now on
    const big = 'x'.repeat(60_000);
    for (let i = 0; i < 400; i += 1) socket.send({ type: 'ping', t: big }); // each pong echoes 60 kB
    const deadline = Date.now() + 10_000;
    while (!server.lines.some((l) => l.includes('slow reader')) && Date.now() < deadline) await sleep(20);
    assert.ok(server.lines.some((l) => l.includes('slow reader')), 'the server closed the slow reader');
    socket.ws._socket.resume();
    await socket.waitClosed();
  });
});

test('per-key counters keep only the most recent keys', () => {
  const counted = new RequestStats({ maxKeys: 3 });
  for (const key of ['a', 'b', 'c', 'd', 'd']) { counted.countRequest(key); counted.countAgentRun(key); }
  assert.deepEqual(counted.toJSON().requests, { b: 1, c: 1, d: 2 });
  assert.deepEqual(Object.keys(counted.toJSON().agent_runs), ['b', 'c', 'd']);
  assert.equal(counted.totalRequests, 5);
});

test('test controls answer only loopback and never allow any origin', async () => {
  assert.equal(isLoopback('127.0.0.1'), true);
  assert.equal(isLoopback('::ffff:127.0.0.1'), true);
  assert.equal(isLoopback('::1'), true);
  assert.equal(isLoopback('10.0.0.5'), false);
  assert.equal(isLoopback('::ffff:192.168.1.2'), false);
  let status = null;
  const handle = createTestControls({ stats: new RequestStats() });
  await handle({ method: 'GET', url: '/__natter/stats', socket: { remoteAddress: '192.168.1.2' }, headers: {} },
    { writeHead: (s) => { status = s; }, end: () => {}, setHeader: () => {} }, '/__natter/stats');
  assert.equal(status, 404, 'a client off loopback finds nothing');
  await withServer({}, async (server) => {
    const res = await request(server.url, { path: '/__natter/stats' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});
