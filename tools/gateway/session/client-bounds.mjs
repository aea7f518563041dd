// The budgets that keep one misbehaving or hostile client from taking an
// instance from everyone else, each value in this one place. docs/security.md
// says, for each, the threat, the bound and what the client sees;
// docs/protocol.md ("Limits") the wire answers. startServer({bounds})
// lowers or raises them (tests lower them to hit each one quickly).
export const CLIENT_BOUNDS = Object.freeze({
  // A socket that has not said hello within this long is closed 4008
  // (the widget says hello as soon as the socket opens).
  helloTimeoutMs: 10_000,
  // Open sockets per client address on one instance; one more is closed
  // 1013 "try again later: address". The address is the socket's peer:
  // behind a proxy that is the proxy, so raise this there (docs/security.md).
  maxSocketsPerAddress: 256,
  // The shopper's voice packets per call, both paths (socket and data
  // channel): a 20 ms frame is 50 a second; 10 % headroom for a sender
  // whose audio clock runs fast, and a burst for what a stalled network
  // delivers at once (1 s). Packets beyond it are dropped and counted.
  voicePacketsPerSecond: 55,
  voicePacketBurst: 50,
  // A call whose dropped packets outrun this bucket (100 at once, then
  // 10 a second) is a flood: the call ends (error rate_limited
  // reason voice_flood, then voice.closed).
  voiceFloodDrops: 100,
  voiceFloodDropsPerSecond: 10,
  // Continue links per session still redeemable (each keeps up to 16 KiB
  // of saved products); a new offer past it retires the oldest, whose
  // secret and code then answer 410 expired.
  maxLiveContinueLinks: 3,
  // continue.offer per session (every instance, both stores) in a window;
  // past it, error continue_refused reason rate_limited (retry_after_ms).
  continueOffersPerWindow: 6,
  continueOfferWindowMs: 60_000,
  // Voice calls open at once on this instance (each holds a decoder and up
  // to 120 s of decoded audio, ~11.5 MB); one more voice.start is answered
  // error voice_unavailable reason over_capacity. A session has at most one
  // open call (another call_id's voice.start ends it), and an ended call
  // keeps only its counters.
  maxVoiceCalls: 200,
  // Of those, open at once from one client address (the trusted proxy's
  // X-Forwarded-For behind one; an IPv6 /64 as one): one more voice.start
  // from it is answered error voice_unavailable reason address, so one
  // client cannot hold every call. Generous: a household or an office
  // behind one NAT may call at once.
  maxVoiceCallsPerAddress: 8,
  // Ended calls' counters (greeted, utterance and seq numbers) a session
  // remembers, so a resumed call_id continues without a second greeting;
  // the oldest is forgotten past it.
  maxCallRecordsPerSession: 8,
  // The record's voice minutes (voice/call-time.mjs): a call's stretches
  // (each voice.start to its end) add up into one row per call, written at
  // most once per voiceTimeReportMs while it grows and once when the
  // session ends; a session has at most voiceTimeRowsPerSession rows (further
  // calls' time goes into its newest). So voice.start/voice.end floods cost
  // the record no more writes than one long call.
  voiceTimeReportMs: 60_000,
  voiceTimeRowsPerSession: 16,
  // Nesting of arrays and objects in a client's text frame (the frame
  // itself is level 1; the deepest real frame, continue.offer, is 4 or 5):
  // deeper is bad_frame reason too_deep, before any of it is used.
  maxFrameDepth: 32,
  // Replies to refused voice packets (no open call, malformed) per
  // connection: a burst, then this many a second; the rest are dropped
  // and counted (packet_replies_dropped), so a packet stream costs no
  // reply each.
  refusedPacketReplies: 10,
  refusedPacketRepliesPerSecond: 1,
  // Text frames per connection: a burst, then this many a second (the
  // widget sends a few: a ping, a message, presence; a call's binary voice
  // packets have their own budget above). Past it a frame is dropped unread (counted
  // ws_frame_rate), so a flood of any frame costs its sender, not the
  // instance; a connection that keeps going (this many dropped) is closed
  // 1013 "try again later: frame rate" (the widget backs off and resumes).
  frameBurst: 400,
  framesPerSecond: 200,
  frameDropsBeforeClose: 200,
});

export function clientBoundsWith(overrides = {}) {
  const bounds = { ...CLIENT_BOUNDS };
  for (const name of Object.keys(CLIENT_BOUNDS)) {
    if (overrides[name] === undefined) continue;
    const value = overrides[name];
    if (!Number.isInteger(value) || value < 1) throw new Error(`bounds.${name} must be an integer >= 1`);
    bounds[name] = value;
  }
  return Object.freeze(bounds);
}
