// The gateway's downlink on the widget's unreliable channel is not
// retransmitted (tools/gateway/voice/werift-abandon.mjs): the gateway's leg
// (rtc-peer.mjs) answers a werift peer playing the widget, whose channel is
// opened as the widget's (unordered, maxRetransmits 0); the widget's SCTP
// drops the first arrival of some agent frames, as a lossy path would, and
// every frame's DATA must reach it at most once: the dropped ones never come
// back, the others all arrive. Plus the guard: the adjustment is written for
// werift 0.24.4 and says so when another version is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RTCPeerConnection } from 'werift';
import { answerRtc } from '../../tools/gateway/voice/rtc-peer.mjs';
import {
  WERIFT_ADJUSTED_VERSION, boundRetransmits, expiryFor, weriftVersion,
} from '../../tools/gateway/voice/werift-abandon.mjs';
import { decodeVoicePacket, encodeVoicePacket } from '../../tools/gateway/voice/voice-packet.mjs';

const until = (check, ms = 10000) => new Promise((resolve, reject) => {
  const end = Date.now() + ms;
  const poll = () => {
    if (check()) resolve();
    else if (Date.now() > end) reject(new Error('timed out'));
    else setTimeout(poll, 10);
  };
  poll();
});
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

test(`werift is ${WERIFT_ADJUSTED_VERSION}, the version werift-abandon.mjs adjusts`, () => {
  assert.equal(weriftVersion(), WERIFT_ADJUSTED_VERSION,
    'werift changed: re-read its maybeAbandon and dataChannelFlush, then re-port or remove werift-abandon.mjs');
});

test('another werift version is left alone, loudly', () => {
  const logs = [];
  const sctp = { send() {}, maybeAbandon() {} };
  const send = sctp.send;
  const channel = { id: 1, maxRetransmits: 0, maxPacketLifeTime: null, sctp: { sctp } };
  assert.equal(boundRetransmits(channel, { log: (l) => logs.push(l), version: '0.25.0' }), false);
  assert.equal(sctp.send, send);
  assert.match(logs.join('\n'), /werift 0\.25\.0 is not 0\.24\.4/);
  assert.equal(boundRetransmits({ ...channel, sctp: {} }, { log: (l) => logs.push(l) }), false);
  assert.match(logs.at(-1), /association not found/);
});

test('expiries are in seconds, as werift compares them', () => {
  assert.equal(expiryFor({ maxRetransmits: 0, maxPacketLifeTime: null }, 5000), 5);
  assert.equal(expiryFor({ maxRetransmits: null, maxPacketLifeTime: 250 }, 5000), 5.25);
  assert.equal(expiryFor({ maxRetransmits: 2, maxPacketLifeTime: null }, 5000), undefined);
  assert.equal(expiryFor({ maxRetransmits: null, maxPacketLifeTime: null }, 5000), undefined);
});

// The voice seqs of the DATA chunks in one SCTP packet (RFC 4960: a 12-byte
// common header, then chunks of type, flags, length, padded to 4 bytes; a
// DATA chunk's user data starts 16 bytes in).
function voiceSeqs(packet) {
  const seqs = [];
  for (let at = 12; at + 4 <= packet.length;) {
    const length = packet.readUInt16BE(at + 2);
    if (length < 4) break;
    if (packet[at] === 0 && length > 16) {
      const voice = decodeVoicePacket(packet.subarray(at + 16, at + length));
      if (voice.ok) seqs.push(voice.packet.seq);
    }
    at += Math.ceil(length / 4) * 4;
  }
  return seqs;
}

test('agent frames lost on the way are abandoned, not resent late', async () => {
  const widget = new RTCPeerConnection({ iceAdditionalHostAddresses: ['127.0.0.1'] });
  const dc = widget.createDataChannel('voice', { ordered: false, maxRetransmits: 0 });
  await widget.setLocalDescription(await widget.createOffer());
  await until(() => widget.iceGatheringState === 'complete');
  const leg = await answerRtc({ sdp: widget.localDescription.sdp, onPacket: () => {}, onClose: () => {} });
  const delivered = [];
  dc.onMessage.subscribe((m) => { if (typeof m !== 'string') delivered.push(decodeVoicePacket(m).packet.seq); });
  await widget.setRemoteDescription({ type: 'answer', sdp: leg.sdp });

  try {
    await until(() => dc.readyState === 'open' && leg.open());
    // The lossy path, at the widget's end: the first arrival of each frame
    // in DROP is lost; every DATA arrival is counted per seq.
    const FRAMES = 100;
    const DROP = new Set([10, 25, 40, 41, 60, 75, 90]);
    const arrivals = new Map();
    const sctp = widget.sctpTransport.sctp;
    const handleData = sctp.handleData.bind(sctp);
    sctp.handleData = (packet) => {
      let lose = false;
      for (const seq of voiceSeqs(packet)) {
        const n = (arrivals.get(seq) ?? 0) + 1;
        arrivals.set(seq, n);
        if (n === 1 && DROP.has(seq)) lose = true;
      }
      return lose ? undefined : handleData(packet);
    };

    const payload = Buffer.alloc(60, 7); // about an agent frame's Opus packet
    for (let seq = 0; seq < FRAMES; seq++) {
      assert.equal(leg.send(encodeVoicePacket({ seq, timestamp: seq * 960, payload })), 'sent');
      await sleep(20);
    }
    // Long enough for werift's fast retransmit (3 missed SACKs) and its T3
    // timer (RTO at least 1 s) to resend anything it still holds.
    await sleep(3000);

    const resent = [...arrivals].filter(([, n]) => n > 1).map(([seq]) => seq);
    assert.deepEqual(resent, [], 'no frame reaches the widget twice (a retransmission)');
    assert.deepEqual(delivered.filter((seq) => DROP.has(seq)), [], 'no lost frame is delivered later');
    const expected = [...Array(FRAMES).keys()].filter((seq) => !DROP.has(seq));
    assert.deepEqual([...delivered].sort((a, b) => a - b), expected, 'every other frame arrives, once');
  } finally {
    leg.close('test');
    await widget.close();
  }
});
