// The "Gateway" bench: the reference gateway under many live sessions.
// Each gateway instance (gateway-instance.mjs) and the load generator
// (gateway-load.mjs, real protocol over ws) run in their own processes; a
// redis-server of its own (free loopback port, no persistence) when the
// store is Redis. For each configuration (memory, 1 instance; Redis, 1
// instance; Redis, 2 instances) and each session count:
//   - memory per session: the instances' RSS (after a full GC) and Redis's
//     used_memory, minus the same before the sessions opened, / sessions;
//   - idle CPU: the instances' user+system CPU over a window with only
//     heartbeats (a ping per session every 15 s), per 1,000 sessions per
//     minute;
//   - then `rate` messages per second across the sessions: ack and first-token
//     latency p50/p99, from the load generator's clock (the agent waits
//     tokenDelayMs = 20 ms before each token, as `npm start` does).
// Then, on two instances: one is SIGKILLed and its sessions reconnect (after
// a random 0..1.2 s, as the widget's first attempt) to the other; the figure
// is the time until 99 % of them are live again.
// Everything shares the machine's cores: the load generator's own CPU
// bounds the latency figures (stated in the report).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureAlone } from './doc-section.mjs';
import { createClient } from 'redis';
import { startRedis } from '../redis/redis-server.mjs';
import { percentile } from './stats.mjs';
import { GATEWAY_HEADING, renderGatewaySection } from './gateway-report.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const CLK_TCK = 100;

function request(child, message, reply) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => { if (m && reply in m) { cleanup(); resolve(m); } };
    const onExit = (code) => { cleanup(); reject(new Error(`child exited ${code} waiting for ${reply}`)); };
    const cleanup = () => { child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message) child.send(message);
  });
}

export async function startInstance(options) {
  // Every simulated shopper connects from loopback: no per-address socket cap.
  const child = fork(here('./gateway-instance.mjs'), [JSON.stringify({ bounds: { maxSocketsPerAddress: 1e6 }, ...options })], {
    execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const { ready } = await request(child, null, 'ready');
  return {
    child, url: ready,
    cpuMs() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
    },
    async rss() { return (await request(child, { cmd: 'mem' }, 'mem')).mem.rss; },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ cmd: 'stop' });
      await exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function startLoad() {
  const child = fork(here('./gateway-load.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await request(child, null, 'ready');
  return {
    child,
    run: (cmd, args = {}) => request(child, { cmd, ...args }, 'done'),
    async stop() { child.kill('SIGKILL'); await once(child, 'exit'); },
  };
}

async function redisUsedMemory(url) {
  const client = createClient({ url });
  await client.connect();
  const info = await client.info('memory');
  await (client.close ? client.close() : client.quit());
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const latency = (values) => ({ n: values.length, p50: percentile(values, 50), p99: percentile(values, 99) });

// One configuration at one session count.
async function measureOne({ store, instances: count, sessions, idleSeconds, rate, messageSeconds, log }) {
  const redis = store === 'redis' ? await startRedis() : null;
  const instances = [];
  const load = await startLoad();
  try {
    for (let i = 0; i < count; i += 1) {
      instances.push(await startInstance({ redisUrl: redis?.url ?? '', tokenDelayMs: 20, instance: `bench-${i}` }));
    }
    const rssBefore = await Promise.all(instances.map((g) => g.rss()));
    const redisBefore = redis ? await redisUsedMemory(redis.url) : 0;
    const opened = await load.run('open', { urls: instances.map((g) => g.url), n: sessions, prefix: `${store}${count}` });
    await sleep(500);
    const rssAfter = await Promise.all(instances.map((g) => g.rss()));
    const redisAfter = redis ? await redisUsedMemory(redis.url) : 0;
    const gatewayBytes = rssAfter.reduce((a, b) => a + b, 0) - rssBefore.reduce((a, b) => a + b, 0);
    const cpuBefore = instances.map((g) => g.cpuMs());
    await sleep(idleSeconds * 1000);
    const cpuIdle = instances.reduce((sum, g, i) => sum + g.cpuMs() - cpuBefore[i], 0);
    const sent = await load.run('messages', { rate, seconds: messageSeconds });
    const result = {
      store, instances: count, sessions, live: opened.live, openMs: opened.ms,
      gatewayBytesPerSession: gatewayBytes / sessions,
      redisBytesPerSession: redis ? (redisAfter - redisBefore) / sessions : null,
      idleCpuMsPer1kPerMin: cpuIdle / (idleSeconds / 60) / (sessions / 1000),
      messages: { sent: sent.sent, rate, ack: latency(sent.acks), first: latency(sent.firsts) },
    };
    log(`[bench] gateway ${store} x${count}, ${sessions} sessions: ${(result.gatewayBytesPerSession / 1024).toFixed(1)} KiB/session, idle ${result.idleCpuMsPer1kPerMin.toFixed(0)} ms CPU per 1k per min, ack p50 ${result.messages.ack.p50?.toFixed(1)} ms`);
    await load.run('close');
    return result;
  } finally {
    await load.stop();
    for (const g of instances) await g.kill();
    await redis?.stop();
  }
}

// Two instances on Redis; one is killed; how long until 99 % of its
// sessions are live on the other.
async function measureFailover({ sessions, log }) {
  const redis = await startRedis();
  const instances = [];
  const load = await startLoad();
  try {
    for (let i = 0; i < 2; i += 1) instances.push(await startInstance({ redisUrl: redis.url, tokenDelayMs: 20, instance: `fo-${i}` }));
    await load.run('open', { urls: instances.map((g) => g.url), n: sessions, prefix: 'fo' });
    const [victim, survivor] = instances;
    await load.run('reconnect', { urls: [survivor.url] });
    const killedAt = performance.now();
    await victim.kill();
    let ms = null;
    let state = null;
    while (performance.now() - killedAt < 60_000) {
      state = await load.run('live', { ofUrl: victim.url });
      if (state.live >= Math.ceil(state.total * 0.99)) { ms = performance.now() - killedAt; break; }
      await sleep(20);
    }
    log(`[bench] gateway failover: ${state.total} sessions of the killed instance, 99 % live again after ${ms?.toFixed(0)} ms`);
    await load.run('close');
    return { sessions: state.total, ms };
  } finally {
    await load.stop();
    for (const g of instances) await g.kill();
    await redis.stop();
  }
}

export async function measureGateway({
  counts = [1000, 5000, 10_000], idleSeconds = 30, rate = 200, messageSeconds = 10, failoverSessions = 2000,
  log = console.log,
} = {}) {
  const configs = [{ store: 'memory', instances: 1 }, { store: 'redis', instances: 1 }, { store: 'redis', instances: 2 }];
  const rows = [];
  for (const config of configs) {
    for (const sessions of counts) {
      rows.push(await measureOne({ ...config, sessions, idleSeconds, rate, messageSeconds, log }));
    }
  }
  const failover = await measureFailover({ sessions: failoverSessions, log });
  return { rows, failover, idleSeconds, rate, messageSeconds };
}

// Alone (`node tools/bench/gateway.mjs`): measure, then replace the Gateway
// section of docs/benchmarks.md (from its heading to the next "## " heading
// or the end). NATTER_BENCH_GATEWAY_COUNTS=1000,5000,10000,
// NATTER_BENCH_GATEWAY_IDLE_S=30, NATTER_BENCH_GATEWAY_MSG_S=10.
function main() {
  const counts = (process.env.NATTER_BENCH_GATEWAY_COUNTS ?? '1000,5000,10000').split(',').map(Number);
  const idleSeconds = Number(process.env.NATTER_BENCH_GATEWAY_IDLE_S ?? 30);
  const messageSeconds = Number(process.env.NATTER_BENCH_GATEWAY_MSG_S ?? 10);
  return measureAlone('gateway.mjs', GATEWAY_HEADING,
    () => measureGateway({ counts, idleSeconds, messageSeconds, failoverSessions: Math.min(2000, counts.at(-1)) }),
    renderGatewaySection);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
