// One connection of the Redis store (redis-store.mjs opens three), to a
// Redis at `url` or to the primary a set of Redis Sentinels names
// (`sentinel`: {name, nodes: [{host, port}]}, NATTER_REDIS_SENTINELS). Both
// are node-redis's own (createClient, createSentinel); the sentinel one
// finds the primary, follows a failover to the new one and subscribes
// again there. The store sees one shape: sendCommand(args) as a client has
// it (a sentinel's takes a read-only flag first; the store's scripts write).
import { createClient, createSentinel } from 'redis';

// Commands fail fast while Redis is unreachable (the caller answers 503 or
// closes 1011) instead of queueing without bound.
const CLIENT_OPTIONS = { disableOfflineQueue: true, socket: { reconnectStrategy: (n) => Math.min(50 * 2 ** n, 2000) } };

export function redisConnection({ url = '', sentinel = null }) {
  if (!sentinel) return createClient({ url, ...CLIENT_OPTIONS });
  const connection = createSentinel({
    name: sentinel.name,
    sentinelRootNodes: sentinel.nodes.map(({ host, port }) => ({ host, port })),
    nodeClientOptions: CLIENT_OPTIONS,
    sentinelClientOptions: { socket: CLIENT_OPTIONS.socket },
  });
  return new Proxy(connection, {
    get(target, name) {
      if (name === 'sendCommand') return (args, options) => target.sendCommand(false, args, options);
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
