// The gateway on Redis Sentinel (NATTER_REDIS_SENTINELS): a real primary,
// replica and sentinel (tools/redis/redis-sentinel.mjs). When the primary
// dies, the sentinel promotes the replica and the gateway follows it:
// what was replicated is still there (an answered message is answered
// again from the record, the agent not run twice) and new messages are
// answered, over HTTP and on the live session. The same with passwords on
// the data nodes and on the sentinels (each its own setting), and a wrong
// one is one clear line at the start.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSentinelGroup } from '../../tools/redis/redis-sentinel.mjs';
import { parseEvents, postChat, request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, joinSession, msg } from './session-helpers.mjs';

after(() => closeAllSockets());

const replyText = (res) => parseEvents(res.body).filter((e) => e.event === 'delta').map((e) => e.data.text).join('');

async function eventually(what, fn, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) { last = error; }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} within ${timeoutMs} ms${last ? `: ${last.message}` : ''}`);
}

// The passwords as storeChoice hands them on (NATTER_REDIS_PASSWORD, NATTER_REDIS_SENTINEL_PASSWORD).
const DATA_PASSWORD = 'data-nodes-pass-1';
const SENTINEL_PASSWORD = 'sentinels-own-pass-2';
const withAuth = (sentinel, nodePassword, sentinelPassword) => ({
  ...sentinel,
  nodeAuth: nodePassword ? { password: nodePassword } : null,
  sentinelAuth: sentinelPassword ? { password: sentinelPassword } : null,
});

async function failOverAndAnswer({ auth }) {
  const group = await startSentinelGroup(auth ? { password: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD } : {});
  const sentinel = auth ? withAuth(group.sentinel, DATA_PASSWORD, SENTINEL_PASSWORD) : group.sentinel;
  const gateway = await startTestServer({ redisSentinel: sentinel, instance: 'gw-sentinel' });
  try {
    assert.equal(gateway.store, 'redis');
    const first = await postChat(gateway.url, { key: 'sentinel-1', text: 'hello' });
    assert.equal(first.status, 200);
    const answered = replyText(first);
    assert.ok(answered.length > 0);
    await group.synced();

    const { old, now } = await group.failOver();
    assert.notEqual(old, now);

    // Ready again once the gateway found the new primary.
    await eventually('/readyz 200 on the new primary', async () => (await request(gateway.url, { path: '/readyz' })).status === 200);
    const again = await eventually('the replay answered', async () => {
      const res = await postChat(gateway.url, { key: 'sentinel-1', text: 'hello' });
      return res.status === 200 ? res : null;
    });
    assert.equal(replyText(again), answered, 'the recorded answer, from the promoted replica');
    assert.equal((await stats(gateway.url)).agent_runs['sentinel-1'], 1, 'the agent ran once for the message');

    const fresh = await postChat(gateway.url, { key: 'sentinel-2', text: 'do you have headsets?' });
    assert.equal(fresh.status, 200);
    assert.ok(replyText(fresh).length > 0);

    const { socket } = await joinSession(gateway.url);
    socket.send(msg('sentinel-3', 'hello after the failover'));
    await socket.waitFor((f) => f.type === 'event' && f.event === 'done', 15_000);
  } finally {
    closeAllSockets();
    await gateway.close();
    await group.stop();
  }
}

test('a failover to the replica: the gateway follows the sentinel, keeps what was replicated, and answers new messages', () => failOverAndAnswer({ auth: false }));

test('with a password on the data nodes and another on the sentinels: the gateway starts, fails over and answers', () => failOverAndAnswer({ auth: true }));

test('a wrong or missing password: the start fails with one line naming the setting', async () => {
  const group = await startSentinelGroup({ password: DATA_PASSWORD, sentinelPassword: SENTINEL_PASSWORD });
  const startsWith = (nodePassword, sentinelPassword) => startTestServer({ redisSentinel: withAuth(group.sentinel, nodePassword, sentinelPassword) });
  try {
    for (const sentinelPassword of ['not-the-password', '']) {
      await assert.rejects(startsWith(DATA_PASSWORD, sentinelPassword), (error) => {
        assert.match(error.message, /^the Redis sentinels refused NATTER_REDIS_SENTINEL_PASSWORD .*: (WRONGPASS|NOAUTH)/);
        assert.doesNotMatch(error.message, /\n|not-the-password|sentinels-own|data-nodes/);
        return true;
      });
    }
    await assert.rejects(startsWith('not-the-password', SENTINEL_PASSWORD), (error) => {
      assert.match(error.message, /^the Redis primary refused NATTER_REDIS_PASSWORD .*: WRONGPASS/);
      assert.doesNotMatch(error.message, /\n|not-the-password|sentinels-own|data-nodes/);
      return true;
    });
  } finally {
    await group.stop();
  }
});
