// Picks the gateway's store (store/README.md): Redis when a URL is given
// (NATTER_REDIS_URL for `npm start`), else the in-memory one. Resolves a
// started store; a Redis that cannot be reached fails the start loudly.
import { MemoryStore } from './memory-store.mjs';
import { RedisStore } from './redis-store.mjs';

export async function openStore({ redisUrl = '', limits = {}, log = () => {} } = {}) {
  const store = redisUrl ? new RedisStore({ url: redisUrl, limits, log }) : new MemoryStore({ limits });
  await store.start();
  return store;
}
