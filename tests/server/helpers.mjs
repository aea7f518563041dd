// Shared helpers for the reference server's tests: start a server on an
// ephemeral port, make raw HTTP requests (node:http, no keep-alive, so a
// destroyed socket shows as `reset`), and read its stats.
import http from 'node:http';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../tools/gateway/server.mjs';
import { CONTROL_HEADER } from '../../tools/gateway/testing/control-guard.mjs';
import { parseEvents } from '../../tools/gateway/http/sse.mjs';

export { parseEvents };

export async function startTestServer(options = {}) {
  const lines = [];
  const server = await startServer({
    testControls: true,
    tokenDelayMs: 1,
    log: (line) => lines.push(line),
    ...options,
  });
  return { ...server, lines };
}

// Resolves { status, headers, body, reset } once the response ends or the
// connection is cut. `reset` is true when the socket closed before the
// response completed (body holds what arrived before that). `onData(soFar)`,
// if given, is called with the body so far as each chunk arrives: for a
// test that acts at a point of a streamed reply rather than after a sleep.
// A test control (/__natter/) gets the header the controls require
// (control-guard.mjs) unless `headers` names it; null leaves it out.
export function request(baseUrl, { method = 'GET', path: urlPath = '/', headers = {}, body, onData = null } = {}) {
  const all = urlPath.startsWith('/__natter/') ? { [CONTROL_HEADER]: '1', ...headers } : { ...headers };
  for (const [name, value] of Object.entries(all)) if (value === null) delete all[name];
  return new Promise((resolve) => {
    const req = http.request(new URL(urlPath, baseUrl), { method, headers: all, agent: false });
    let settled = false;
    const done = (result) => { if (!settled) { settled = true; resolve(result); } };
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => {
        chunks.push(c);
        onData?.(Buffer.concat(chunks).toString('utf8'));
      });
      const finish = (reset) => done({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reset,
      });
      res.on('end', () => finish(false));
      res.on('aborted', () => finish(true));
      res.on('error', () => finish(true));
      res.on('close', () => finish(!res.complete));
    });
    req.on('error', (error) => done({ status: null, headers: {}, body: '', reset: true, error }));
    req.end(body);
  });
}

// POSTs `body` (an object is sent as JSON, a string as it is) from
// `localAddress`: 127.0.0.2 is another machine to the gateway's per-address
// budgets, on the same loopback port. Resolves { status, headers, text, json }
// (json: the parsed body when the answer is JSON, else null).
export function postJson(baseUrl, urlPath, body, { localAddress = '127.0.0.1', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, baseUrl), {
      method: 'POST', localAddress, agent: false, headers: { 'Content-Type': 'application/json', ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        const isJson = /json/.test(res.headers['content-type'] ?? '') && text !== '';
        resolve({ status: res.statusCode, headers: res.headers, text, json: isJson ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}

// The conversation_key a test's widget would hold for `conversation`
// (docs/protocol.md: every POST carries one): derived from the id with a
// secret of this test process, so each test file's POSTs for a conversation
// agree while nothing outside knows them.
const KEY_SECRET = randomBytes(16);
export const conversationKeyFor = (conversation) =>
  createHmac('sha256', KEY_SECRET).update(String(conversation)).digest('hex').slice(0, 48);

export function chatBody({ key = randomUUID(), conversation = 'conv-1', text = 'hi' } = {}) {
  return { message_id: key, conversation_id: conversation, conversation_key: conversationKeyFor(conversation), text };
}

// POSTs a chat message. `key` is both message_id and Idempotency-Key unless
// `headerKey` or a raw `body` says otherwise.
export function postChat(baseUrl, { key = randomUUID(), text = 'hi', conversation = 'conv-1', headerKey = key,
  body = JSON.stringify(chatBody({ key, conversation, text })), headers = {}, onData = null } = {}) {
  const all = { 'Content-Type': 'application/json', ...headers };
  if (headerKey !== null) all['Idempotency-Key'] = headerKey;
  return request(baseUrl, { method: 'POST', path: '/api/chat', headers: all, body, onData });
}

export async function stats(baseUrl) {
  return JSON.parse((await request(baseUrl, { path: '/__natter/stats' })).body);
}

export async function queueFaults(baseUrl, chat) {
  const res = await request(baseUrl, {
    method: 'POST', path: '/__natter/faults', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ chat }),
  });
  if (res.status !== 200) throw new Error(`queueing faults failed: ${res.status} ${res.body}`);
  return JSON.parse(res.body); // {queued: faults still pending}
}

// The reply text an event list spells out.
export function replyText(events) {
  return events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
}

// Polls `check()` (sync or async) until it returns truthy, and returns
// that; throws after `ms`, naming `what` it waited for.
export async function eventually(check, ms = 2000, what = 'the condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// A temporary dist/ + web/ tree for the static-file tests.
export function makeSiteFixture() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'natter-static-'));
  const distDir = path.join(root, 'dist');
  const webDir = path.join(root, 'web');
  mkdirSync(path.join(webDir, 'demo'), { recursive: true });
  mkdirSync(path.join(webDir, 'worklets'), { recursive: true });
  mkdirSync(distDir, { recursive: true });
  writeFileSync(path.join(root, 'secret.txt'), 'top secret');
  writeFileSync(path.join(distDir, 'natter.js'), 'console.log("loader");');
  writeFileSync(path.join(distDir, 'natter.core.0123abcd4567.js'), 'export const core = 1;');
  writeFileSync(path.join(distDir, 'natter.core.0123abcd4567.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(path.join(distDir, 'natter.frame.0123abcd4567.html'), '<!doctype html><script src="natter.frame.0123abcd4567.js"></script>');
  writeFileSync(path.join(distDir, 'manifest.json'), '{"core":"natter.core.0123abcd4567.js"}');
  writeFileSync(path.join(distDir, 'shared.css'), '.from-dist{}');
  writeFileSync(path.join(webDir, 'shared.css'), '.from-web{}');
  writeFileSync(path.join(webDir, 'styles.css'), 'body{}');
  writeFileSync(path.join(webDir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(webDir, 'worklets', 'mic.js'), 'registerProcessor("mic", class {});');
  writeFileSync(path.join(webDir, 'demo', 'index.html'), '<!doctype html><title>Demo shop</title>');
  return { root, distDir, webDir };
}
