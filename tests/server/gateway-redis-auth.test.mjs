// NATTER_REDIS_URL with a user and password: a real redis-server with a
// default-user password and an ACL user; the gateway answers through
// either, and a wrong password stops the start with one line that names
// the setting and never quotes the password.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis } from '../../tools/redis/redis-server.mjs';
import { parseEvents, postChat, startTestServer } from './helpers.mjs';

const redis = await startRedis({ args: ['--requirepass', 'default-pass-1', '--user', 'natter', 'on', '>acl-pass-2', '~*', '&*', '+@all'] });
after(() => redis.stop());
const url = (auth) => `redis://${auth}@127.0.0.1:${redis.port}`;
const replyText = (res) => parseEvents(res.body).filter((e) => e.event === 'delta').map((e) => e.data.text).join('');

for (const [who, auth] of [['the default user\'s password', ':default-pass-1'], ['an ACL user', 'natter:acl-pass-2']]) {
  test(`${who} in NATTER_REDIS_URL: the gateway starts on that Redis and answers`, async () => {
    const gateway = await startTestServer({ redisUrl: url(auth) });
    try {
      assert.equal(gateway.store, 'redis');
      const res = await postChat(gateway.url, { key: `auth-${auth.length}`, text: 'hello' });
      assert.equal(res.status, 200);
      assert.ok(replyText(res).length > 0);
    } finally {
      await gateway.close();
    }
  });
}

test('a wrong or missing password in NATTER_REDIS_URL: the start fails at once with one line', async () => {
  for (const auth of ['natter:not-the-pass', ':not-the-pass']) {
    await assert.rejects(startTestServer({ redisUrl: url(auth) }), (error) => {
      assert.match(error.message, /^Redis refused the user or password in NATTER_REDIS_URL: WRONGPASS/);
      assert.doesNotMatch(error.message, /\n|not-the-pass/);
      return true;
    });
  }
  await assert.rejects(startTestServer({ redisUrl: `redis://127.0.0.1:${redis.port}` }), /^Error: Redis refused the user or password in NATTER_REDIS_URL: NOAUTH/);
});
