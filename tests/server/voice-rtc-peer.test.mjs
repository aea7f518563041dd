// The gateway's WebRTC leg (tools/gateway/voice/rtc-peer.mjs) against a
// werift peer playing the widget: the answer carries loopback candidates,
// binary frames cross the unordered channel both ways unchanged, a ping is
// answered with a pong of its number (with the call's frame counts when
// onPing gives them; onPing hears the downlink encoding the ping asks for),
// and closing reports the close once. (werift notices
// a peer that closed only after its ~30 s ICE timeout: the widget says
// voice.rtc_close on the WebSocket instead.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { RTCPeerConnection } from 'werift';
import { MAX_BUFFERED_BYTES, answerRtc, awaitingPeerReflexive } from '../../tools/gateway/voice/rtc-peer.mjs';

async function widgetOffer() {
  const pc = new RTCPeerConnection({ iceAdditionalHostAddresses: ['127.0.0.1'] });
  const dc = pc.createDataChannel('voice', { ordered: false, maxRetransmits: 0 });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    else pc.iceGatheringStateChange.subscribe((s) => { if (s === 'complete') resolve(); });
  });
  return { pc, dc, sdp: pc.localDescription.sdp };
}

const until = (check, { timeout = 15_000, what = 'the condition' } = {}) => new Promise((resolve, reject) => {
  const deadline = Date.now() + timeout;
  const poll = () => {
    if (check()) resolve();
    else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
    else setTimeout(poll, 10);
  };
  poll();
});

// The offer as Firefox makes it: every host address an mDNS name, and the
// end-of-candidates marker of an offer made after gathering.
function asMdnsOnly(sdp) {
  const hidden = sdp.replace(/^(a=candidate:\S+ \d+ \S+ \d+ )\S+( \d+ )/gm, (_, head, tail) => `${head}${randomUUID()}.local${tail}`);
  return /^a=end-of-candidates/m.test(hidden) ? hidden : hidden.replace(/\r?\n$/, '\r\na=end-of-candidates\r\n');
}

test('frames cross the data channel both ways unchanged and a ping is answered with a pong', async () => {
  const widget = await widgetOffer();
  const atGateway = [];
  const closes = [];
  let opened = false;
  const counts = [null, { received: 48, expected: 50 }]; // what onPing gives, ping by ping
  const asked = [];
  const leg = await answerRtc({
    sdp: widget.sdp, onPacket: (b) => atGateway.push(Buffer.from(b)), onOpen: () => { opened = true; },
    onClose: (r) => closes.push(r), onPing: (downlink) => { asked.push(downlink); return counts.shift(); },
  });
  assert.match(leg.sdp, /a=candidate:.* 127\.0\.0\.1 /, 'the answer names a loopback candidate');
  const atWidget = [];
  widget.dc.onMessage.subscribe((m) => atWidget.push(m));
  await widget.pc.setRemoteDescription({ type: 'answer', sdp: leg.sdp });
  await until(() => widget.dc.readyState === 'open' && leg.open());
  assert.equal(opened, true);

  try {
    const up = Buffer.from([0, 0, 0, 1, 0, 0, 3, 192, 9, 9, 9]);
    widget.dc.send(up);
    assert.equal(leg.send(Buffer.from([1, 2, 3])), 'sent');
    widget.dc.send('ping 7');
    await until(() => atWidget.length === 2);
    widget.dc.send('ping 8 dl=16000/1/20');
    await until(() => atGateway.length === 1 && atWidget.length === 3);
    assert.deepEqual(atGateway[0], up);
    const texts = atWidget.filter((m) => typeof m === 'string');
    const binary = atWidget.filter((m) => typeof m !== 'string');
    assert.deepEqual(texts, ['pong 7', 'pong 8 rx=48/50']);
    assert.deepEqual(asked, [null, { bitrate: 16000, fec: true, lossPerc: 20 }]);
    assert.deepEqual([...binary[0]], [1, 2, 3]);
  } catch (error) {
    leg.close('failed');
    await widget.pc.close(); // else the open connections keep the run alive
    throw error;
  }

  leg.close('test');
  leg.close('again');
  assert.deepEqual(closes, ['test']);
  assert.equal(leg.send(Buffer.from([1])), false);
  await widget.pc.close();
});

// A frame given while werift still holds more than MAX_BUFFERED_BYTES of
// earlier ones unsent is dropped ('full'), not queued: a burst of 40 in one
// tick, and what was 'sent' is exactly what arrives.
test('frames past the buffer bound are dropped, not queued, and the channel takes frames again once it drained', async () => {
  const widget = await widgetOffer();
  const leg = await answerRtc({ sdp: widget.sdp, onPacket: () => {}, onClose: () => {} });
  const arrived = [];
  widget.dc.onMessage.subscribe((m) => arrived.push(m));
  await widget.pc.setRemoteDescription({ type: 'answer', sdp: leg.sdp });
  try {
    await until(() => widget.dc.readyState === 'open' && leg.open());
    const results = [];
    for (let i = 0; i < 40; i += 1) results.push(leg.send(Buffer.alloc(120, i)));
    const sent = results.filter((r) => r === 'sent').length;
    assert.ok(sent >= Math.floor(MAX_BUFFERED_BYTES / 120) && sent < 40, `sent ${sent} of 40: ${results.join(' ')}`);
    assert.deepEqual(results.slice(sent), Array(40 - sent).fill('full'), 'once full, every later one dropped');
    await until(() => arrived.length === sent);
    await new Promise((resolve) => { setTimeout(resolve, 200); });
    assert.equal(arrived.length, sent, 'the dropped ones never come');
    assert.deepEqual(arrived.map((m) => m[0]), [...Array(sent).keys()]);
    assert.equal(leg.send(Buffer.alloc(120, 99)), 'sent', 'drained: sent again');
  } finally {
    leg.close('test');
    await widget.pc.close();
  }
});

test('the gateway drops only mDNS candidates and the end-of-candidates marker from an offer', () => {
  const offer = [
    'v=0', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'a=candidate:1 1 udp 2122260223 3f6c1a2e-9d0b-4c47-8f7e-1b2a3c4d5e6f.local 50000 typ host',
    'a=candidate:2 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 0.0.0.0 rport 0',
    'a=candidate:3 1 UDP 8331263 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 40000',
    'a=end-of-candidates', 'a=sctp-port:5000', '',
  ].join('\r\n');
  assert.equal(awaitingPeerReflexive(offer), [
    'v=0', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'a=candidate:2 1 udp 1686052607 203.0.113.7 40000 typ srflx raddr 0.0.0.0 rport 0',
    'a=candidate:3 1 UDP 8331263 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 40000',
    'a=sctp-port:5000', '',
  ].join('\r\n'));
});

// Before, werift started its checks with no candidate it could use, failed
// at once, and every Firefox call fell to the WebSocket.
test('an offer whose only candidates are mDNS names still opens the channel: the gateway learns the address from the checks', async () => {
  const widget = await widgetOffer();
  const sdp = asMdnsOnly(widget.sdp);
  const candidates = sdp.match(/^a=candidate:.*$/gm) ?? [];
  assert.ok(candidates.length > 0 && candidates.every((c) => / \S+\.local \d+ typ host/.test(c)), candidates.join('\n'));
  assert.match(sdp, /^a=end-of-candidates/m);
  const atGateway = [];
  const closes = [];
  const leg = await answerRtc({ sdp, onPacket: (b) => atGateway.push(Buffer.from(b)), onClose: (r) => closes.push(r) });
  try {
    await widget.pc.setRemoteDescription({ type: 'answer', sdp: leg.sdp });
    await until(() => (widget.dc.readyState === 'open' && leg.open()) || closes.length > 0, { what: 'the channel to open' });
    assert.deepEqual(closes, [], 'the leg did not close');
    widget.dc.send(Buffer.from([0, 0, 0, 1, 7]));
    await until(() => atGateway.length === 1, { what: 'the frame at the gateway' });
    assert.deepEqual([...atGateway[0]], [0, 0, 0, 1, 7]);
  } finally {
    leg.close('test');
    await widget.pc.close();
  }
});
