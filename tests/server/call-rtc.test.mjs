// The gateway's WebRTC legs (tools/gateway/voice/call-rtc.mjs) with a fake
// answerer: a widget without the "rtc" feature is never offered anything,
// the agent's frames go on the open channel else the socket, a closed leg
// is announced once (not when the widget closed it), ending the call
// closes its leg silently, each config carries fresh TURN credentials, and
// an ICE restart keeps the leg (frames on the socket until it is back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createCallRtc } from '../../tools/gateway/voice/call-rtc.mjs';

function fakeConn(features = []) {
  const sent = [];
  const binary = [];
  return { features: new Set(features), sent, binary, send: (f) => sent.push(f), sendBinary: (b) => binary.push(b) };
}

function fakeAnswer(legs, { restartFails = false } = {}) {
  return async ({ onClose, onPacket, onPing }) => {
    const leg = { sdp: 'v=0 answer', isOpen: true, sent: [], closedWith: null, restarts: [], onPacket, onPing };
    Object.assign(leg, {
      open: () => leg.isOpen,
      send: (b) => {
        if (leg.full) return 'full';
        leg.sent.push(b);
        return 'sent';
      },
      close: (reason) => { if (leg.closedWith) return; leg.closedWith = reason; leg.isOpen = false; onClose(reason); },
      restart: async (sdp) => {
        leg.restarts.push(sdp);
        if (restartFails) throw new Error('no restart');
        return `v=0 re-answer ${leg.restarts.length}`;
      },
    });
    legs.push(leg);
    return leg;
  };
}

const turn = { urls: ['turn:127.0.0.1:3478?transport=tcp'], secret: 's', ttlS: 600 };

test('an old widget (no rtc feature) is never offered WebRTC and its frames stay on the socket', async () => {
  const legs = [];
  const rtc = createCallRtc({ turn, answer: fakeAnswer(legs), hear: () => {}, log: () => {} });
  const conn = fakeConn(['handoff']);
  const call = { id: 'call-1', conn };
  assert.equal(rtc.offered(conn), false);
  rtc.request(call, conn);
  await rtc.offer(call, conn, { pc_id: 1, sdp: 'v=0 offer' });
  assert.deepEqual(conn.sent, []);
  assert.equal(legs.length, 0);
  rtc.downlink(call, conn).sendBinary('frame');
  assert.deepEqual(conn.binary, ['frame']);
});

test('with the feature: fresh TURN credentials, an answer, frames on the open channel, a gateway close announced once', async () => {
  const legs = [];
  const rtc = createCallRtc({ turn, answer: fakeAnswer(legs), hear: () => {}, log: () => {} });
  const conn = fakeConn(['handoff', 'rtc']);
  const call = { id: 'call-2', conn };
  rtc.request(call, conn);
  assert.equal(conn.sent[0].type, 'voice.rtc_config');
  assert.match(conn.sent[0].ice_servers[0].username, /^\d+:call-2\.1$/);
  await rtc.offer(call, conn, { pc_id: 7, sdp: 'v=0 offer' });
  assert.deepEqual(conn.sent[1], { type: 'voice.rtc_answer', call_id: 'call-2', pc_id: 7, sdp: 'v=0 answer' });
  const out = rtc.downlink(call, conn);
  out.sendBinary('f1');
  assert.deepEqual(legs[0].sent, ['f1']);
  assert.deepEqual(conn.binary, []);
  assert.equal(rtc.kill('close'), 1);
  assert.deepEqual(conn.sent.slice(2), [{ type: 'voice.rtc_closed', call_id: 'call-2', pc_id: 7, reason: 'closed' }]);
  out.sendBinary('f2');
  assert.deepEqual(conn.binary, ['f2'], 'back on the socket');
});

test('the widget closing its leg or the call ending closes it without a word', async () => {
  const legs = [];
  const rtc = createCallRtc({ turn: null, answer: fakeAnswer(legs), hear: () => {}, log: () => {} });
  const conn = fakeConn(['rtc']);
  const call = { id: 'call-3', conn };
  rtc.request(call, conn);
  assert.deepEqual(conn.sent[0].ice_servers, [], 'no TURN configured: no relay offered');
  await rtc.offer(call, conn, { pc_id: 1, sdp: 'o' });
  rtc.closeByWidget(call, 2); // another connection's id: nothing
  assert.equal(legs[0].closedWith, null);
  rtc.closeByWidget(call, 1);
  assert.equal(legs[0].closedWith, 'widget_closed');
  await rtc.offer(call, conn, { pc_id: 2, sdp: 'o' });
  rtc.end(call);
  assert.equal(legs[1].closedWith, 'call_ended');
  assert.equal(conn.sent.filter((f) => f.type === 'voice.rtc_closed').length, 0);
});

test('each config request mints fresh TURN credentials: different from the last, still valid for the secret and TTL', () => {
  const rtc = createCallRtc({ turn, answer: fakeAnswer([]), hear: () => {}, log: () => {} });
  const conn = fakeConn(['rtc']);
  const call = { id: 'call-4', conn };
  const before = Math.floor(Date.now() / 1000);
  rtc.request(call, conn);
  rtc.request(call, conn); // the ICE restart's, within the same second
  const [first, second] = conn.sent.map((f) => f.ice_servers[0]);
  assert.notEqual(second.username, first.username);
  assert.notEqual(second.credential, first.credential);
  for (const { username, credential } of [first, second]) {
    assert.equal(credential, createHmac('sha1', turn.secret).update(username).digest('base64'), 'coturn accepts it');
    const expiry = Number(username.split(':')[0]);
    assert.ok(expiry >= before + turn.ttlS && expiry <= Math.floor(Date.now() / 1000) + turn.ttlS, 'short-lived, not expired');
  }
  assert.equal(rtc.totals().rtc_configs, 2);
});

test('an ICE restart of the leg keeps it, sends on the socket until the widget is back on the channel', async () => {
  const legs = [];
  const rtc = createCallRtc({ turn, answer: fakeAnswer(legs), hear: () => {}, log: () => {} });
  const conn = fakeConn(['rtc']);
  const call = { id: 'call-5', conn };
  await rtc.control(call, conn, { type: 'voice.rtc_offer', call_id: 'call-5', pc_id: 3, sdp: 'o' });
  const out = rtc.downlink(call, conn);
  out.sendBinary('f1');
  await rtc.control(call, conn, { type: 'voice.rtc_offer', call_id: 'call-5', pc_id: 3, sdp: 'o2', restart: true });
  assert.equal(legs.length, 1, 'the same leg');
  assert.deepEqual(legs[0].restarts, ['o2']);
  assert.equal(legs[0].closedWith, null);
  assert.deepEqual(conn.sent.at(-1), { type: 'voice.rtc_answer', call_id: 'call-5', pc_id: 3, sdp: 'v=0 re-answer 1' });
  assert.equal(rtc.summary(call).restarting, true);
  out.sendBinary('f2');
  assert.deepEqual(legs[0].sent, ['f1']);
  assert.deepEqual(conn.binary, ['f2'], 'restarting: the socket');
  legs[0].onPing();
  out.sendBinary('f3');
  assert.deepEqual(legs[0].sent, ['f1', 'f3'], 'a ping on the channel: back on it');
  assert.equal(rtc.totals().rtc_restarts, 1);
  assert.equal(rtc.totals().rtc_offers, 1);
});

test('a restart offer for another pc_id is a new leg; a restart the leg cannot answer closes it and says so', async () => {
  const legs = [];
  const rtc = createCallRtc({ turn, answer: fakeAnswer(legs, { restartFails: true }), hear: () => {}, log: () => {} });
  const conn = fakeConn(['rtc']);
  const call = { id: 'call-6', conn };
  await rtc.offer(call, conn, { pc_id: 1, sdp: 'o' });
  await rtc.offer(call, conn, { pc_id: 2, sdp: 'o', restart: true });
  assert.equal(legs.length, 2);
  assert.equal(legs[0].closedWith, 'replaced');
  await rtc.offer(call, conn, { pc_id: 2, sdp: 'o3', restart: true });
  assert.deepEqual(legs[1].restarts, ['o3']);
  assert.deepEqual(conn.sent.at(-1), { type: 'voice.rtc_closed', call_id: 'call-6', pc_id: 2, reason: 'restart_failed' });
  assert.equal(rtc.summary(call), null);
});

test('a ping on the leg is answered with the call\'s frame counts (the widget\'s loss measure)', async () => {
  const legs = [];
  const counted = new Map([['call-9', { received: 98, expected: 100 }]]);
  const rtc = createCallRtc({
    turn: null, answer: fakeAnswer(legs), hear: () => {}, uplink: (call) => counted.get(call.id), log: () => {},
  });
  const conn = fakeConn(['rtc']);
  const call = { id: 'call-9', conn };
  await rtc.offer(call, conn, { pc_id: 1, sdp: 'o' });
  assert.deepEqual(legs[0].onPing(), { received: 98, expected: 100 });
  const plain = createCallRtc({ turn: null, answer: fakeAnswer(legs), hear: () => {}, log: () => {} });
  await plain.offer(call, conn, { pc_id: 2, sdp: 'o' });
  assert.equal(legs[1].onPing(), null, 'no counter given: a bare echo');
});

// The downlink: the encoding a ping asks for holds for that leg's
// utterances only; a backed-up channel drops the agent's frames, stale.
test('the encoding the widget\'s pings ask for is the leg\'s, for utterances while its frames ride it', async () => {
  const legs = [];
  const rtc = createCallRtc({ turn: null, answer: fakeAnswer(legs), hear: () => {}, log: () => {} });
  const conn = fakeConn(['rtc']);
  const call = { id: 'call-10', conn };
  assert.equal(rtc.downlinkEncoding(call), null, 'no leg: the clean encoding');
  await rtc.offer(call, conn, { pc_id: 1, sdp: 'o' });
  legs[0].onPing(null);
  assert.equal(rtc.downlinkEncoding(call), null);
  const heavy = { bitrate: 16000, fec: true, lossPerc: 20 };
  legs[0].onPing(heavy);
  assert.deepEqual(rtc.downlinkEncoding(call), heavy);
  assert.deepEqual(rtc.summary(call).downlink, heavy);
  rtc.kill('blackhole');
  assert.equal(rtc.downlinkEncoding(call), null, 'a silent leg: the frames go on the socket');
  await rtc.offer(call, conn, { pc_id: 2, sdp: 'o' });
  assert.equal(rtc.downlinkEncoding(call), null, 'a new leg starts clean');
  legs[1].onPing(heavy);
  legs[1].onPing(null);
  assert.equal(rtc.downlinkEncoding(call), null, 'the widget asks for clean again');
  assert.equal(rtc.totals().utterances_adapted, 1);
});

test('a backed-up channel drops the agent\'s frame: not queued, not sent on the socket either', async () => {
  const legs = [];
  const rtc = createCallRtc({ turn: null, answer: fakeAnswer(legs), hear: () => {}, log: () => {} });
  const conn = fakeConn(['rtc']);
  const call = { id: 'call-11', conn };
  await rtc.offer(call, conn, { pc_id: 1, sdp: 'o' });
  const out = rtc.downlink(call, conn);
  out.sendBinary('f1');
  legs[0].full = true;
  out.sendBinary('f2');
  legs[0].full = false;
  out.sendBinary('f3');
  assert.deepEqual(legs[0].sent, ['f1', 'f3']);
  assert.deepEqual(conn.binary, []);
  assert.equal(rtc.totals().frames_dropped_full_rtc, 1);
  assert.equal(rtc.totals().frames_sent_rtc, 2);
});

test('TURN credentials per session: a burst of 8, then one a minute; past it the config has no TURN server, and another session is not affected', () => {
  let t = 1_000_000;
  const rtc = createCallRtc({ turn, answer: fakeAnswer([]), hear: () => {}, log: () => {}, now: () => t });
  const conn = fakeConn(['rtc']);
  const session = { id: 's-1' };
  // New calls of the same session share its budget.
  for (let i = 0; i < 10; i += 1) rtc.request({ id: `call-${i}`, conn, session }, conn);
  const relayed = conn.sent.map((f) => f.ice_servers.length);
  assert.deepEqual(relayed, [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  assert.equal(rtc.totals().rtc_turn_withheld, 2);
  const other = fakeConn(['rtc']);
  rtc.request({ id: 'call-x', conn: other, session: { id: 's-2' } }, other);
  assert.equal(other.sent[0].ice_servers.length, 1, 'another session keeps its own budget');
  t += 60_000;
  rtc.request({ id: 'call-10', conn, session }, conn);
  rtc.request({ id: 'call-11', conn, session }, conn);
  assert.deepEqual(conn.sent.slice(10).map((f) => f.ice_servers.length), [1, 0], 'one more a minute later');
});
