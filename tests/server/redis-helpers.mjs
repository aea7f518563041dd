// Redis and gateway processes for the server tests: startRedis (tools/redis/
// redis-server.mjs), a gateway on either store (for the stories that run on
// both), and a gateway instance a test may SIGKILL.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startRedis, stopChild } from '../../tools/redis/redis-server.mjs';
import { startTestServer } from './helpers.mjs';

export { startRedis, freePort } from '../../tools/redis/redis-server.mjs';

// The stores a gateway can keep its state in: the stories that must hold on
// both run once per kind.
export const STORE_KINDS = ['memory', 'redis'];

// A gateway (helpers.mjs startTestServer with `options`) on a fresh store of
// `kind`: in memory, or on a redis-server of its own. Resolves { server,
// another(), close() }: another() starts one more instance on the same
// store (on memory it shares nothing with `server`); close() closes every
// instance, newest first, then stops the store.
export async function startGatewayOnStore(kind, options = {}) {
  const redis = kind === 'redis' ? await startRedis() : null;
  const storeOptions = redis ? { redisUrl: redis.url } : {};
  const servers = [];
  const another = async () => {
    const server = await startTestServer({ ...options, ...storeOptions });
    servers.push(server);
    return server;
  };
  const server = await another();
  return {
    server,
    another,
    async close() {
      for (const s of servers.reverse()) await s.close();
      await redis?.stop();
    },
  };
}

// A gateway instance in a child process (gateway-child.mjs) that a test may
// SIGKILL. Resolves { url, port, child, kill(), stop(), log() }.
export async function startGatewayProcess(options) {
  const { fileURLToPath } = await import('node:url');
  const script = fileURLToPath(new URL('./gateway-child.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { out += chunk; });
  child.stderr.on('data', (chunk) => { err += chunk; });
  while (!/listening (\S+)\n/.test(out)) {
    const [chunk] = await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [null])]);
    if (chunk === null) throw new Error(`gateway exited: ${err}`);
  }
  const url = out.match(/listening (\S+)\n/)[1];
  return {
    url, port: Number(new URL(url).port), child, log: () => err,
    kill: () => stopChild(child),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
