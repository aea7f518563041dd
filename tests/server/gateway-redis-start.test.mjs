// Redis out of reach: at the start the gateway gives up after
// NATTER_REDIS_START_TIMEOUT_MS with one line naming the setting and the
// address (never the password) and a non-zero exit; a running gateway that
// loses Redis for longer than that keeps retrying and serves again once it
// is back.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort, startRedis } from '../../tools/redis/redis-server.mjs';
import { eventually, makeSiteFixture, postChat, startTestServer } from './helpers.mjs';

const mainPath = fileURLToPath(new URL('../../tools/gateway/main.mjs', import.meta.url));
const PASSWORD = 'hunter2-not-logged';

// The runner's environment without NATTER_ settings of its own.
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NATTER_') && name !== 'PORT'));
}

// Runs `npm run gateway` (main.mjs --gateway) until it exits; a gateway still
// running after `killAfterMs` is killed and reported as such.
async function runGateway(env, killAfterMs) {
  const child = spawn(process.execPath, [mainPath, '--gateway'], { env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => { stdout += c; });
  child.stderr.setEncoding('utf8').on('data', (c) => { stderr += c; });
  const started = Date.now();
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(timer);
  return { code, signal, stdout, stderr, ms: Date.now() - started };
}

test('a Redis URL on a closed port: the gateway gives up after NATTER_REDIS_START_TIMEOUT_MS with one line and exit 1', async () => {
  const port = await freePort(); // nothing listens there
  const { distDir } = makeSiteFixture();
  const result = await runGateway({
    PORT: '0', NATTER_STORE: 'redis', NATTER_REDIS_URL: `redis://natter:${PASSWORD}@127.0.0.1:${port}`,
    NATTER_REDIS_START_TIMEOUT_MS: '1500', NATTER_AGENT: 'webhook', NATTER_WEBHOOK_URL: 'http://127.0.0.1:9/natter',
    NATTER_WEBHOOK_SECRET: 'whsec_gateway_0123456789abcdef', NATTER_ALLOWED_ORIGINS: 'https://shop.example',
    NATTER_VOICE_STT: 'off', NATTER_RECORD: 'off', NATTER_DIST_DIR: distDir,
  }, 20_000);
  assert.equal(result.signal, null, `still running after 20 s (stderr: ${result.stderr})`);
  assert.equal(result.code, 1);
  assert.ok(result.ms >= 1500, `gave up after ${result.ms} ms, before the setting's 1500`);
  assert.deepEqual(result.stderr.trim().split('\n'), [
    `natter: could not start: Redis did not answer at 127.0.0.1:${port} within 1.5 s (NATTER_REDIS_START_TIMEOUT_MS=1500): not started`,
  ]);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(PASSWORD));
  // While it waited: one line about the first failure, not one per retry.
  assert.equal(result.stdout.split('\n').filter((line) => line.includes('[store] redis:')).length, 1, result.stdout);
});

test('sentinels that accept the connection and never answer: the start gives up naming them', async () => {
  const sockets = new Set();
  const silent = net.createServer((socket) => { // reads, never replies
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  // node-redis's sentinel client, destroyed before it connected, leaves its
  // socket open (in production the process exits): cut it from this side.
  after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => silent.close(resolve));
  });
  const { port } = silent.address();
  const started = Date.now();
  await assert.rejects(
    startTestServer({ redisSentinel: { name: 'natter', nodes: [{ host: '127.0.0.1', port }] }, redisStartTimeoutMs: 800 }),
    (error) => {
      assert.equal(error.message,
        `Redis did not answer at the sentinels 127.0.0.1:${port} (primary "natter") within 0.8 s (NATTER_REDIS_START_TIMEOUT_MS=800): not started`);
      return true;
    });
  assert.ok(Date.now() - started < 10_000);
});

test('Redis lost while the gateway runs, for longer than the start timeout: it keeps retrying and answers once Redis is back', async () => {
  const redis = await startRedis();
  const gateway = await startTestServer({ redisUrl: redis.url, redisStartTimeoutMs: 300 });
  try {
    assert.equal((await postChat(gateway.url, { key: 'before', text: 'hello' })).status, 200);
    await redis.restartEmpty({ downMs: 1500 }); // five times the start's bound
    // Asked as a widget retries (not every 10 ms, which the rate limit refuses).
    const statuses = [];
    await eventually(async () => {
      const { status } = await postChat(gateway.url, { key: `after-${statuses.length}`, text: 'hello' });
      statuses.push(status);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      return status === 200;
    }, 10_000, 'an answer once Redis is back');
    assert.ok(statuses.slice(0, -1).every((status) => status === 503), `${statuses}`);
  } finally {
    await gateway.close();
    await redis.stop();
  }
});
