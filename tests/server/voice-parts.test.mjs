// The voice gateway's pure parts: the packet header, the speech segmenter,
// paced playback, the voice fault settings and the control frame parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeVoicePacket, encodeVoicePacket } from '../../tools/gateway/voice/voice-packet.mjs';
import { SpeechSegmenter } from '../../tools/gateway/voice/speech-segmenter.mjs';
import { playPaced } from '../../tools/gateway/voice/paced-stream.mjs';
import { checkVoiceFaults, VoiceFaults } from '../../tools/gateway/testing/voice-faults.mjs';
import { parseVoiceFrame } from '../../tools/gateway/voice/voice-frames.mjs';
import { fakeClock } from '../node/fake-clock.mjs';

test('voice packets: the header bytes of voice_packet.hpp, and every malformed kind named', () => {
  const bytes = encodeVoicePacket({ flags: 0xff, seq: 0x1_0102, timestamp: 2 ** 32 + 0x03040506, payload: Buffer.from([9, 8]) });
  assert.deepEqual([...bytes], [1, 0x03, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 9, 8]);
  const { ok, packet } = decodeVoicePacket(bytes);
  assert.ok(ok);
  assert.deepEqual({ ...packet, payload: [...packet.payload] }, { flags: 3, seq: 0x0102, timestamp: 0x03040506, payload: [9, 8] });
  assert.equal(decodeVoicePacket(Buffer.from([1, 0, 0])).error, 'too_short');
  assert.equal(decodeVoicePacket(Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 7])).error, 'bad_version');
  assert.equal(decodeVoicePacket(Buffer.alloc(8, 0).fill(1, 0, 1)).error, 'empty_payload');
  const long = Buffer.alloc(8 + 1276);
  long[0] = 1;
  assert.equal(decodeVoicePacket(long).error, 'payload_too_long');
  assert.ok(decodeVoicePacket(long.subarray(0, 8 + 1275)).ok);
});

const frameAt = (dbfs) => new Int16Array(960).fill(Math.round(32768 * 10 ** (dbfs / 20)));
const feed = (seg, frames, dbfs) => {
  const results = [];
  for (let i = 0; i < frames; i++) { const r = seg.push(frameAt(dbfs)); if (r) results.push(r); }
  return results;
};

test('segmenter: a segment ends after 600 ms of quiet and reports its length', () => {
  const seg = new SpeechSegmenter();
  assert.deepEqual(feed(seg, 10, -70), []);
  assert.deepEqual(feed(seg, 50, -20), []); // 1 s of speech
  assert.equal(seg.speaking, true);
  assert.deepEqual(feed(seg, 10, -70), []); // a pause between words
  assert.deepEqual(feed(seg, 25, -20), []);
  assert.deepEqual(feed(seg, 29, -70), []); // 580 ms of quiet: not yet
  assert.deepEqual(feed(seg, 1, -70), [{ ended: true, ms: (50 + 10 + 25) * 20 }]);
  assert.equal(seg.speaking, false);
});

test('segmenter: clicks under 60 ms and segments under 200 ms are not speech', () => {
  const seg = new SpeechSegmenter();
  assert.deepEqual(feed(seg, 2, -20), []); // 40 ms: no onset
  feed(seg, 5, -70);
  assert.equal(seg.speaking, false);
  feed(seg, 9, -20); // 180 ms segment
  assert.equal(seg.speaking, true);
  assert.deepEqual(feed(seg, 40, -70), []);
  feed(seg, 10, -20); // 200 ms
  assert.deepEqual(feed(seg, 30, -70), [{ ended: true, ms: 200 }]);
});

// On a fake clock: which frames go out at which time, not how fast a loaded
// machine's timers happen to run.
const fakeTimers = () => {
  const clock = fakeClock();
  return { clock, now: clock.now, setTimer: clock.setTimeout, clearTimer: clock.clearTimeout };
};

test('paced playback: 3 frames at once, then each frame exactly when due, none early', () => {
  const { clock, ...timers } = fakeTimers();
  const t0 = clock.t;
  const sent = [];
  let done = false;
  playPaced(28, { ...timers, sendFrame: (i) => sent.push([i, clock.t - t0]), onDone: () => { done = true; } });
  assert.deepEqual(sent, [[0, 0], [1, 0], [2, 0]], 'the head start goes out at once');
  for (let t = t0 + 1; t <= t0 + 25 * 20; t += 1) clock.advance(t);
  assert.deepEqual(sent.map(([i]) => i), [...Array(28).keys()]);
  for (const [i, at] of sent.slice(3)) assert.equal(at, (i - 2) * 20, `frame ${i} sent at ${at} ms`);
  assert.equal(done, true);
});

test('paced playback: a late timer sends every due frame at once (no drift); stop() stops', () => {
  const { clock, ...timers } = fakeTimers();
  const t0 = clock.t;
  let count = 0;
  let done = false;
  const player = playPaced(100, { ...timers, sendFrame: () => { count += 1; }, onDone: () => { done = true; } });
  clock.advance(t0 + 100); // one timer, 80 ms late
  assert.equal(count, 3 + 5, 'frames due by 100 ms: the head start and five more');
  clock.advance(t0 + 110);
  assert.equal(count, 8, 'nothing early');
  clock.advance(t0 + 120);
  assert.equal(count, 9);
  player.stop();
  assert.equal(clock.timers.size, 0, 'stop() cancels the pending timer');
  clock.advance(t0 + 1000);
  assert.equal(count, 9);
  assert.equal(done, false);
});

test('voice faults: checked fields, cut armed once, the seed makes the choices repeatable', () => {
  assert.equal(checkVoiceFaults({ drop: 0.2, reorder: 0, jitter_ms: 40, cut_after_ms: null, seed: 7 }), null);
  assert.match(checkVoiceFaults({ drop: 2 }), /drop/);
  assert.match(checkVoiceFaults({ jitter_ms: 1.5 }), /jitter_ms/);
  assert.match(checkVoiceFaults({ cut_after_ms: -1 }), /cut_after_ms/);
  assert.match(checkVoiceFaults({ dropp: 0.1 }), /unknown field/);
  assert.match(checkVoiceFaults([]), /object/);
  const a = new VoiceFaults();
  const b = new VoiceFaults();
  a.set({ cut_after_ms: 100, seed: 5 });
  b.set({ seed: 5 });
  assert.deepEqual([a.random(), a.random()], [b.random(), b.random()]);
  assert.deepEqual(a.settings, { drop: 0, reorder: 0, jitter_ms: 0, cut_after_ms: 100 });
  assert.equal(a.takeCut(), 100);
  assert.equal(a.takeCut(), null);
});

test('voice control frames: call_id 1..64 characters, greeting a boolean, other voice.* ignored', () => {
  assert.deepEqual(parseVoiceFrame({ type: 'voice.start', call_id: 'c' }),
    { kind: 'voice', voice: { type: 'voice.start', call_id: 'c', greeting: false } });
  assert.deepEqual(parseVoiceFrame({ type: 'voice.end', call_id: 'c', extra: 1 }),
    { kind: 'voice', voice: { type: 'voice.end', call_id: 'c' } });
  assert.equal(parseVoiceFrame({ type: 'voice.start', call_id: 'x'.repeat(65) }).kind, 'bad');
  assert.equal(parseVoiceFrame({ type: 'voice.barge_in' }).kind, 'bad');
  assert.equal(parseVoiceFrame({ type: 'voice.start', call_id: 'c', greeting: 'yes' }).kind, 'bad');
  assert.deepEqual(parseVoiceFrame({ type: 'voice.mute', call_id: 'c' }), { kind: 'ignored', type: 'voice.mute' });
});

test('voice.rtc_offer: restart passes through only as true (an ICE restart of pc_id), anything but a boolean is refused', () => {
  const offer = { type: 'voice.rtc_offer', call_id: 'c', pc_id: 2, sdp: 'v=0' };
  assert.deepEqual(parseVoiceFrame(offer), { kind: 'voice', voice: offer });
  assert.deepEqual(parseVoiceFrame({ ...offer, restart: true }), { kind: 'voice', voice: { ...offer, restart: true } });
  assert.deepEqual(parseVoiceFrame({ ...offer, restart: false }), { kind: 'voice', voice: offer });
  assert.equal(parseVoiceFrame({ ...offer, restart: 'yes' }).kind, 'bad');
});
