// shim/voice/rtc-link.js with a fake RTCPeerConnection: it makes what the
// core names (one unordered, no-retransmit channel "voice"), reports the
// offer once gathering completed, the selected path, pongs and failures with
// the core's pc_id, hands binary frames on, sends within the buffer bound,
// a closed connection's late events are not reported, and an ICE restart
// keeps the connection and its channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRtcLink } from '../../shim/voice/rtc-link.js';

class FakeChannel {
  constructor(label, options) { Object.assign(this, { label, options, readyState: 'connecting', bufferedAmount: 0, sent: [] }); }
  send(data) { this.sent.push(data); }
  close() { this.readyState = 'closed'; }
}

function fakePeerConnectionClass(made, { relay = null } = {}) {
  return class FakePC extends EventTarget {
    constructor(config) {
      super();
      this.config = config;
      this.iceGatheringState = 'new';
      this.iceConnectionState = 'new';
      this.offers = [];
      made.push(this);
    }
    createDataChannel(label, options) { this.dc = new FakeChannel(label, options); return this.dc; }
    async createOffer(options = {}) {
      this.offers.push(options);
      return { type: 'offer', sdp: options.iceRestart ? 'v=0 restart' : 'v=0 offer' };
    }
    setConfiguration(config) { this.config = config; }
    setIceConnectionState(state) { this.iceConnectionState = state; this.dispatchEvent(new Event('iceconnectionstatechange')); }
    async setLocalDescription(d) {
      this.localDescription = d;
      setTimeout(() => { this.iceGatheringState = 'complete'; this.dispatchEvent(new Event('icegatheringstatechange')); }, 1);
    }
    async setRemoteDescription(d) { this.remote = d; }
    async getStats() {
      const local = relay ? { candidateType: 'relay', relayProtocol: relay } : { candidateType: 'host' };
      return new Map([
        ['T', { type: 'transport', selectedCandidatePairId: 'P' }],
        ['P', { type: 'candidate-pair', localCandidateId: 'L' }],
        ['L', local],
      ]);
    }
    close() { this.closed = true; }
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
// Until `done()` holds (at most 2 s): the fake's gathering is a timer, so an
// offer is waited for, never given one fixed tick. The tick's timer is armed
// before the gathering's (in a later microtask), and a process paused 4 ms
// between the two (a loaded machine) sees the tick run first.
async function until(done) {
  for (let i = 0; i < 400 && !done(); i += 1) await tick();
}

function link(options) {
  const made = [];
  const events = [];
  const packets = [];
  const rtc = createRtcLink({
    RTCPeerConnection: fakePeerConnectionClass(made, options), dispatch: (e) => events.push(e),
    onPacket: (b) => packets.push(b), log: () => {},
  });
  return { rtc, made, events, packets };
}

test('the core\'s peer connection: its ICE servers, one unordered channel, the offer once gathered, the answer applied', async () => {
  const { rtc, made, events } = link();
  const servers = [{ urls: 'turn:127.0.0.1:3478?transport=tcp', username: '1:x', credential: 'c' }];
  rtc.effects.rtc_open({ pc_id: 3, ice_servers: servers });
  assert.deepEqual(made[0].config, { iceServers: servers });
  assert.equal(made[0].dc.label, 'voice');
  assert.deepEqual(made[0].dc.options, { ordered: false, maxRetransmits: 0 });
  assert.equal(made[0].dc.binaryType, 'arraybuffer');
  await until(() => events.length > 0);
  assert.deepEqual(events, [{ type: 'rtc_offer_ready', pc_id: 3, sdp: 'v=0 offer' }]);
  rtc.effects.rtc_answer({ pc_id: 3, sdp: 'v=0 answer' });
  assert.deepEqual(made[0].remote, { type: 'answer', sdp: 'v=0 answer' });
});

test('an open channel reports the selected path, pongs and frames, and a close as a failure', async () => {
  const { rtc, made, events, packets } = link({ relay: 'tcp' });
  rtc.effects.rtc_open({ pc_id: 1, ice_servers: [] });
  const { dc } = made[0];
  dc.readyState = 'open';
  dc.onopen();
  await tick();
  assert.deepEqual(events.find((e) => e.type === 'rtc_channel_open'),
    { type: 'rtc_channel_open', pc_id: 1, candidate_type: 'relay', relay_protocol: 'tcp' });
  rtc.effects.rtc_ping({ pc_id: 1, text: 'ping 4' });
  assert.deepEqual(dc.sent, ['ping 4'], 'the core\'s text, as it is');
  dc.onmessage({ data: 'pong 4 rx=48/50' });
  const frame = new ArrayBuffer(12);
  dc.onmessage({ data: frame });
  assert.deepEqual(events.filter((e) => e.type === 'rtc_pong'),
    [{ type: 'rtc_pong', pc_id: 1, text: 'pong 4 rx=48/50', received: 0, expected: 0 }],
    'the pong\'s text goes to the core, which reads it');
  assert.deepEqual(packets, [frame]);
  dc.onclose();
  dc.onclose();
  assert.deepEqual(events.filter((e) => e.type === 'rtc_failed'), [{ type: 'rtc_failed', pc_id: 1, reason: 'channel_closed' }]);
});

// The downlink's loss: the agent's frames on this connection,
// counted by seq, go to the core with each pong; a new connection counts anew.
test('each pong carries the count of the agent frames that arrived on the connection, by their seq', () => {
  const { rtc, made, events, packets } = link();
  const agentFrame = (seq) => {
    const bytes = new Uint8Array(10);
    bytes[0] = 1;
    new DataView(bytes.buffer).setUint16(2, seq);
    return bytes.buffer;
  };
  const pongs = () => events.filter((e) => e.type === 'rtc_pong').map(({ received, expected }) => [received, expected]);
  rtc.effects.rtc_open({ pc_id: 1, ice_servers: [] });
  for (const seq of [65533, 65534, 1, 0, 3, 3]) made[0].dc.onmessage({ data: agentFrame(seq) }); // 65535 and 2 lost, 0 late, 3 twice
  made[0].dc.onmessage({ data: new ArrayBuffer(5) }); // a runt: handed on (the runtime rejects it), not counted
  made[0].dc.onmessage({ data: 'pong 1' });
  assert.deepEqual(pongs(), [[5, 7]]);
  assert.equal(packets.length, 7, 'every frame still goes to the runtime');
  rtc.effects.rtc_open({ pc_id: 2, ice_servers: [] });
  made[1].dc.onmessage({ data: agentFrame(9) });
  made[1].dc.onmessage({ data: 'pong 1' });
  assert.deepEqual(pongs(), [[5, 7], [1, 1]], 'a new connection counts from zero');
});

test('frames go only to the named connection and are dropped, not queued, past the buffer bound', () => {
  const { rtc, made } = link();
  rtc.effects.rtc_open({ pc_id: 2, ice_servers: [] });
  const { dc } = made[0];
  assert.equal(rtc.send(2, 'f0', 2048), false, 'not open yet: the caller uses the socket');
  dc.readyState = 'open';
  assert.equal(rtc.send(1, 'f1', 2048), false, 'another connection');
  assert.equal(rtc.send(2, 'f2', 2048), true);
  dc.bufferedAmount = 4096;
  assert.equal(rtc.send(2, 'f3', 2048), true, 'dropped, and not sent on the socket either');
  assert.deepEqual(dc.sent, ['f2']);
  assert.equal(rtc.counts().dropped_full, 1);
});

test('a closed connection is shut and its late events are not reported', async () => {
  const { rtc, made, events } = link();
  rtc.effects.rtc_open({ pc_id: 4, ice_servers: [] });
  rtc.effects.rtc_close({ pc_id: 4 });
  assert.equal(made[0].closed, true);
  await tick(); // its offer completes after the close
  made[0].dc.onclose();
  made[0].dc.onmessage({ data: 'pong' });
  assert.deepEqual(events, []);
});

test('closeAll (the core that opened it failed) shuts the current connection, silently, and is a no-op without one', async () => {
  const { rtc, made, events } = link();
  rtc.closeAll();
  rtc.effects.rtc_open({ pc_id: 6, ice_servers: [] });
  rtc.closeAll();
  assert.equal(made[0].closed, true);
  await tick();
  made[0].dc.onclose();
  assert.deepEqual(events, [], 'nothing reported to a core');
  rtc.closeAll();
  assert.equal(made.length, 1);
});

test('an ICE restart: the fresh servers on the same connection, an iceRestart offer, open again once ICE reconnects', async () => {
  const { rtc, made, events } = link({ relay: 'udp' });
  rtc.effects.rtc_open({ pc_id: 5, ice_servers: [] });
  await until(() => events.length > 0);
  assert.deepEqual(events, [{ type: 'rtc_offer_ready', pc_id: 5, sdp: 'v=0 offer' }], 'the first offer, before the restart');
  const pc = made[0];
  pc.dc.readyState = 'open';
  pc.setIceConnectionState('connected');
  events.length = 0;
  const fresh = [{ urls: 'turn:127.0.0.1:3478', username: '2:x', credential: 'fresh' }];
  rtc.effects.rtc_restart({ pc_id: 5, ice_servers: fresh });
  assert.deepEqual(pc.config, { iceServers: fresh });
  pc.setIceConnectionState('checking'); // the new network: the old pair is gone
  await until(() => events.length > 0);
  assert.equal(made.length, 1, 'no new peer connection');
  assert.deepEqual(pc.offers, [{}, { iceRestart: true }]);
  assert.deepEqual(events, [{ type: 'rtc_offer_ready', pc_id: 5, sdp: 'v=0 restart' }]);
  rtc.effects.rtc_answer({ pc_id: 5, sdp: 'v=0 re-answer' });
  await tick();
  assert.deepEqual(pc.remote, { type: 'answer', sdp: 'v=0 re-answer' });
  assert.equal(events.length, 1, 'not open again before ICE is connected again');
  pc.setIceConnectionState('connected');
  await tick();
  assert.deepEqual(events.slice(1),
    [{ type: 'rtc_channel_open', pc_id: 5, candidate_type: 'relay', relay_protocol: 'udp' }]);
  rtc.effects.rtc_answer({ pc_id: 5, sdp: 'v=0 a later answer' }); // no restart running: not reported again
  pc.setIceConnectionState('completed');
  await tick();
  assert.equal(events.length, 2);
  assert.equal(rtc.send(5, 'f', 2048), true, 'the same channel carries the frames');
});

test('a restart of a connection that is not the current one does nothing', async () => {
  const { rtc, made, events } = link();
  rtc.effects.rtc_open({ pc_id: 6, ice_servers: [] });
  await until(() => events.length > 0);
  rtc.effects.rtc_restart({ pc_id: 7, ice_servers: [] });
  await tick();
  assert.deepEqual(made[0].offers, [{}]);
  assert.equal(events.length, 1);
});
