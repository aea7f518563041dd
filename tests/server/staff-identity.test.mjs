// Staff sign in with per-person tokens the shop signs (staff/staff-tokens.mjs:
// HS256 JWTs with sub, name, role, exp, verified with jose), on both stores:
// the name shoppers see is the token's, never the body's; only an admin
// reads the audit or revokes; every take, reply, note and hand-back is in the
// audit with who did it; a revoked token (or every token of a revoked
// person) stops working on every instance at its next call, without a
// restart; expired, foreign, too long-lived or role-less tokens are refused;
// the deprecated shared token still works as an admin named by the body.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { request } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { mintStaffToken } from '../../tools/gateway/staff/staff-tokens.mjs';

const SECRET = 'staff-jwt-secret-0123456789abcdef-0123';
const SHARED = 'shared-staff-token-0123456789';

function call(server, method, path, token, body) {
  const headers = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  return request(server.url, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    .then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));
}
const take = (server, session, token, body = {}) => call(server, 'POST', `/staff/conversations/${session}/take`, token, body);

for (const kind of STORE_KINDS) {
  describe(`staff identity (${kind} store)`, () => {
    let gateway;
    let a;
    let b; // a second instance on the same store (on memory: a stranger sharing nothing)
    before(async () => {
      gateway = await startGatewayOnStore(kind, { tokenDelayMs: 5, staffJwtSecret: SECRET, staffToken: SHARED });
      a = gateway.server;
      b = await gateway.another();
    });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('the token names the person; the audit says who took, replied, noted and handed back; only an admin reads it', async () => {
      const session = `si-${kind}-1`;
      await joinSession(a.url, { session });
      const ana = await mintStaffToken(SECRET, { sub: 'staff-ana', name: 'Ana', role: 'agent' });
      const boss = await mintStaffToken(SECRET, { sub: 'staff-boss', name: 'Boss', role: 'admin' });
      const took = await take(a, session, ana, { name: 'Mallory' });
      assert.equal(took.status, 200, took.body);
      assert.deepEqual(took.json.control.by, { name: 'Ana' }, 'the token\'s name, not the body\'s');
      assert.equal((await call(a, 'POST', `/staff/conversations/${session}/reply`, ana, { message_id: 'si-r1', text: 'Hello, Ana here.' })).status, 200);
      assert.equal((await call(a, 'POST', `/staff/conversations/${session}/notes`, ana, { text: 'asked about PS5' })).status, 200);
      assert.equal((await call(a, 'POST', `/staff/conversations/${session}/hand-back`, ana, {})).status, 200);

      assert.equal((await call(a, 'GET', '/staff/audit', ana)).status, 403, 'an agent does not read the audit');
      const { records } = (await call(a, 'GET', '/staff/audit', boss)).json;
      const mine = records.filter((r) => r.conversation_id === session);
      assert.deepEqual(mine.map((r) => r.action), ['hand_back', 'note', 'reply', 'take'], 'newest first');
      for (const r of mine) assert.deepEqual(r.by, { id: 'staff-ana', name: 'Ana', role: 'agent' });
      assert.equal(mine[1].text, undefined, 'the audit says who and what kind, not the words');
      assert.equal(mine.find((r) => r.action === 'reply').message_id, 'si-r1');
    });

    test('refused: no token, another key, expired, too long-lived, no role, an unknown role', async () => {
      const session = `si-${kind}-2`;
      await joinSession(a.url, { session });
      const now = Date.now();
      const sign = (claims, { key = SECRET, iat = Math.floor(now / 1000), exp = iat + 600 } = {}) => new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' }).setSubject('staff-x').setIssuedAt(iat).setExpirationTime(exp)
        .sign(new TextEncoder().encode(key));
      const cases = [
        ['no token', '', 'missing'],
        ['another key', await sign({ name: 'X', role: 'agent' }, { key: 'another-secret-0123456789abcdef-0123' }), 'wrong'],
        ['expired', await sign({ name: 'X', role: 'agent' }, { iat: Math.floor(now / 1000) - 1200, exp: Math.floor(now / 1000) - 600 }), 'expired'],
        ['too long-lived', await sign({ name: 'X', role: 'agent' }, { exp: Math.floor(now / 1000) + 25 * 3600 }), 'too_long_lived'],
        ['no role', await sign({ name: 'X' }), 'bad_claims'],
        ['an unknown role', await sign({ name: 'X', role: 'owner' }), 'bad_claims'],
        ['no name', await sign({ role: 'agent' }), 'bad_claims'],
      ];
      for (const [what, token, verdict] of cases) {
        const res = await take(a, session, token);
        assert.equal(res.status, 401, what);
        assert.equal(res.json.error.message, `Staff credential ${verdict}.`, what);
      }
    });

    test('a revoked token, then every token of a revoked person, stop working on the other instance at once; a newer token works', async () => {
      const session = `si-${kind}-3`;
      await joinSession(b.url, { session });
      const boss = await mintStaffToken(SECRET, { sub: 'staff-boss', name: 'Boss', role: 'admin' });
      const ana = await mintStaffToken(SECRET, { sub: 'staff-ana', name: 'Ana', role: 'agent', jti: 'ana-laptop' });
      const anaPhone = await mintStaffToken(SECRET, { sub: 'staff-ana', name: 'Ana', role: 'agent', jti: 'ana-phone' });
      const there = kind === 'redis' ? b : a; // memory: nothing is shared, so the same instance
      assert.equal((await call(there, 'GET', '/staff/conversations', ana)).status, 200);
      assert.equal((await call(a, 'POST', '/staff/revocations', ana, { sub: 'staff-ana' })).status, 403, 'an agent does not revoke');

      assert.equal((await call(a, 'POST', '/staff/revocations', boss, { jti: 'ana-laptop', exp: Math.floor(Date.now() / 1000) + 600 })).status, 200);
      const refused = await call(there, 'GET', '/staff/conversations', ana);
      assert.equal(refused.status, 401);
      assert.equal(refused.json.error.message, 'Staff credential revoked.');
      assert.equal((await call(there, 'GET', '/staff/conversations', anaPhone)).status, 200, 'only that token');

      assert.equal((await call(a, 'POST', '/staff/revocations', boss, { sub: 'staff-ana' })).status, 200);
      assert.equal((await call(there, 'GET', '/staff/conversations', anaPhone)).status, 401, 'every token of the person');
      const fresh = await mintStaffToken(SECRET, { sub: 'staff-ana', name: 'Ana', role: 'agent', now: Date.now() + 2000 });
      assert.equal((await call(there, 'GET', '/staff/conversations', fresh)).status, 200, 'a token issued after the revocation');
      const { records } = (await call(there, 'GET', '/staff/audit', boss)).json;
      assert.deepEqual(records.slice(0, 2).map((r) => [r.action, r.target]), [['revoke_person', 'staff-ana'], ['revoke_token', 'ana-laptop']]);
    });

    test('the deprecated shared token: an admin named by the body, audited as the shared token', async () => {
      const session = `si-${kind}-4`;
      await joinSession(a.url, { session });
      const took = await take(a, session, SHARED, { name: 'Old Console' });
      assert.equal(took.status, 200);
      assert.deepEqual(took.json.control.by, { name: 'Old Console' });
      assert.equal((await take(a, session, SHARED, {})).status, 400, 'the shared token needs a name in the body');
      const { records } = (await call(a, 'GET', '/staff/audit', SHARED)).json;
      assert.deepEqual(records.find((r) => r.conversation_id === session).by, { id: 'shared-token', name: 'Old Console', role: 'admin' });
    });
  });
}
