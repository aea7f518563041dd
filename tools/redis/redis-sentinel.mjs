// A throwaway Redis Sentinel group for tests: a primary, one replica and one
// sentinel (quorum 1, a primary is down after 1 s), each a redis-server on
// a free loopback port, without persistence. Resolves once the sentinel
// knows the replica and the replica is in sync, so a failover can happen.
//
//   const group = await startSentinelGroup({password?, sentinelPassword?});
//   group.sentinel          {name, nodes: [{host, port}]}  (NATTER_REDIS_SENTINEL_NAME / _SENTINELS)
// password: the data nodes' requirepass (the replica and the sentinel use it
// too: masterauth, sentinel auth-pass); sentinelPassword: the sentinel's own
// requirepass. group.sentinel carries neither: a test passes them itself.
//   await group.synced()    the replica has every write the primary took
//   await group.failOver()  kills the primary; resolves with the new one's port
//   await group.stop()
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, stopChild } from './redis-server.mjs';

const cli = promisify(execFile);
const NAME = 'natter';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// REDISCLI_AUTH: the password never on a command line (ps would show it).
const redisCli = async (port, password, ...args) => (await cli('redis-cli', ['-p', String(port), ...args], { env: password ? { ...process.env, REDISCLI_AUTH: password } : process.env })).stdout;

async function until(what, check, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`the sentinel group: ${what} did not happen within ${timeoutMs} ms`);
}

function server(args) {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  return child;
}

export async function startSentinelGroup({ password = '', sentinelPassword = '' } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-sentinel-'));
  const [primaryPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  const data = (port) => ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, ...auth];
  const dataCli = (port, ...args) => redisCli(port, password, ...args);
  const sentinelCli = (...args) => redisCli(sentinelPort, sentinelPassword, ...args);
  const children = [server(data(primaryPort))];
  await until('the primary starting', async () => (await dataCli(primaryPort, 'ping')).includes('PONG'));
  children.push(server([...data(replicaPort), '--replicaof', '127.0.0.1', String(primaryPort)]));
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`,
    `sentinel monitor ${NAME} 127.0.0.1 ${primaryPort} 1`,
    `sentinel down-after-milliseconds ${NAME} 1000`,
    `sentinel failover-timeout ${NAME} 5000`,
    ...(password ? [`sentinel auth-pass ${NAME} ${password}`] : []),
    ...(sentinelPassword ? [`requirepass ${sentinelPassword}`] : []), '',
  ].join('\n'));
  children.push(server([conf, '--sentinel']));
  const primary = async () => (await sentinelCli('sentinel', 'get-master-addr-by-name', NAME)).split('\n')[1]?.trim();
  const group = {
    sentinel: { name: NAME, nodes: [{ host: '127.0.0.1', port: sentinelPort }] },
    primaryPort: () => primary().then(Number),
    async synced() {
      const port = await group.primaryPort();
      await until('the replica catching up', async () => Number(await dataCli(port, 'wait', '1', '1000')) >= 1);
    },
    async failOver() {
      const old = await group.primaryPort();
      await stopChild(children[0]);
      await until('the sentinel promoting the replica', async () => Number(await primary()) === replicaPort);
      await until('the new primary taking writes', async () => (await dataCli(replicaPort, 'info', 'replication')).includes('role:master'));
      return { old, now: replicaPort };
    },
    async stop() {
      await Promise.all(children.map(stopChild));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await until('the replica syncing', async () => (await dataCli(replicaPort, 'info', 'replication')).includes('master_link_status:up'));
    await until('the sentinel finding the replica', async () => (await sentinelCli('sentinel', 'replicas', NAME)).includes(String(replicaPort)));
  } catch (error) {
    await group.stop();
    throw error;
  }
  return group;
}
