// One connection of the Redis store (redis-store.mjs opens three), to a
// Redis at `url` or to the primary a set of Redis Sentinels names
// (`sentinel`: {name, nodes: [{host, port}], nodeAuth?, sentinelAuth?}:
// NATTER_REDIS_SENTINELS, each auth {username?, password}). Both
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
    // Two passwords: the primary's and replicas' (requirepass / ACL user)
    // and the sentinels' own (their requirepass), often different.
    nodeClientOptions: { ...CLIENT_OPTIONS, ...sentinel.nodeAuth },
    sentinelClientOptions: { socket: CLIENT_OPTIONS.socket, ...sentinel.sentinelAuth },
  });
  return new Proxy(connection, {
    get(target, name) {
      if (name === 'sendCommand') return (args, options) => target.sendCommand(false, args, options);
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// A refused password ends the start at once with one line naming the
// setting to fix, instead of node-redis retrying for 15-20 s and then
// saying only "None of the sentinels are available". The sentinel client
// reports its sentinels' refusals as strings ("obseve client error: …").
const AUTH_REFUSED = /WRONGPASS|NOAUTH|invalid password|invalid username-password/i;

export function authRefusal(error, { sentinel }) {
  const text = String(error?.message ?? error);
  if (!AUTH_REFUSED.test(text)) return null;
  const reply = text.replace(/^.*?((WRONGPASS|NOAUTH|ERR)\b)/, '$1').split('\n')[0];
  if (!sentinel) return new Error(`Redis refused the user or password in NATTER_REDIS_URL: ${reply}`);
  const fromSentinel = /obseve client error|Sentinel Client/.test(text);
  return new Error(fromSentinel
    ? `the Redis sentinels refused NATTER_REDIS_SENTINEL_PASSWORD (or _SENTINEL_USERNAME): ${reply}`
    : `the Redis primary refused NATTER_REDIS_PASSWORD (or NATTER_REDIS_USERNAME): ${reply}`);
}

// connect(), settled early by the first refused password (then closed).
export function connectOrRefuse(connection, { sentinel }) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      const refused = authRefusal(error, { sentinel });
      if (!refused) return;
      connection.off('error', onError);
      Promise.resolve().then(() => connection.destroy?.()).catch(() => {});
      reject(refused);
    };
    connection.on('error', onError);
    connection.connect().then(() => { connection.off('error', onError); resolve(connection); }, (error) => {
      connection.off('error', onError);
      reject(authRefusal(error, { sentinel }) ?? error);
    });
  });
}

// Where the store connects, for an operator's line: the URL's host:port (never
// its user or password) or the sentinels' addresses and the primary's name.
export function redisAddress({ url = '', sentinel = null }) {
  if (sentinel) return `the sentinels ${sentinel.nodes.map(({ host, port }) => `${host}:${port}`).join(', ')} (primary "${sentinel.name}")`;
  try {
    const { hostname, port } = new URL(url);
    return `${hostname}:${port || 6379}`;
  } catch {
    return 'NATTER_REDIS_URL';
  }
}

// A start that cannot reach Redis gives up after `ms` instead of retrying
// forever; a running gateway that loses Redis later keeps retrying (the
// reconnect strategy above), which is what this bounds only the start of.
export function startDeadline(ms, where) {
  let timer;
  const expired = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(
      `Redis did not answer at ${where} within ${ms / 1000} s (NATTER_REDIS_START_TIMEOUT_MS=${ms}): not started`)), ms);
  });
  return { expired, clear: () => clearTimeout(timer) };
}
