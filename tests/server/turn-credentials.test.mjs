// TURN credentials minted by the gateway (tools/gateway/voice/turn-credentials.mjs):
// the TURN REST convention coturn checks with --use-auth-secret, short-lived,
// and no TURN at all (no relay rung) when it is not configured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { iceServersFor, mintTurnCredential, turnConfigFromEnv } from '../../tools/gateway/voice/turn-credentials.mjs';

test('the username is expiry:id and the password the base64 HMAC-SHA1 of it with the shared secret', () => {
  const { username, credential } = mintTurnCredential('s3cret', 'call-1', 1795000000);
  assert.equal(username, '1795000000:call-1');
  assert.equal(credential, createHmac('sha1', 's3cret').update('1795000000:call-1').digest('base64'));
});

test('each credential expires the configured TTL after it is minted, and the secret never appears', () => {
  const turn = turnConfigFromEnv({ NATTER_TURN_URLS: 'turn:127.0.0.1:3478?transport=tcp', NATTER_TURN_SECRET: 's3cret', NATTER_TURN_TTL_S: '120' });
  const servers = iceServersFor(turn, 'call-9', 1_000_000_000_000);
  assert.equal(servers.length, 1);
  assert.deepEqual(servers[0].urls, ['turn:127.0.0.1:3478?transport=tcp']);
  assert.equal(servers[0].username, `${1_000_000_000 + 120}:call-9`);
  assert.ok(!JSON.stringify(servers).includes('s3cret'));
});

test('without TURN configured no relay is offered, and a bad setting is refused by name', () => {
  assert.equal(turnConfigFromEnv({}), null);
  assert.equal(turnConfigFromEnv({ NATTER_TURN_URLS: 'turn:x:3478' }), null, 'no secret: no TURN');
  assert.deepEqual(iceServersFor(null, 'call-1'), []);
  assert.throws(() => turnConfigFromEnv({ NATTER_TURN_URLS: 'http://x', NATTER_TURN_SECRET: 's' }), /NATTER_TURN_URLS/);
  assert.throws(() => turnConfigFromEnv({ NATTER_TURN_URLS: 'turn:x', NATTER_TURN_SECRET: 's', NATTER_TURN_TTL_S: '5' }), /NATTER_TURN_TTL_S/);
});
