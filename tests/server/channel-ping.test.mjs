// The voice data channel's ping and pong texts (tools/gateway/voice/
// channel-ping.mjs): the widget's number echoed, the downlink encoding a
// ping asks for read within bounds, anything else skipped, never thrown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PING_CHARS, parsePing, pongText, sameDownlink } from '../../tools/gateway/voice/channel-ping.mjs';

test('a numbered ping, with and without the encoding it asks for the agent\'s audio', () => {
  assert.deepEqual(parsePing('ping 7'), { n: '7', downlink: null });
  assert.deepEqual(parsePing('ping 12 dl=16000/1/20'), { n: '12', downlink: { bitrate: 16000, fec: true, lossPerc: 20 } });
  assert.deepEqual(parsePing('ping 3 dl=12000/0/20'), { n: '3', downlink: { bitrate: 12000, fec: false, lossPerc: 20 } });
  assert.deepEqual(parsePing('ping'), { n: '', downlink: null }, 'an old widget\'s bare ping');
});

test('unknown tokens are skipped; a dl= out of bounds or malformed means the clean encoding', () => {
  assert.deepEqual(parsePing('ping 4 zz=1 dl=20000/1/10'), { n: '4', downlink: { bitrate: 20000, fec: true, lossPerc: 10 } });
  for (const bad of ['dl=5999/1/10', 'dl=64001/1/10', 'dl=16000/2/10', 'dl=16000/1/101', 'dl=16000/1', 'dl=16000/1/10/1',
    'dl=-16000/1/10', 'dl=16e3/1/10', 'dl=']) {
    assert.deepEqual(parsePing(`ping 5 ${bad}`), { n: '5', downlink: null }, bad);
  }
});

test('not a ping: null', () => {
  assert.equal(parsePing('pong 1'), null);
  assert.equal(parsePing(`ping ${'1'.repeat(MAX_PING_CHARS)}`), null, 'over-long');
  assert.equal(parsePing(undefined), null);
});

test('the pong echoes the number and carries the uplink counts when there are any', () => {
  assert.equal(pongText('7', { received: 48, expected: 50 }), 'pong 7 rx=48/50');
  assert.equal(pongText('7', null), 'pong 7');
  assert.equal(pongText('', undefined), 'pong');
});

test('sameDownlink compares settings, null being the clean one', () => {
  const s = { bitrate: 16000, fec: true, lossPerc: 20 };
  assert.equal(sameDownlink(null, null), true);
  assert.equal(sameDownlink(s, { ...s }), true);
  assert.equal(sameDownlink(s, null), false);
  assert.equal(sameDownlink(s, { ...s, fec: false }), false);
});
