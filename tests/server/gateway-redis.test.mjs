// Several gateway instances on one Redis (store/README.md): every promise
// holds across instances and restarts. Each test starts its own redis-server
// (free loopback port, no persistence) and gateways, and stops them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, parseEvents, postChat, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame, joinSession, joinSessionAfterOutage, msg, sleep } from './session-helpers.mjs';
import { startGatewayProcess, startRedis } from './redis-helpers.mjs';

after(() => closeAllSockets());

const runsOf = async (urls, key) => {
  let total = 0;
  for (const url of urls) total += (await stats(url)).agent_runs[key] ?? 0;
  return total;
};

// The reply's text and shape as a client sees it: one start, deltas, one done.
function replyOf(events) {
  return {
    starts: events.filter((e) => e.event === 'start').length,
    dones: events.filter((e) => e.event === 'done').length,
    errors: events.filter((e) => e.event === 'error').length,
    text: events.filter((e) => e.event === 'delta').map((e) => e.data.text).join(''),
  };
}

function assertContiguous(frames) {
  const seqs = frames.map((f) => f.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i), `seqs with a gap or a duplicate: ${seqs}`);
}

async function cluster({ n = 2, ...options } = {}) {
  const redis = await startRedis();
  const servers = [];
  for (let i = 0; i < n; i += 1) {
    servers.push(await startTestServer({ redisUrl: redis.url, instance: `gw-${i}`, ...options }));
  }
  return {
    redis, servers,
    async stop() {
      closeAllSockets();
      for (const s of servers) await s.close();
      await redis.stop();
    },
  };
}

// Two instances on one Redis for the kill stories: A in a child process a
// test may SIGKILL (redis-helpers.mjs), B in this one; replies slow enough
// to kill A mid-reply (26 deltas: about 1.3 s), and a lease short enough
// that B takes A's run over within seconds. The stories act inside that
// lease (a retry joins, a person takes the conversation) before it runs
// out: it must outlast a test process or A's renewals starved for several
// hundred ms on a loaded CI machine, or the story checks the scheduler
// (with 400 ms, a 400 ms stall after the kill failed both such stories).
const STAFF_TOKEN = 'redis-staff-token-0123456789abcdef';
const KILL_LEASE_MS = 3000;
async function killableAndSurvivor() {
  const redis = await startRedis();
  const options = { redisUrl: redis.url, tokenDelayMs: 50, leaseMs: KILL_LEASE_MS, staffToken: STAFF_TOKEN };
  const a = await startGatewayProcess({ ...options, instance: 'gw-a' });
  const b = await startTestServer({ ...options, instance: 'gw-b' });
  return {
    a, b,
    async stop() {
      closeAllSockets();
      await a.kill();
      await b.close();
      await redis.stop();
    },
  };
}

test('a message retried on the other instance runs the agent once and gets the same reply', async () => {
  const c = await cluster();
  try {
    const [a, b] = c.servers;
    const first = await postChat(a.url, { key: 'x-1', text: 'do you have PS5 games?' });
    const again = await postChat(b.url, { key: 'x-1', text: 'do you have PS5 games?' });
    assert.equal(again.status, 200);
    assert.equal(again.headers['idempotent-replayed'], 'replayed');
    assert.deepEqual(parseEvents(again.body), parseEvents(first.body));
    assert.equal(await runsOf([a.url, b.url], 'x-1'), 1);
    const other = await postChat(b.url, { key: 'x-1', text: 'something else' });
    assert.equal(other.status, 422);
  } finally {
    await c.stop();
  }
});

test("the agent's history follows the conversation: a follow-up on the other instance, and after a restart, knows the earlier turn", async () => {
  const c = await cluster();
  try {
    const [a, b] = c.servers;
    await postChat(a.url, { key: 'h-1', conversation: 'h', text: 'do you have PS5 games?' });
    const followUp = replyOf(parseEvents((await postChat(b.url, { key: 'h-2', conversation: 'h', text: 'how much is it?' })).body));
    assert.match(followUp.text, /^Here are the prices:/, `the other instance saw the first turn: ${followUp.text}`);
    await b.close();
    const restarted = await startTestServer({ redisUrl: c.redis.url, instance: 'gw-1', port: b.port });
    c.servers[1] = restarted;
    const again = replyOf(parseEvents((await postChat(restarted.url, { key: 'h-3', conversation: 'h', text: 'how much is it?' })).body));
    assert.match(again.text, /^Here are the prices:/, 'a restarted instance too');
    const fresh = replyOf(parseEvents((await postChat(a.url, { key: 'h-4', conversation: 'other', text: 'how much is it?' })).body));
    assert.doesNotMatch(fresh.text, /^Here are the prices:/, 'another conversation has no such history');
  } finally {
    await c.stop();
  }
});

test('a duplicate on the other instance while the reply runs joins it and gets it from its first event', async () => {
  const c = await cluster({ tokenDelayMs: 25 });
  try {
    const [a, b] = c.servers;
    const firstP = postChat(a.url, { key: 'x-2', text: 'headset under 50' });
    // The run is under way on A (a join, not a replay, is what is asserted below).
    await eventually(async () => (await stats(a.url)).agent_runs['x-2'] === 1, 5000, 'the run to start on A');
    const joined = await postChat(b.url, { key: 'x-2', text: 'headset under 50' });
    const first = await firstP;
    assert.equal(joined.headers['idempotent-replayed'], 'joined');
    assert.deepEqual(parseEvents(joined.body), parseEvents(first.body));
    assert.equal(await runsOf([a.url, b.url], 'x-2'), 1);
  } finally {
    await c.stop();
  }
});

test('a session resumes on the other instance with exactly the events after last_event_seq', async () => {
  const c = await cluster({ tokenDelayMs: 15 });
  try {
    const [a, b] = c.servers;
    const one = await joinSession(a.url, { session: 'x-s', tab: 't' });
    one.socket.send(msg('x-s-1', 'do you have PS5 games?'));
    await one.socket.waitFor((f) => f.type === 'event' && f.seq === 3);
    await one.socket.terminate();
    const last = one.socket.lastSeq;
    const two = await joinSession(b.url, { session: 'x-s', token: one.welcome.resume_token, last, tab: 't' });
    assert.equal(two.welcome.resumed, true);
    assert.deepEqual(two.welcome.acked, ['x-s-1']);
    await two.socket.replyEnd('x-s-1');
    const all = [...one.socket.events(), ...two.socket.events()];
    assertContiguous(all);
    assert.equal(all[0].seq, 1);
    assert.equal(two.socket.events()[0].seq, last + 1);
    const reply = replyOf(all);
    assert.equal(reply.starts, 1);
    assert.equal(reply.dones, 1);
    assert.equal(await runsOf([a.url, b.url], 'x-s-1'), 1);
  } finally {
    await c.stop();
  }
});

test('always replace across instances: the older socket is closed with 4000, the newest wins, no loop', async () => {
  const c = await cluster();
  try {
    const [a, b] = c.servers;
    const tab1 = await joinSession(a.url, { session: 'x-r', tab: 'tab-1' });
    const tab2 = await joinSession(b.url, { session: 'x-r', token: tab1.welcome.resume_token, tab: 'tab-2' });
    assert.equal(tab2.welcome.replaced, true);
    assert.deepEqual(await tab1.socket.waitClosed(), { code: 4000, reason: 'replaced:tab' });
    tab1.socket.send(msg('late', 'hi')); // ignored: it is closed
    tab2.socket.send(msg('x-r-1', 'hi'));
    await tab2.socket.replyEnd('x-r-1');
    await sleep(100);
    assert.equal(tab2.socket.ws.readyState, 1, 'the newest stays open');
    assert.deepEqual((await stats(b.url)).ws_connections_open, { 'x-r': 1 });
    assert.deepEqual((await stats(a.url)).ws_connections_open, {});
  } finally {
    await c.stop();
  }
});

test('every instance restarted while idle: the session resumes and nothing acked runs again', async () => {
  const redis = await startRedis();
  let a = await startTestServer({ redisUrl: redis.url });
  try {
    const one = await joinSession(a.url, { session: 'x-i' });
    one.socket.send(msg('x-i-1', 'hi'));
    await one.socket.replyEnd('x-i-1');
    await a.close();
    assert.equal((await one.socket.waitClosed()).code, 1001);
    a = await startTestServer({ redisUrl: redis.url, port: a.port });
    const two = await joinSession(a.url, { session: 'x-i', token: one.welcome.resume_token, last: one.socket.lastSeq });
    assert.equal(two.welcome.resumed, true);
    assert.deepEqual(two.welcome.acked, ['x-i-1']);
    assert.equal(two.welcome.event_seq, one.socket.lastSeq);
    two.socket.send(msg('x-i-1', 'hi'));
    await two.socket.waitFor((f) => f.type === 'ack');
    const retried = await postChat(a.url, { key: 'x-i-1', conversation: 'x-i', text: 'hi' });
    assert.equal(retried.headers['idempotent-replayed'], 'replayed');
    assert.equal((await stats(a.url)).agent_runs['x-i-1'], undefined, 'the restarted instance ran nothing');
  } finally {
    closeAllSockets();
    await a.close();
    await redis.stop();
  }
});

test('Redis restarted empty: live sockets close with 1012 and the next hello starts fresh, nothing replayed', async () => {
  const c = await cluster({ n: 1 });
  try {
    const [a] = c.servers;
    const one = await joinSession(a.url, { session: 'x-e' });
    one.socket.send(msg('x-e-1', 'hi'));
    await one.socket.replyEnd('x-e-1');
    await c.redis.restartEmpty();
    assert.deepEqual(await one.socket.waitClosed(), { code: 1012, reason: 'store reset' });
    const two = await joinSessionAfterOutage(a.url, { session: 'x-e', token: one.welcome.resume_token, last: one.socket.lastSeq });
    assert.equal(two.welcome.resumed, false);
    assert.deepEqual(two.welcome.acked, []);
    assert.equal(two.welcome.event_seq, 0);
    await sleep(50);
    assert.deepEqual(two.socket.events(), [], 'no frame from before the loss');
  } finally {
    await c.stop();
  }
});

test('an instance killed mid-reply: another takes the run over after the lease; one complete reply', async () => {
  const { a, b, stop } = await killableAndSurvivor();
  try {
    const text = 'do you have PS5 games?';
    const reference = replyOf(parseEvents((await postChat(b.url, { key: 'ref', conversation: 'ref', text })).body));
    const one = await joinSession(a.url, { session: 'x-k', tab: 't' });
    one.socket.send(msg('x-k-1', text));
    await one.socket.waitFor((f) => f.type === 'event' && f.event === 'delta' && f.seq >= 4);
    await a.kill(); // SIGKILL: no close frame, nothing saved on the way out
    await one.socket.waitClosed();
    const last = one.socket.lastSeq;
    const two = await joinSession(b.url, { session: 'x-k', token: one.welcome.resume_token, last, tab: 't' });
    assert.equal(two.welcome.resumed, true);
    await two.socket.replyEnd('x-k-1', 10_000);
    const all = [...one.socket.events(), ...two.socket.events()];
    assertContiguous(all);
    assert.deepEqual(replyOf(all), reference, 'one complete reply: no duplicate, nothing missing');
    // A died holding the run: B took it over after the lease (fence 2) and
    // continued after the events A had written.
    assert.equal((await stats(b.url)).agent_runs['x-k-1'], 1);
  } finally {
    await stop();
  }
});

test('an instance dies mid-reply after a person took the conversation: the reader on the other instance does not run the AI again', async () => {
  const { a, b, stop } = await killableAndSurvivor();
  try {
    const text = 'do you have PS5 games?';
    const one = await joinSession(a.url, { session: 'x-p', tab: 't' });
    one.socket.send(msg('x-p-1', text));
    await one.socket.waitFor((f) => f.type === 'event' && f.event === 'delta' && f.seq >= 3);
    let reading;
    const bReads = new Promise((resolve) => { reading = resolve; });
    const joined = postChat(b.url, { key: 'x-p-1', conversation: 'x-p', text, onData: reading }); // B reads A's run
    await bReads; // B joined (its first events are out), so it is B's reader that finds A gone
    await a.kill(); // mid-reply: the run stays in progress until its lease runs out
    const take = await fetch(new URL('/staff/conversations/x-p/take', b.url), {
      method: 'POST', headers: { Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' }, body: '{"name":"Ana"}',
    });
    assert.equal(take.status, 200, 'taken while the orphaned run is still leased');
    const read = await joined;
    assert.equal(read.headers['idempotent-replayed'], 'joined');
    assert.equal(replyOf(parseEvents(read.body)).dones, 0, 'the reply was not finished by the AI');
    assert.equal(await runsOf([b.url], 'x-p-1'), 0, 'B did not take the run over: a person has the conversation');
  } finally {
    await stop();
  }
});

test('HTTP: the instance streaming a reply is killed; the retry on the other gets the whole reply, run once', async () => {
  const { a, b, stop } = await killableAndSurvivor();
  try {
    const text = 'do you have PS5 games?';
    const reference = parseEvents((await postChat(b.url, { key: 'ref-h', conversation: 'ref-h', text })).body);
    let streaming;
    const someOut = new Promise((resolve) => { streaming = resolve; });
    const cut = postChat(a.url, { key: 'x-h-1', conversation: 'x-h', text, onData: (soFar) => { if (/event: delta/.test(soFar)) streaming(); } });
    await someOut; // A claimed the run and its reply is under way
    await a.kill();
    const partial = await cut;
    assert.equal(partial.reset, true, 'the first response was cut');
    const retried = await postChat(b.url, { key: 'x-h-1', conversation: 'x-h', text });
    assert.equal(retried.status, 200);
    assert.equal(retried.headers['idempotent-replayed'], 'joined');
    assert.deepEqual(replyOf(parseEvents(retried.body)), replyOf(reference));
    assert.equal((await stats(b.url)).agent_runs['x-h-1'], 1, 'B took the run over once, after the lease');
  } finally {
    await stop();
  }
});

test('Redis unreachable: HTTP answers 503 with Retry-After, a hello is closed 1013; both work again after', async () => {
  const c = await cluster({ n: 1 });
  try {
    const [a] = c.servers;
    await c.redis.stop();
    const refused = await postChat(a.url, { key: 'x-u-1' });
    assert.equal(refused.status, 503);
    assert.equal(JSON.parse(refused.body).error.code, 'store_unavailable');
    assert.equal(refused.headers['retry-after'], '2');
    const socket = await connect(a.url);
    socket.send(helloFrame({ session: 'x-u' }));
    assert.deepEqual(await socket.waitClosed(), { code: 1013, reason: 'try again later: store' });
    await c.redis.restartEmpty(); // back (empty): served again once the client reconnects
    let answer = null;
    for (let i = 0; i < 50 && answer?.status !== 200; i += 1) {
      answer = await postChat(a.url, { key: 'x-u-1' });
      if (answer.status !== 200) await sleep(100);
    }
    assert.equal(answer.status, 200);
  } finally {
    await c.stop();
  }
});
