// Voice over WebRTC, the browser's side (wasm/src/voice/call/voice_ladder.hpp decides
// when and which): makes the peer connection the core names, with its one
// data channel "voice" (unordered, maxRetransmits 0: a late frame is worse
// than a lost one), offers once every candidate is gathered (no trickle:
// one voice.rtc_offer, one answer), applies the answer, and reports what
// happened as events carrying the core's pc_id. A late event of a closed
// connection still carries its old id, and the core drops it.
//
//   const rtc = createRtcLink({ RTCPeerConnection, dispatch, onPacket, log });
//   table entries: rtc.effects (rtc_open, rtc_restart, rtc_answer, rtc_ping, rtc_close);
//   uplink: rtc.send(pcId, bytes, maxBufferedBytes) -> sent (false: not open)
//
// Agent frames from the channel go to onPacket(ArrayBuffer), and are counted
// by their seq (frame-count.js): each pong goes to the core with the count so
// far on this connection (rtc_pong received / expected), the downlink's loss
// the core asks the gateway's encoder to follow (voice_ladder.hpp).
//
// rtc_restart (a network change): the same connection and data channel,
// the fresh ICE servers (setConfiguration), an offer with iceRestart; once
// its answer is applied and ICE is connected again, rtc_channel_open once
// more with the pair now selected (the core waits for it, within its bound).

import { createFrameCount } from '../../wasm/bindings/frame-count.js';

const isRelay = (c) => c?.candidateType === 'relay';

// The selected ICE pair's local candidate: how the frames travel.
async function selectedPath(pc) {
  try {
    const stats = await pc.getStats();
    let pairId = null;
    stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId; });
    let pair = pairId ? stats.get(pairId) : null;
    if (!pair) stats.forEach((s) => { if (!pair && s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
    const local = pair ? stats.get(pair.localCandidateId) : null;
    return {
      candidate_type: String(local?.candidateType ?? ''),
      relay_protocol: isRelay(local) ? String(local.relayProtocol ?? '') : '',
    };
  } catch {
    return { candidate_type: '', relay_protocol: '' };
  }
}

// ICE connected on the current (restarted) credentials.
function iceConnected(pc) {
  const up = () => pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';
  if (up()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => { if (up()) { pc.removeEventListener('iceconnectionstatechange', check); resolve(); } };
    pc.addEventListener('iceconnectionstatechange', check);
  });
}

function nextGatheringComplete(pc) {
  return new Promise((resolve) => {
    const check = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', check);
  });
}

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
  });
}

export function createRtcLink({ RTCPeerConnection, dispatch, onPacket, log }) {
  let current = null; // {id, pc, dc}
  const counts = { sent: 0, received: 0, dropped_full: 0 };

  function shut(entry) {
    try { entry.dc.close(); } catch { /* already closed */ }
    try { entry.pc.close(); } catch { /* already closed */ }
  }

  function open({ pc_id: id, ice_servers: iceServers }) {
    if (current) shut(current);
    current = null;
    let pc;
    try {
      pc = new RTCPeerConnection({ iceServers });
    } catch (err) {
      log('warn', `voice: no peer connection: ${(err && err.message) || err}`);
      dispatch({ type: 'rtc_failed', pc_id: id, reason: 'unsupported' });
      return;
    }
    const dc = pc.createDataChannel('voice', { ordered: false, maxRetransmits: 0 });
    dc.binaryType = 'arraybuffer';
    const entry = { id, pc, dc, failed: false, agentFrames: createFrameCount() };
    current = entry;
    const live = () => current === entry;
    const fail = (reason) => {
      if (entry.failed || !live()) return;
      entry.failed = true;
      dispatch({ type: 'rtc_failed', pc_id: id, reason });
    };
    dc.onopen = () => selectedPath(pc).then((path) => { if (live()) dispatch({ type: 'rtc_channel_open', pc_id: id, ...path }); });
    dc.onclose = () => fail('channel_closed');
    dc.onmessage = (m) => {
      if (!live()) return;
      if (typeof m.data === 'string') {
        if (m.data.startsWith('pong')) dispatch({ type: 'rtc_pong', pc_id: id, text: m.data, ...entry.agentFrames.counts() });
        return;
      }
      counts.received++;
      // The 8-byte header's seq (docs/protocol.md, "Voice frames"); a runt is the runtime's to reject.
      if (m.data.byteLength >= 8) entry.agentFrames.frame(new DataView(m.data).getUint16(2));
      onPacket(m.data);
    };
    pc.onconnectionstatechange = () => { if (pc.connectionState === 'failed') fail('connection_failed'); };
    entry.fail = fail;
    offerOnce(entry, {});
  }

  function offerOnce(entry, options) {
    const { id, pc } = entry;
    // A restart gathers anew: wait for that gathering to complete, not the first one's state.
    const regathered = options.iceRestart ? nextGatheringComplete(pc) : null;
    (async () => {
      await pc.setLocalDescription(await pc.createOffer(options));
      await (regathered ?? gathered(pc));
      if (current === entry) dispatch({ type: 'rtc_offer_ready', pc_id: id, sdp: pc.localDescription.sdp });
    })().catch(() => entry.fail('offer_failed'));
  }

  function restart({ pc_id: id, ice_servers: iceServers }) {
    const entry = current;
    if (!entry || entry.id !== id) return;
    try {
      entry.pc.setConfiguration({ iceServers });
    } catch {
      entry.fail('restart_refused');
      return;
    }
    entry.restarting = true;
    offerOnce(entry, { iceRestart: true });
  }

  function answer({ pc_id: id, sdp }) {
    const entry = current;
    if (!entry || entry.id !== id) return;
    const applied = entry.pc.setRemoteDescription({ type: 'answer', sdp });
    if (entry.restarting) {
      entry.restarting = false;
      applied.then(() => iceConnected(entry.pc)).then(() => selectedPath(entry.pc)).then((path) => {
        if (current === entry && !entry.failed) dispatch({ type: 'rtc_channel_open', pc_id: id, ...path });
      }, () => {});
    }
    applied.catch(() => {
      if (current === entry && !entry.failed) {
        entry.failed = true;
        dispatch({ type: 'rtc_failed', pc_id: id, reason: 'answer_refused' });
      }
    });
  }

  // The core's text: "ping <n>", echoed as "pong <n> rx=…" (its RTT and loss).
  function ping({ pc_id: id, text = 'ping' }) {
    if (current?.id !== id || current.dc.readyState !== 'open') return;
    try { current.dc.send(text); } catch { /* closing: its close event reports it */ }
  }

  function close({ pc_id: id }) {
    if (current?.id !== id) return;
    const entry = current;
    current = null;
    shut(entry);
  }

  // A frame while the channel holds more than maxBuffered unsent is dropped:
  // it would only be played late (the core set the bound).
  function send(id, bytes, maxBuffered) {
    const entry = current;
    if (!entry || entry.id !== id || entry.dc.readyState !== 'open') return false;
    if (entry.dc.bufferedAmount > maxBuffered) { counts.dropped_full++; return true; }
    try { entry.dc.send(bytes); counts.sent++; } catch { return false; }
    return true;
  }

  return {
    effects: { rtc_open: open, rtc_restart: restart, rtc_answer: answer, rtc_ping: ping, rtc_close: close },
    send,
    counts: () => ({ ...counts }),
    // The core that opened it is gone (voice-effects.js stop()).
    closeAll: () => { if (current) close({ pc_id: current.id }); },
  };
}
