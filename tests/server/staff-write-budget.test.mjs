// Staff writes have a per-credential budget (docs/security.md, "Staff
// record and revocation bounds"; staff-api.mjs STAFF_WRITES_PER_MINUTE):
// one credential past its replies, notes, leads, takes and hand-backs a
// minute gets 429 rate_limited with Retry-After, nothing more is written,
// each refusal is logged and counted in /metrics, another credential is
// served, and the test controls' reset forgets the windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { STAFF_WRITES_PER_MINUTE } from '../../tools/gateway/staff/staff-api.mjs';
import { mintStaffToken } from '../../tools/gateway/staff/staff-tokens.mjs';

const TOKEN = 'staff-write-budget-token-0123456789';
const SECRET = 'staff-write-budget-jwt-secret-0123456789ab';

test('one credential past its writes a minute gets 429 and writes nothing more; another credential is served', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-staff-writes-'));
  const server = await startTestServer({
    staffToken: TOKEN, staffJwtSecret: SECRET, metrics: true, record: { setting: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') } },
  });
  t.after(async () => { closeAllSockets(); await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const { welcome } = await joinSession(server.url);
  const id = welcome.session_id;
  const call = async (method, p, { token = TOKEN, body } = {}) => {
    const res = await request(server.url, {
      method, path: p, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, json: res.body ? JSON.parse(res.body) : null };
  };
  const note = (i, token) => call('POST', `/staff/conversations/${id}/notes`, { token, body: { name: 'Ana', text: `note ${i}` } });
  for (let i = 0; i < STAFF_WRITES_PER_MINUTE; i += 1) assert.equal((await note(i)).status, 200, `note ${i} is within the budget`);

  const refusals = [
    await note('over'),
    await call('POST', `/staff/conversations/${id}/leads`, { body: { name: 'Ana', lead_id: 'l-over', kind: 'callback' } }),
    await call('POST', `/staff/conversations/${id}/take`, { body: { name: 'Ana' } }),
  ];
  for (const r of refusals) {
    assert.equal(r.status, 429, JSON.stringify(r.json));
    assert.equal(r.json.error.code, 'rate_limited');
    assert.ok(Number(r.headers['retry-after']) >= 1 && Number(r.headers['retry-after']) <= 60, r.headers['retry-after']);
  }
  assert.equal(server.lines.filter((l) => /refused: over \d+ staff writes/.test(l)).length, refusals.length, 'each refusal logged once');
  const detail = await call('GET', `/staff/conversations/${id}`); // a read: not a write, served
  assert.equal(detail.status, 200);
  assert.equal(detail.json.entries.filter((e) => e.kind === 'note').length, STAFF_WRITES_PER_MINUTE, 'nothing written past the budget');
  assert.equal(detail.json.control.state, 'ai', 'the refused take changed nothing');

  const ana = await mintStaffToken(SECRET, { sub: 'staff-ana', name: 'Ana', role: 'agent' });
  assert.equal((await note('ana', ana)).status, 200, 'another credential is served');

  const metrics = (await request(server.url, { path: '/metrics' })).body;
  const count = (name, labels) => Number(new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
  assert.equal(count('natter_http_errors_total', 'status="429",code="rate_limited"'), refusals.length, 'refusals counted');

  // The test controls' reset forgets the windows (browser tests share one gateway).
  assert.equal((await request(server.url, { method: 'POST', path: '/__natter/reset' })).status, 200);
  assert.equal((await call('POST', '/staff/conversations/gone/notes', { body: { name: 'Ana', text: 'x' } })).json.error.code, 'no_conversation', 'served again');
});
