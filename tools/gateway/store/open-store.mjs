// Picks the gateway's store (store/README.md): Redis when a URL is given
// (NATTER_REDIS_URL for `npm start`) or sentinels that name its primary
// (NATTER_REDIS_SENTINELS: redisSentinel {name, nodes: [{host, port}]}),
// else the in-memory one. Resolves a started store; a Redis that cannot be
// reached within redisStartTimeoutMs (NATTER_REDIS_START_TIMEOUT_MS) fails
// the start loudly.
import { MemoryStore } from './memory-store.mjs';
import { RedisStore } from './redis-store.mjs';

export async function openStore({ redisUrl = '', redisSentinel = null, redisStartTimeoutMs, limits = {}, log = () => {} } = {}) {
  const store = redisUrl || redisSentinel
    ? new RedisStore({ url: redisUrl, sentinel: redisSentinel, startTimeoutMs: redisStartTimeoutMs, limits, log })
    : new MemoryStore({ limits });
  await store.start();
  return store;
}
