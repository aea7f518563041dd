// `npm run gateway` (main.mjs --gateway): refuses each incomplete or wrong
// configuration with its one line on stderr and exit code 2 (never a stack
// trace, never a secret), and with a good one serves the shop's widget only:
// no demo page, no demo token endpoint, no test controls; CORS and the
// WebSocket upgrade only for the allowed shop origins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEvents, postChat, replyText, request } from './helpers.mjs';
import { attempt, closeAllSockets } from './session-helpers.mjs';

const mainPath = fileURLToPath(new URL('../../tools/gateway/main.mjs', import.meta.url));
const SECRET = 'whsec_gateway_0123456789abcdef';
const SHOP = 'https://shop.example';

// The shop's webhook: answers every turn with one line.
let shop;
before(async () => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('event: delta\ndata: {"text":"from the shop"}\n\nevent: done\ndata: {}\n\n');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  shop = { url: `http://127.0.0.1:${server.address().port}/natter`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
});
after(() => shop.close());

// The test runner's environment without any NATTER_ setting of its own.
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NATTER_') && name !== 'PORT'));
}

function good() {
  return {
    PORT: '0', NATTER_STORE: 'memory', NATTER_AGENT: 'webhook', NATTER_WEBHOOK_URL: shop.url,
    NATTER_WEBHOOK_SECRET: SECRET, NATTER_ALLOWED_ORIGINS: `${SHOP},https://www.shop.example`, NATTER_VOICE_STT: 'off',
  };
}

// Runs the gateway with `changes` applied to the good settings (undefined
// removes one) and resolves {code, stdout, stderr} once it exits.
async function refused(changes, args = []) {
  const env = { ...cleanEnv(), ...good() };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(process.execPath, [mainPath, '--gateway', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => { stdout += c; });
  child.stderr.setEncoding('utf8').on('data', (c) => { stderr += c; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000); // a gateway that started anyway
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'natter-gw-config-'));
const file = (name, text) => { const p = path.join(dir, name); writeFileSync(p, text); return p; };

const badJson = file('bad.json', '{"NATTER_AGENT": ');
const CASES = [
  ['no agent chosen', { NATTER_AGENT: undefined }, 'NATTER_AGENT: choose webhook or openai'],
  ['the scripted demo agent', { NATTER_AGENT: 'scripted' }, 'NATTER_AGENT: choose webhook or openai'],
  ['a misspelt agent', { NATTER_AGENT: 'webhok' }, 'NATTER_AGENT: must be scripted or webhook or openai, not "webhok"'],
  ['no allowed origins', { NATTER_ALLOWED_ORIGINS: undefined }, 'NATTER_ALLOWED_ORIGINS: name the shop origins'],
  ['an origin with a path', { NATTER_ALLOWED_ORIGINS: 'https://shop.example/cart' }, 'NATTER_ALLOWED_ORIGINS: "https://shop.example/cart" is not an origin'],
  ['no store chosen', { NATTER_STORE: undefined }, 'NATTER_STORE: say where state lives'],
  ['a malformed Redis URL', { NATTER_STORE: 'redis', NATTER_REDIS_URL: 'redis//cache:6379' }, 'NATTER_REDIS_URL: must be a redis:// or rediss:// URL'],
  ['a store URL of another scheme', { NATTER_STORE: 'redis', NATTER_REDIS_URL: 'http://cache:6379' }, 'NATTER_REDIS_URL: must be a redis:// or rediss:// URL'],
  ['a Redis URL without the store chosen', { NATTER_STORE: undefined, NATTER_REDIS_URL: 'redis://cache:6379' }, 'NATTER_STORE: say where state lives'],
  ['redis chosen without its URL', { NATTER_STORE: 'redis' }, 'NATTER_REDIS_URL: required with NATTER_STORE=redis'],
  ['memory chosen with a Redis URL', { NATTER_REDIS_URL: 'redis://cache:6379' }, 'NATTER_STORE: memory, but NATTER_REDIS_URL is set: choose one'],
  ['a sentinel that is no host:port', { NATTER_STORE: 'redis', NATTER_REDIS_SENTINELS: 'sentinel-1:26379,sentinel-2' }, 'NATTER_REDIS_SENTINELS: "sentinel-2" is not host:port'],
  ['sentinels and a Redis URL both', { NATTER_STORE: 'redis', NATTER_REDIS_URL: 'redis://cache:6379', NATTER_REDIS_SENTINELS: '10.0.0.5:26379' }, 'NATTER_REDIS_SENTINELS: set, and NATTER_REDIS_URL too: choose one'],
  ['memory chosen with sentinels', { NATTER_REDIS_SENTINELS: '10.0.0.5:26379' }, 'NATTER_STORE: memory, but NATTER_REDIS_SENTINELS is set: choose one'],
  ['a short token secret', { NATTER_TOKEN_SECRET: 'hunter2' }, 'NATTER_TOKEN_SECRET: must be at least 16 characters (it has 7)'],
  ['a short staff token', { NATTER_STAFF_TOKEN: 'hunter2' }, 'NATTER_STAFF_TOKEN: must be at least 16 characters'],
  ['a short webhook secret', { NATTER_WEBHOOK_SECRET: 'hunter2' }, 'NATTER_WEBHOOK_SECRET: must be at least 16 characters'],
  ['a short TURN secret', { NATTER_TURN_SECRET: 'hunter2' }, 'NATTER_TURN_SECRET: must be at least 16 characters'],
  ['the demo flag', { NATTER_DEMO: '1' }, 'NATTER_DEMO: not in the gateway'],
  ['the test controls', { NATTER_TEST_CONTROLS: '1' }, 'NATTER_TEST_CONTROLS: not in the gateway'],
  ['a port that is no number', { PORT: 'eighty' }, 'PORT: must be a whole number 0..65535, not "eighty"'],
  ['a socket cap of 0', { NATTER_MAX_SOCKETS_PER_ADDRESS: '0' }, 'NATTER_MAX_SOCKETS_PER_ADDRESS: must be a whole number >= 1, not "0"'],
  ['a timeout with a fraction', { NATTER_WEBHOOK_TIMEOUT_MS: '1.5' }, 'NATTER_WEBHOOK_TIMEOUT_MS: must be a whole number >= 1'],
  ['a webhook URL that is no URL', { NATTER_WEBHOOK_URL: 'shop.example/natter' }, 'NATTER_WEBHOOK_URL: must be a http:// or https:// URL'],
  ['a trusted proxy that is no CIDR', { NATTER_TRUSTED_PROXIES: '10.0.0.0/33' }, 'NATTER_TRUSTED_PROXIES: "10.0.0.0/33" is not an address or CIDR'],
  ['an enum out of range', { NATTER_RTC: 'maybe' }, 'NATTER_RTC: must be on or off, not "maybe"'],
  ['a record that is no database', { NATTER_RECORD: 'mysql://db/natter' }, 'NATTER_RECORD: must be off, sqlite:PATH or postgres://'],
  ['events out without their secret', { NATTER_EVENTS_URL: 'https://crm.shop.example/natter' }, 'NATTER_EVENTS_SECRET: required with NATTER_EVENTS_URL'],
  ['events out with the record off', { NATTER_EVENTS_URL: 'https://crm.shop.example/natter', NATTER_EVENTS_SECRET: 'events-secret-0123456789', NATTER_RECORD: 'off' }, 'NATTER_EVENTS_URL: the events out are sent from the record; it is off'],
  ['a speech adapter that does not exist', { NATTER_VOICE_STT: 'whisper' }, 'NATTER_VOICE_STT must be pocketsphinx, off or a path'],
  ['a TURN server that is no turn: URL', { NATTER_TURN_URLS: 'http://turn.example', NATTER_TURN_SECRET: 'turn-secret-0123456789' }, 'NATTER_TURN_URLS: "http://turn.example" is not a turn: or turns: URL'],
  ['no built widget', { NATTER_DIST_DIR: path.join(dir, 'nothing-built') }, 'NATTER_DIST_DIR: no manifest.json in'],
  ['a config file that is not JSON', { NATTER_CONFIG: badJson }, `config file ${badJson}: not readable JSON`],
  ['a config file naming no setting', { NATTER_CONFIG: file('typo.json', '{"NATTER_REDDIS_URL": "redis://cache"}') }, 'NATTER_REDDIS_URL (config file): not a setting'],
  ['a config file value of the wrong type', { NATTER_CONFIG: file('type.json', '{"NATTER_MAX_SOCKETS_PER_ADDRESS": "many"}') }, 'NATTER_MAX_SOCKETS_PER_ADDRESS: must be a whole number >= 1, not "many"'],
];

for (const [what, changes, line] of CASES) {
  test(`the gateway refuses ${what}: exit 2 and the line "${line}…"`, async () => {
    const { code, stdout, stderr } = await refused(changes);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    const lines = stderr.trim().split('\n');
    assert.ok(lines.some((l) => l.startsWith(`natter gateway: ${line}`)), stderr);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(stderr, /hunter2/, 'no secret');
  });
}

test('every problem is reported at once, one line each', async () => {
  const { code, stderr } = await refused({ NATTER_AGENT: undefined, NATTER_ALLOWED_ORIGINS: undefined, NATTER_STORE: undefined, NATTER_DEMO: '1' });
  assert.equal(code, 2);
  for (const name of ['NATTER_AGENT', 'NATTER_ALLOWED_ORIGINS', 'NATTER_STORE', 'NATTER_DEMO']) {
    assert.equal(stderr.split('\n').filter((l) => l.startsWith(`natter gateway: ${name}:`)).length, 1, stderr);
  }
});

// Starts the gateway; resolves {url, out, stop()}.
async function startGateway(env = good(), args = []) {
  const child = spawn(process.execPath, [mainPath, '--gateway', ...args], {
    env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const gw = { out: '', err: '' };
  child.stdout.setEncoding('utf8').on('data', (c) => { gw.out += c; });
  child.stderr.setEncoding('utf8').on('data', (c) => { gw.err += c; });
  while (!gw.out.includes('[server] state:')) {
    const [event] = await Promise.race([once(child.stdout, 'data').then(() => ['data']), once(child, 'exit').then(() => ['exit'])]);
    if (event === 'exit') throw new Error(`the gateway did not start: ${gw.err}`);
  }
  gw.url = gw.out.match(/^Natter gateway: (http:\/\/127\.0\.0\.1:\d+\/)$/m)[1];
  gw.stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGINT');
    await once(child, 'exit');
  };
  return gw;
}

test('with a good configuration the gateway starts, prints its settings with secrets redacted, and serves only the widget\'s endpoints', async () => {
  const token = 'shop-token-secret-0123456789';
  const gw = await startGateway({ ...good(), NATTER_TOKEN_SECRET: token });
  try {
    assert.match(gw.out, /^\[server\] config: NATTER_AGENT=webhook \(env\)$/m);
    assert.match(gw.out, /^\[server\] config: NATTER_STORE=memory \(env\)$/m);
    assert.match(gw.out, /^\[server\] config: NATTER_WEBHOOK_SECRET=\(set, redacted\) \(env\)$/m);
    assert.match(gw.out, /^\[server\] config: NATTER_TOKEN_SECRET=\(set, redacted\) \(env\)$/m);
    assert.ok(!gw.out.includes(SECRET) && !gw.out.includes(token), gw.out);
    assert.equal((await request(gw.url, { path: '/' })).status, 404);
    assert.equal((await request(gw.url, { path: '/demo/token.html' })).status, 404);
    assert.equal((await request(gw.url, { path: '/shop/natter-token' })).status, 404);
    assert.equal((await request(gw.url, { path: '/__natter/stats' })).status, 404);
  } finally { await gw.stop(); }
});

test('a config file gives the settings, the environment overriding it', async () => {
  const config = file('gateway.json', JSON.stringify({
    NATTER_STORE: 'memory', NATTER_AGENT: 'webhook', NATTER_WEBHOOK_URL: shop.url, NATTER_WEBHOOK_SECRET: SECRET,
    NATTER_ALLOWED_ORIGINS: ['https://file.example'], NATTER_VOICE_STT: 'off', NATTER_MAX_SOCKETS_PER_ADDRESS: 7,
  }));
  const gw = await startGateway({ PORT: '0', NATTER_ALLOWED_ORIGINS: SHOP }, ['--config', config]);
  try {
    assert.match(gw.out, /^\[server\] config: config file: .*gateway\.json$/m);
    assert.match(gw.out, /^\[server\] config: NATTER_MAX_SOCKETS_PER_ADDRESS=7 \(config file\)$/m);
    assert.match(gw.out, /^\[server\] config: NATTER_ALLOWED_ORIGINS=https:\/\/shop\.example \(env\)$/m);
    assert.ok(!gw.out.includes(SECRET), gw.out);
  } finally { await gw.stop(); }
});

test('CORS and the WebSocket upgrade: an allowed shop origin is answered, a foreign one refused with 403', async () => {
  const gw = await startGateway();
  try {
    const allowed = await postChat(gw.url, { text: 'hi', headers: { Origin: SHOP } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], SHOP);
    assert.match(allowed.headers.vary ?? '', /Origin/);
    assert.equal(replyText(parseEvents(allowed.body)), 'from the shop');

    const foreign = await postChat(gw.url, { text: 'hi', headers: { Origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal(JSON.parse(foreign.body).error.code, 'origin_not_allowed');
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);

    const preflight = await request(gw.url, { method: 'OPTIONS', path: '/api/chat', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(preflight.status, 403);
    const goodPreflight = await request(gw.url, { method: 'OPTIONS', path: '/api/chat', headers: { Origin: SHOP, 'Access-Control-Request-Method': 'POST' } });
    assert.equal(goodPreflight.status, 204);
    assert.equal(goodPreflight.headers['access-control-allow-origin'], SHOP);

    const session = `${gw.url.replace('http', 'ws')}api/session`;
    const refusedUpgrade = await attempt(session, { origin: 'https://evil.example' });
    assert.equal(refusedUpgrade.status, 403);
    const opened = await attempt(session, { origin: SHOP });
    assert.ok(opened.socket, JSON.stringify(opened));
  } finally {
    closeAllSockets();
    await gw.stop();
  }
});
