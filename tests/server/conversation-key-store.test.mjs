// A conversation's key binding lives as long as the conversation
// (store/memory-ownership.mjs, store/redis-store.mjs), on both stores: past
// maxRuns bindings the memory store forgets only keys whose conversation is
// gone, never a live one (a flood of new conversations cannot unbind a
// shopper's key, which would lock the shopper out); on Redis the key's TTL
// follows the transcript's, so a live session's turns keep it.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RedisStore } from '../../tools/gateway/store/redis-store.mjs';
import { createClient } from 'redis';
import { startRedis } from './redis-helpers.mjs';

describe('conversation key bindings (memory store)', () => {
  test('past maxRuns bindings, a live conversation keeps its key; gone ones are forgotten', async () => {
    const store = await new MemoryStore({ limits: { maxRuns: 3, maxSessions: 50 } }).start();
    await store.addTranscriptTurn('live', 'hello', 'hi there');
    assert.equal(await store.bindConversationKey('live', 'hash-live'), 'bound');
    for (let i = 0; i < 10; i += 1) await store.bindConversationKey(`flood-${i}`, `hash-${i}`); // no transcript: gone
    assert.equal(await store.conversationKey('live'), 'hash-live', 'the live conversation keeps its key');
    assert.equal(await store.conversationKey('flood-0'), null, 'an old binding of a conversation that is gone goes');
    assert.equal(await store.conversationKey('flood-9'), 'hash-9', 'the newest binding stays');
  });
});

describe('conversation key bindings (redis store)', () => {
  let redis;
  let store;
  let client;
  after(async () => { await client?.quit(); await store?.close(); await redis?.stop(); });

  test("the key's TTL follows the conversation's transcript", async () => {
    redis = await startRedis();
    store = await new RedisStore({ url: redis.url, limits: { runTtlMs: 600_000 } }).start();
    assert.equal(await store.bindConversationKey('c1', 'hash-c1'), 'bound');
    client = createClient({ url: redis.url });
    await client.connect();
    await client.pExpire('nt:{c1}:ckey', 1000); // as if bound long ago, the conversation going on live
    await store.addTranscriptTurn('c1', 'hello', 'hi there');
    assert.ok(await client.pTTL('nt:{c1}:ckey') > 500_000, 'a turn renews the key with the transcript');
    assert.equal(await store.conversationKey('c1'), 'hash-c1');
  });
});
