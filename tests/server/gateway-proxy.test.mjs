// Two gateway instances on one Redis behind HAProxy (round robin, no
// stickiness; tools/proxy/haproxy.cfg.tmpl), with clients speaking the
// protocol (ws, HTTP): every promise holds wherever a request lands.
// Each test starts its own redis-server, gateways (child processes, so one
// can be SIGKILLed) and proxy, and stops them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { parseEvents, postChat, stats } from './helpers.mjs';
import { closeAllSockets, joinSession, joinSessionAfterOutage, msg, sleep } from './session-helpers.mjs';
import { startGatewayProcess, startRedis } from './redis-helpers.mjs';
import { HAPROXY, startProxy } from '../../tools/proxy/proxies.mjs';

const skip = existsSync(HAPROXY) ? false : `${HAPROXY} is not installed`;
after(() => closeAllSockets());

async function stack(options = {}) {
  const redis = await startRedis();
  const gateways = [];
  for (const name of ['gw-a', 'gw-b']) {
    gateways.push(await startGatewayProcess({ redisUrl: redis.url, instance: name, ...options }));
  }
  const proxy = await startProxy('haproxy', { upstreamPorts: gateways.map((g) => g.port) });
  return {
    redis, gateways, proxy,
    // The instance holding `session`'s socket now (by each instance's own stats).
    async holder(session) {
      for (const g of gateways) {
        if (g.child.exitCode === null && g.child.signalCode === null && (await stats(g.url)).ws_connections_open[session]) return g;
      }
      return null;
    },
    async runs(key) {
      let total = 0;
      for (const g of gateways) {
        if (g.child.exitCode === null && g.child.signalCode === null) total += (await stats(g.url)).agent_runs[key] ?? 0;
      }
      return total;
    },
    async stop() {
      closeAllSockets();
      await proxy.stop();
      for (const g of gateways) await g.kill();
      await redis.stop();
    },
  };
}

const replyText = (events) => events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');

test('a message retried through the proxy lands on the other instance and runs the agent once', { skip }, async () => {
  const s = await stack();
  try {
    const first = await postChat(s.proxy.url, { key: 'p-1', text: 'do you have PS5 games?' });
    const again = await postChat(s.proxy.url, { key: 'p-1', text: 'do you have PS5 games?' });
    assert.equal(again.headers['idempotent-replayed'], 'replayed');
    assert.deepEqual(parseEvents(again.body), parseEvents(first.body));
    const served = await Promise.all(s.gateways.map(async (g) => (await stats(g.url)).requests['p-1'] ?? 0));
    assert.deepEqual(served, [1, 1], 'round robin: one request on each instance');
    assert.equal(await s.runs('p-1'), 1);
  } finally {
    await s.stop();
  }
});

test('the instance streaming a reply is SIGKILLed: the session resumes on the other, one complete reply', { skip }, async () => {
  const s = await stack({ tokenDelayMs: 30, leaseMs: 400 });
  try {
    const text = 'do you have PS5 games?';
    const expected = replyText(parseEvents((await postChat(s.proxy.url, { key: 'ref', conversation: 'ref', text })).body));
    const one = await joinSession(s.proxy.url, { session: 'p-k', tab: 't' });
    one.socket.send(msg('p-k-1', text));
    await one.socket.waitFor((f) => f.type === 'event' && f.event === 'delta' && f.seq >= 4);
    const victim = await s.holder('p-k');
    await victim.kill();
    await one.socket.waitClosed();
    let two = null;
    for (let i = 0; i < 20 && !two; i += 1) { // the proxy may still try the dead one once: back off, as the client does
      try {
        two = await joinSession(s.proxy.url, { session: 'p-k', token: one.welcome.resume_token, last: one.socket.lastSeq, tab: 't' });
      } catch { await sleep(100); }
    }
    assert.equal(two.welcome.resumed, true);
    await two.socket.replyEnd('p-k-1', 10_000);
    const all = [...one.socket.events(), ...two.socket.events()];
    assert.deepEqual(all.map((f) => f.seq), all.map((_, i) => i + 1), 'no gap, no duplicate');
    assert.equal(all.filter((f) => f.event === 'start').length, 1);
    assert.equal(all.filter((f) => f.event === 'done').length, 1);
    assert.equal(replyText(all), expected, 'nothing missing, nothing twice');
    assert.equal(await s.runs('p-k-1'), 1, 'the survivor took the run over once (fenced), after the lease');
  } finally {
    await s.stop();
  }
});

test('every instance restarted while the shopper is idle: resumed, nothing acked runs again', { skip }, async () => {
  const s = await stack();
  try {
    const one = await joinSession(s.proxy.url, { session: 'p-i' });
    one.socket.send(msg('p-i-1', 'hi'));
    await one.socket.replyEnd('p-i-1');
    for (const [i, g] of s.gateways.entries()) {
      await g.stop();
      s.gateways[i] = await startGatewayProcess({ redisUrl: s.redis.url, port: g.port, instance: `gw-${i}-new` });
    }
    await one.socket.waitClosed();
    const two = await joinSession(s.proxy.url, { session: 'p-i', token: one.welcome.resume_token, last: one.socket.lastSeq });
    assert.equal(two.welcome.resumed, true);
    assert.deepEqual(two.welcome.acked, ['p-i-1']);
    two.socket.send(msg('p-i-1', 'hi'));
    await two.socket.waitFor((f) => f.type === 'ack');
    await sleep(100);
    assert.deepEqual(two.socket.events(), [], 'nothing replayed or re-run');
    assert.equal(await s.runs('p-i-1'), 0, 'the new instances ran nothing');
  } finally {
    await s.stop();
  }
});

test('Redis restarted empty: the client is told (1012) and starts fresh, nothing replayed', { skip }, async () => {
  const s = await stack();
  try {
    const one = await joinSession(s.proxy.url, { session: 'p-e' });
    one.socket.send(msg('p-e-1', 'hi'));
    await one.socket.replyEnd('p-e-1');
    await s.redis.restartEmpty();
    assert.deepEqual(await one.socket.waitClosed(), { code: 1012, reason: 'store reset' });
    const two = await joinSessionAfterOutage(s.proxy.url, { session: 'p-e', token: one.welcome.resume_token, last: one.socket.lastSeq });
    assert.equal(two.welcome.resumed, false);
    assert.equal(two.welcome.event_seq, 0);
    await sleep(100);
    assert.deepEqual(two.socket.events(), []);
  } finally {
    await s.stop();
  }
});

test('two tabs of one conversation on different instances: the newest wins, once', { skip }, async () => {
  const s = await stack();
  try {
    const tab1 = await joinSession(s.proxy.url, { session: 'p-t', tab: 'tab-1' });
    const first = await s.holder('p-t');
    const tab2 = await joinSession(s.proxy.url, { session: 'p-t', token: tab1.welcome.resume_token, tab: 'tab-2' });
    assert.equal(tab2.welcome.replaced, true);
    assert.deepEqual(await tab1.socket.waitClosed(), { code: 4000, reason: 'replaced:tab' });
    const second = await s.holder('p-t');
    assert.notEqual(second.url, first.url, 'round robin put the tabs on different instances');
    const replacements = await Promise.all(s.gateways.map(async (g) => (await stats(g.url)).replacements));
    assert.deepEqual(replacements.sort(), [0, 1], 'one replacement, by the instance that held tab 1');
    tab2.socket.send(msg('p-t-1', 'hi'));
    assert.equal((await tab2.socket.replyEnd('p-t-1')).event, 'done');
    assert.equal(tab2.socket.ws.readyState, 1, 'the newest stays');
  } finally {
    await s.stop();
  }
});
