// `node tools/server/main.mjs` (npm start): prints one line with the URL,
// serves, and stops on Ctrl-C (SIGINT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { request } from './helpers.mjs';

const mainPath = fileURLToPath(new URL('../../tools/server/main.mjs', import.meta.url));

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
