// Bounds on the staff record and revocations (docs/security.md, "Staff
// record and revocation bounds"), through a running gateway on a SQLite
// record: a page size, an offset, a search length and a date range each
// have their own 400, refused before the database is asked; a revocation is
// kept no longer than a staff token can live; a staff body that never
// arrives is 408; and one credential's record and revocation calls are
// bounded per minute (429 with Retry-After) while another credential is served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request, startTestServer } from './helpers.mjs';
import { MAX_OFFSET, MAX_QUERY_CHARS } from '../../tools/gateway/record/record-api.mjs';
import { COSTLY_CALLS_PER_MINUTE } from '../../tools/gateway/staff/staff-api.mjs';
import { mintStaffToken } from '../../tools/gateway/staff/staff-tokens.mjs';
import { createStaffAdmin } from '../../tools/gateway/staff/staff-admin.mjs';
import { MAX_STAFF_TOKEN_LIFETIME_MS } from '../../tools/gateway/store/memory-staff-ledger.mjs';

const TOKEN = 'record-bounds-staff-token-0123456789';
const SECRET = 'record-bounds-jwt-secret-0123456789abcdef';
let server;
let dir;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-record-bounds-'));
  server = await startTestServer({
    staffToken: TOKEN, staffJwtSecret: SECRET, limits: { bodyTimeoutMs: 300 },
    record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } },
  });
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const call = async (method, p, { token = TOKEN, body } = {}) => {
  const res = await request(server.url, {
    method, path: p, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: res.body ? JSON.parse(res.body) : null };
};
const refused = async (p, status, code) => {
  const res = await call('GET', p);
  assert.equal(res.status, status, `${p}: ${JSON.stringify(res.json)}`);
  assert.equal(res.json.error.code, code, p);
};

test('page size, offset, search length and date ranges: each its own 400; in bounds is served', async () => {
  assert.equal((await call('GET', `/staff/record/conversations?limit=200&offset=${MAX_OFFSET}&q=${'x'.repeat(MAX_QUERY_CHARS)}`)).status, 200);
  for (const limit of ['0', '201', '1e9', '-1', '2.5']) await refused(`/staff/record/conversations?limit=${limit}`, 400, 'bad_limit');
  await refused(`/staff/record/conversations?offset=${MAX_OFFSET + 1}`, 400, 'bad_offset');
  await refused(`/staff/record/conversations?q=${'x'.repeat(MAX_QUERY_CHARS + 1)}`, 400, 'query_too_long');
  await refused('/staff/record/conversations?from=2026-11-02&to=2026-11-01', 400, 'bad_range');
  await refused('/staff/record/export?from=2026-11-02&to=2026-11-02', 400, 'bad_range');
  await refused('/staff/record/analytics?from=2020-01-01&to=2026-01-01', 400, 'range_too_long');
  assert.equal((await call('GET', '/staff/record/analytics?from=2025-01-01&to=2026-01-01')).status, 200);
});

test('a revocation with a far-future exp is kept no longer than a staff token lives', async () => {
  const kept = [];
  const store = { revokeStaff: async (r) => { kept.push(r); }, addStaffAudit: async () => {} };
  const t = Date.UTC(2026, 10, 1);
  const admin = createStaffAdmin({ store, now: () => t });
  const res = { writeHead() { return this; }, setHeader() {}, end() {} };
  await admin.revoke(res, { id: 'boss', name: 'Boss', role: 'admin' }, { jti: 'stolen-1', exp: t / 1000 + 10 * 365 * 86_400 });
  await admin.revoke(res, { id: 'boss', name: 'Boss', role: 'admin' }, { jti: 'stolen-2', exp: t / 1000 + 600 });
  assert.deepEqual(kept.map((r) => [r.jti, r.untilMs - t]), [['stolen-1', MAX_STAFF_TOKEN_LIFETIME_MS], ['stolen-2', 600_000]]);
  // And over HTTP, an admin's revocation is taken.
  const boss = await mintStaffToken(SECRET, { sub: 'boss', name: 'Boss', role: 'admin' });
  assert.equal((await call('POST', '/staff/revocations', { token: boss, body: { jti: 'stolen-3', exp: Math.floor(Date.now() / 1000) + 10 * 365 * 86_400 } })).status, 200);
});

test('a staff body that never arrives is 408 body_timeout', async () => {
  const { port } = new URL(server.url);
  const answer = await new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(`POST /staff/record/erase HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"conv`);
    });
    let text = '';
    socket.on('data', (c) => { text += c; });
    socket.on('close', () => resolve(text));
    setTimeout(() => { socket.destroy(); }, 5000);
  });
  assert.match(answer, /^HTTP\/1\.1 408/, answer);
  assert.match(answer, /body_timeout/);
});

test('one credential past its record and revocation calls a minute gets 429; another credential is served', async () => {
  let last;
  for (let i = 0; i <= COSTLY_CALLS_PER_MINUTE + 1; i += 1) {
    last = await call('GET', '/staff/record/conversations?limit=1');
    if (last.status === 429) break;
  }
  assert.equal(last.status, 429);
  assert.equal(last.json.error.code, 'rate_limited');
  assert.ok(Number(last.headers['retry-after']) >= 1);
  const other = await mintStaffToken(SECRET, { sub: 'ana', name: 'Ana', role: 'agent' });
  assert.equal((await call('GET', '/staff/record/conversations?limit=1', { token: other })).status, 200);
});
