// `node tools/gateway/main.mjs` (npm start): prints one line with the URL,
// serves, and stops on Ctrl-C (SIGINT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { request } from './helpers.mjs';
import { closeAllSockets, connect } from './session-helpers.mjs';

const mainPath = fileURLToPath(new URL('../../tools/gateway/main.mjs', import.meta.url));

test('the CLI prints its URL, serves chat and test controls, and exits on SIGINT', async () => {
  const child = spawn(process.execPath, [mainPath], {
    env: { ...process.env, PORT: '0', NATTER_TEST_CONTROLS: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => { out += c; });
    while (!out.includes('\n')) await once(child.stdout, 'data');
    const match = out.match(/^Natter demo storefront: (http:\/\/127\.0\.0\.1:(\d+)\/)\n/);
    assert.ok(match, out);
    const url = match[1];
    assert.equal((await request(url, { path: '/__natter/stats' })).status, 200);
    assert.equal((await request(url, { path: '/' })).status, 200);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    assert.equal(lines[0], `Natter demo storefront: ${url}`);
    assert.ok(lines.slice(1).every((l) => l.startsWith('[server] ')), out);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

// Starts main.mjs with `env`, resolves {url, stop()}.
async function startCli(env) {
  const child = spawn(process.execPath, [mainPath], {
    env: { ...process.env, PORT: '0', NATTER_DEMO: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c) => { out += c; });
  while (!out.includes('\n')) await once(child.stdout, 'data');
  const url = out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/)[1];
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGINT');
      await once(child, 'exit');
    },
  };
}

test('with NATTER_TOKEN_SECRET the demo token endpoint exists only with NATTER_DEMO=1 (npm start sets it)', async () => {
  const secret = 'a-real-shop-secret-0123456789';
  const deployed = await startCli({ NATTER_TOKEN_SECRET: secret });
  try {
    assert.equal((await request(deployed.url, { path: '/shop/natter-token' })).status, 404);
  } finally { await deployed.stop(); }
  const demo = await startCli({ NATTER_TOKEN_SECRET: secret, NATTER_DEMO: '1' });
  try {
    const res = await request(demo.url, { path: '/shop/natter-token' });
    assert.equal(res.status, 200);
    assert.ok(JSON.parse(res.body).token);
  } finally { await demo.stop(); }
});

test('NATTER_MAX_SOCKETS_PER_ADDRESS sets the live session\'s sockets per address; a bad value stops the start', async () => {
  const cli = await startCli({ NATTER_MAX_SOCKETS_PER_ADDRESS: '1' });
  try {
    await connect(cli.url);
    const second = await connect(cli.url);
    assert.deepEqual(await second.waitClosed(), { code: 1013, reason: 'try again later: address' });
  } finally {
    closeAllSockets();
    await cli.stop();
  }
  const bad = spawn(process.execPath, [mainPath], {
    env: { ...process.env, PORT: '0', NATTER_MAX_SOCKETS_PER_ADDRESS: 'lots' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  bad.stderr.setEncoding('utf8');
  bad.stderr.on('data', (c) => { err += c; });
  const [code] = await once(bad, 'exit');
  assert.equal(code, 2);
  assert.match(err, /NATTER_MAX_SOCKETS_PER_ADDRESS: must be a whole number >= 1, not "lots"/);
});
