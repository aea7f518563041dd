// Makes werift 0.24.4 honour the widget's unreliable "voice" channel on
// what the gateway sends (the rungs bench saw lost agent frames
// resent late, queueing fresh frames behind them).
//
// Why: werift passes a channel's limits to its SCTP association per message
// (transport/sctp.ts dataChannelFlush -> SCTP.send), which abandons a chunk
// in maybeAbandon when `!!chunk.maxRetransmits && maxRetransmits < sentCount`
// or `!!chunk.expiry && chunk.expiry < Date.now() / 1000` (seconds). Neither
// fires for the widget's channel: maxRetransmits 0 is falsy, and a
// maxPacketLifeTime becomes `Date.now() + ms / 1000` (milliseconds plus
// seconds), never below the seconds it is compared with. So every lost
// frame is retransmitted until acknowledged, as on a reliable channel.
//
// What: for one channel, the association's send() gets a bound it honours:
// an expiry in seconds, now (maxRetransmits 0: a chunk is abandoned the first
// time it would be retransmitted, on 3 missed SACKs or T3, and a FORWARD-TSN
// tells the browser) or now + maxPacketLifeTime; maxRetransmits > 0 is left
// as werift has it (that branch works). The first transmission is never
// checked, so every frame is still sent once. Other channels and werift's own
// DCEP messages pass untouched. Known werift quirk kept: maybeAbandon marks
// the head of its sent queue (findIndex by chunk type), not the chunk it was
// asked about; on the voice-only association the head is the oldest
// outstanding voice frame, so a frame is still never resent, only abandoned
// one detection later.
//
// Guarded: written against werift 0.24.4 only. Another version is not
// adjusted (it may have fixed this, or changed what is wrapped) and is
// logged; tests/server/werift-abandon.test.mjs fails on it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const WERIFT_ADJUSTED_VERSION = '0.24.4';

// The installed werift's version (its exports map hides package.json).
export function weriftVersion() {
  let dir = path.dirname(createRequire(import.meta.url).resolve('werift'));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.name === 'werift') return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

// The expiry (seconds, as maybeAbandon compares it) that gives `channel`'s
// limits, or undefined when werift handles them itself (reliable, or
// maxRetransmits > 0).
export function expiryFor(channel, nowMs) {
  if (channel.maxRetransmits === 0) return nowMs / 1000;
  if (channel.maxPacketLifeTime !== null && channel.maxPacketLifeTime !== undefined) {
    return (nowMs + channel.maxPacketLifeTime) / 1000;
  }
  return undefined;
}

// Adjusts the association under `channel` (an open werift RTCDataChannel)
// for that channel's stream. Returns true when adjusted; false, after
// log(), when werift is not the version this was written for or its
// association is not where 0.24.4 keeps it. `version` is for tests.
export function boundRetransmits(channel, { log = () => {}, version = weriftVersion() } = {}) {
  if (version !== WERIFT_ADJUSTED_VERSION) {
    log(`[server] voice: werift ${version} is not ${WERIFT_ADJUSTED_VERSION}: its unreliable channels are not adjusted (werift-abandon.mjs)`);
    return false;
  }
  const sctp = channel.sctp?.sctp;
  if (typeof sctp?.send !== 'function' || typeof sctp.maybeAbandon !== 'function') {
    log('[server] voice: werift\'s SCTP association not found: unreliable channels are not adjusted (werift-abandon.mjs)');
    return false;
  }
  if (expiryFor(channel, 0) === undefined) return true; // nothing werift gets wrong
  const streamId = channel.id;
  const send = sctp.send;
  sctp.send = (stream, ppId, data, options = {}) => {
    if (stream !== streamId || options.expiry === undefined && options.maxRetransmits === undefined) {
      return send(stream, ppId, data, options); // another channel, or DCEP (reliable)
    }
    return send(stream, ppId, data, { ...options, maxRetransmits: undefined, expiry: expiryFor(channel, Date.now()) });
  };
  return true;
}
