// A server restart on the same port: live sessions are closed with 1001
// (going away) and the port is free again at once. What the new server knows
// depends on the store (tools/gateway/store/README.md): in memory (the
// default) a restart forgets everything, so the session starts fresh
// (resumed: false) and a re-sent message runs the agent again; on Redis
// (NATTER_REDIS_URL) the session resumes and the re-sent message does not run
// the agent again. In-process and as the CLI process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { postChat, startTestServer, stats } from './helpers.mjs';
import { startRedis } from './redis-helpers.mjs';
import { closeAllSockets, joinSession, msg } from './session-helpers.mjs';

const mainPath = fileURLToPath(new URL('../../tools/gateway/main.mjs', import.meta.url));
after(() => closeAllSockets());

test('in memory: close() ends live sessions with 1001; the new server forgot them and runs the agent again', async () => {
  const first = await startTestServer();
  const { port } = first;
  const { socket, welcome } = await joinSession(first.url, { session: 'rs-1' });
  socket.send(msg('rs-1-m', 'hi'));
  await socket.replyEnd('rs-1-m');
  const started = Date.now();
  await first.close();
  assert.ok(Date.now() - started < 1000, `close took ${Date.now() - started}ms`);
  assert.deepEqual(await socket.waitClosed(), { code: 1001, reason: 'going away' });

  const second = await startTestServer({ port });
  try {
    assert.equal(second.port, port);
    const again = await joinSession(second.url, { session: 'rs-1', token: welcome.resume_token, last: socket.lastSeq });
    assert.equal(again.welcome.resumed, false);
    assert.equal(again.welcome.event_seq, 0);
    again.socket.send(msg('rs-1-m', 'hi'));
    await again.socket.replyEnd('rs-1-m');
    assert.equal(again.socket.events()[0].seq, 1);
    assert.equal((await stats(second.url)).agent_runs['rs-1-m'], 1, 'memory forgot the reply: the agent ran again');
  } finally {
    closeAllSockets();
    await second.close();
  }
});

test('close() does not wait for a client that never answers the close handshake', { timeout: 10_000 }, async () => {
  const server = await startTestServer();
  const { socket } = await joinSession(server.url, { session: 'rs-deaf' });
  socket.ws._socket.pause(); // reads nothing: the close frame is never answered
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 1500, `close took ${Date.now() - started}ms`);
  socket.ws._socket.resume();
  await socket.waitClosed();
});

async function startCli(port, env = {}) {
  const child = spawn(process.execPath, [mainPath], {
    env: { ...process.env, PORT: String(port), NATTER_TEST_CONTROLS: '1', ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c) => { out += c; });
  while (!out.includes('\n')) {
    const [chunk] = await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [null])]);
    if (chunk === null) throw new Error(`CLI exited: ${out}`);
  }
  const match = out.match(/(http:\/\/127\.0\.0\.1:(\d+)\/)/);
  return { child, url: match[1], port: Number(match[2]) };
}

test('the CLI process restarted on a fixed port: 1001 to clients, then a fresh session', async () => {
  const first = await startCli(0);
  let second = null;
  try {
    const { socket, welcome } = await joinSession(first.url, { session: 'rs-cli' });
    first.child.kill('SIGTERM');
    assert.equal((await socket.waitClosed()).code, 1001);
    assert.equal((await once(first.child, 'exit', { signal: AbortSignal.timeout(5000) }))[0], 0);
    second = await startCli(first.port);
    const again = await joinSession(second.url, { session: 'rs-cli', token: welcome.resume_token });
    assert.equal(again.welcome.resumed, false);
  } finally {
    for (const cli of [first, second]) if (cli && cli.child.exitCode === null) cli.child.kill('SIGKILL');
    closeAllSockets();
  }
});

test('on Redis, the CLI restarted: the session resumes and a re-sent message does not run the agent again', async () => {
  const redis = await startRedis();
  const env = { NATTER_REDIS_URL: redis.url };
  const first = await startCli(0, env);
  let second = null;
  try {
    const { socket, welcome } = await joinSession(first.url, { session: 'rs-redis' });
    socket.send(msg('rs-redis-m', 'hi'));
    await socket.replyEnd('rs-redis-m');
    assert.equal((await stats(first.url)).agent_runs['rs-redis-m'], 1);
    first.child.kill('SIGTERM');
    assert.equal((await socket.waitClosed()).code, 1001);
    assert.equal((await once(first.child, 'exit', { signal: AbortSignal.timeout(5000) }))[0], 0);
    second = await startCli(first.port, env);
    const again = await joinSession(second.url, { session: 'rs-redis', token: welcome.resume_token, last: socket.lastSeq });
    assert.equal(again.welcome.resumed, true);
    assert.deepEqual(again.welcome.acked, ['rs-redis-m']);
    again.socket.send(msg('rs-redis-m', 'hi'));
    await again.socket.waitFor((f) => f.type === 'ack');
    const retried = await postChat(second.url, { key: 'rs-redis-m', conversation: 'rs-redis', text: 'hi' });
    assert.equal(retried.headers['idempotent-replayed'], 'replayed');
    assert.equal((await stats(second.url)).agent_runs['rs-redis-m'], undefined, 'not run again');
  } finally {
    for (const cli of [first, second]) if (cli && cli.child.exitCode === null) cli.child.kill('SIGKILL');
    closeAllSockets();
    await redis.stop();
  }
});
