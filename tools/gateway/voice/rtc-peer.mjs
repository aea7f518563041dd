// One call's WebRTC leg at the gateway (docs/protocol.md, "Voice over
// WebRTC"): answers the widget's offer with werift (pinned 0.24.4, pure
// TypeScript) and carries the call's binary voice frames on the widget's
// data channel "voice" (unordered, maxRetransmits 0: what the gateway sends
// is made so in werift-abandon.mjs), both ways; the same
// 8-byte-header packets as on the WebSocket. A text "ping <n>…" on the
// channel is answered "pong <n>…" (the widget's liveness check and round
// trip, voice_ladder.hpp; channel-ping.mjs), with " rx=<received>/<expected>"
// when onPing(downlink) returns the call's frame counts (frame-count.js: the
// loss the widget's encoder adapts to); `downlink` is the encoding the
// ping asks for the agent's audio, or null. A frame given while the channel
// holds more than MAX_BUFFERED_BYTES unsent is dropped, not queued: played
// late it would only be a gap further on (the widget's kMaxBufferedBytes).
//
// answerRtc({sdp, iceServers, onPacket, onPing, onOpen, onClose, log}) -> Promise<{
//   sdp (the answer, every candidate in it: no trickle), send(bytes) -> 'sent' |
//   'full' (dropped: the channel is backed up) | false (not open),
//   restart(offerSdp) -> Promise<answer sdp> (the widget's ICE restart: the
//   same connection, data channel and DTLS, new ICE credentials and pairs),
//   open() -> bool, close(reason), blackhole(on = true) (a test control: drop
//   everything both ways from now on, pings included, as a dead path would;
//   off again with false) }>
// onClose(reason) is called once, whoever closed it; onPing(downlink) on each
// ping, returning {received, expected} or nothing.
//
// werift 0.24.4 answers an ICE restart on the same connection: a remote
// offer with a new ufrag/pwd restarts its ICE agent (new local credentials
// in the answer, fresh candidates gathered), the browser (the controlling
// agent) runs the checks and nominates, and DTLS and SCTP carry on over the
// new pair (tests/browser/voice-rtc-restart.test.mjs). Its own checks must
// not be started by hand (ice.start()): that leaves the agent "checking"
// when the browser nominates, it then never resumes consent freshness, and
// every send is dropped (seen: no pong after the restart).
import { RTCPeerConnection } from 'werift';
import { boundRetransmits } from './werift-abandon.mjs';
import { parsePing, pongText } from './channel-ping.mjs';

export const MAX_BUFFERED_BYTES = 2048; // as the widget's VoiceLadder::kMaxBufferedBytes

const GATHER_MS = 5000; // the widget's kSetupMs bounds the whole setup anyway

// werift skips loopback addresses unless named: the reference gateway runs
// on 127.0.0.1 in tests and demos, a real one on its public interface.
const LOOPBACK = ['127.0.0.1'];

function toWeriftServers(iceServers) {
  const out = [];
  for (const s of iceServers) {
    for (const urls of [s.urls].flat()) out.push({ urls, username: s.username, credential: s.credential });
  }
  return out;
}

// The widget offers once its gathering completed, so its offer ends with
// a=end-of-candidates, and browsers name their host addresses by mDNS
// (<uuid>.local; Firefox even after the microphone was granted), which
// only the shopper's own LAN can resolve. werift started its checks with
// what it could use and, with nothing, failed at once: a call from Firefox,
// or any offer without a STUN-reflexive candidate, fell to the WebSocket
// before the browser's first check arrived. So the gateway drops the mDNS
// candidates (werift would query the gateway's LAN for each, by a name the
// page chose, for 10 s) and the end marker: werift keeps its check list
// open and learns the browser's address from the browser's checks
// (peer-reflexive, RFC 8445 7.3.1.3). The widget's setup bound
// (VoiceLadder's kSetupMs) still ends a leg that never connects.
const MDNS_CANDIDATE = /^a=candidate:\S+ \d+ \S+ \d+ \S+\.local \d+ .*\r?\n/gim;
const END_OF_CANDIDATES = /^a=end-of-candidates\r?\n/gm;
export function awaitingPeerReflexive(offerSdp) {
  return offerSdp.replace(MDNS_CANDIDATE, '').replace(END_OF_CANDIDATES, '');
}

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, GATHER_MS);
    pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') { clearTimeout(timer); resolve(); }
    });
  });
}

export async function answerRtc({
  sdp, iceServers = [], onPacket, onPing = () => {}, onOpen = () => {}, onClose, log = () => {},
}) {
  const pc = new RTCPeerConnection({
    iceServers: toWeriftServers(iceServers),
    iceAdditionalHostAddresses: LOOPBACK,
  });
  let channel = null;
  let closed = false;
  let silent = false; // blackhole()

  const close = (reason) => {
    if (closed) return;
    closed = true;
    try { channel?.close(); } catch { /* already gone */ }
    pc.close().catch(() => {});
    onClose(reason);
  };

  pc.onDataChannel.subscribe((dc) => {
    if (dc.label !== 'voice' || channel) return;
    channel = dc;
    boundRetransmits(dc, { log }); // else werift resends lost agent frames (werift-abandon.mjs)
    dc.onMessage.subscribe((data) => {
      if (silent) return;
      if (typeof data === 'string') {
        const ping = parsePing(data);
        if (ping) dc.send(pongText(ping.n, onPing(ping.downlink)));
        return;
      }
      onPacket(data);
    });
    dc.stateChanged.subscribe((state) => { if (state === 'closed') close('channel_closed'); });
    if (dc.readyState === 'open') onOpen();
    else dc.stateChanged.subscribe((state) => { if (state === 'open') onOpen(); });
  });
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'failed' || state === 'closed') close(`connection_${state}`);
  });

  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: awaitingPeerReflexive(sdp) });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
  } catch (error) {
    log(`[server] voice: WebRTC answer failed: ${error?.message ?? error}`);
    close('answer_failed');
    throw error;
  }

  return {
    sdp: pc.localDescription.sdp,
    open: () => !closed && channel?.readyState === 'open',
    send(bytes) {
      if (closed || channel?.readyState !== 'open') return false;
      if (silent) return 'sent'; // swallowed, as by a dead path
      if (channel.bufferedAmount > MAX_BUFFERED_BYTES) return 'full';
      try { channel.send(Buffer.from(bytes)); return 'sent'; } catch { return false; }
    },
    close,
    blackhole: (on = true) => { silent = on; },
    async restart(offerSdp) {
      if (closed) throw new Error('closed');
      await pc.setRemoteDescription({ type: 'offer', sdp: awaitingPeerReflexive(offerSdp) });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      return pc.localDescription.sdp;
    },
  };
}
