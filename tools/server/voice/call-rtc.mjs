// The WebRTC legs of the gateway's voice calls (docs/protocol.md, "Voice
// over WebRTC"): the voice.rtc_* frames, one leg per call at most (a new
// offer replaces the old leg), and where the agent's frames go: on the
// leg's data channel while it is open, else on the call's WebSocket. The
// widget's frames from either path reach the same `hear` (voice-gateway.mjs),
// so the voice agent cannot tell them apart.
//
// createCallRtc({ enabled, turn (turn-credentials.mjs config or null), answer
// (rtc-peer.mjs answerRtc, injectable), hear(call, bytes), log }) -> {
//   offered(conn), handles(type), control(call|null, conn, voice.rtc_* frame),
//   request(call, conn), offer(call, conn, frame),
//   closeByWidget(call, pcId), end(call), downlink(call, conn), kill(mode),
//   summary(call), totals(), resetTotals() }
import { answerRtc } from './rtc-peer.mjs';
import { iceServersFor } from './turn-credentials.mjs';
import { rtcAnswerFrame, rtcClosedFrame, rtcConfigFrame } from './voice-frames.mjs';

export function createCallRtc({ enabled = true, turn = null, answer = answerRtc, hear, log }) {
  const legs = new Map(); // call -> { pcId, leg|null, blackholed }
  const totals = { rtc_offers: 0, rtc_opened: 0, rtc_closed: 0, frames_received_rtc: 0, frames_sent_rtc: 0, frames_sent_ws: 0 };

  // Only to a widget whose hello said it carries voice over WebRTC.
  const offered = (conn) => enabled && conn.features?.has('rtc') === true;

  function request(call, conn) {
    if (!offered(conn)) return;
    conn.send(rtcConfigFrame(call.id, iceServersFor(turn, call.id)));
  }

  // `tell`: say voice.rtc_closed on the call's socket (not when the widget closed it).
  function drop(call, reason, tell) {
    const entry = legs.get(call);
    if (!entry) return;
    legs.delete(call);
    totals.rtc_closed += 1;
    entry.leg?.close(reason);
    if (tell) call.conn?.send(rtcClosedFrame(call.id, entry.pcId, reason));
    log(`[server] voice: call ${call.id} WebRTC leg ${entry.pcId} closed (${reason}); frames on the WebSocket`);
  }

  async function offer(call, conn, { pc_id: pcId, sdp }) {
    if (!offered(conn)) return;
    drop(call, 'replaced', false);
    totals.rtc_offers += 1;
    const entry = { pcId, leg: null, blackholed: false };
    legs.set(call, entry);
    try {
      entry.leg = await answer({
        sdp,
        onPacket: (bytes) => {
          if (entry.blackholed || legs.get(call) !== entry) return;
          totals.frames_received_rtc += 1;
          hear(call, bytes);
        },
        onOpen: () => { totals.rtc_opened += 1; },
        onClose: (reason) => { if (legs.get(call) === entry) drop(call, reason, true); },
        log,
      });
    } catch {
      if (legs.get(call) === entry) drop(call, 'answer_failed', true);
      return;
    }
    if (legs.get(call) !== entry) { entry.leg.close('replaced'); return; } // ended or replaced meanwhile
    conn.send(rtcAnswerFrame(call.id, pcId, entry.leg.sdp));
  }

  function closeByWidget(call, pcId) {
    if (legs.get(call)?.pcId === pcId) drop(call, 'widget_closed', false);
  }

  // The widget's voice.rtc_* frames, for the call open on its connection
  // (`call` null: none is).
  const CONTROL_TYPES = new Set(['voice.rtc_request', 'voice.rtc_offer', 'voice.rtc_close']);
  const handles = (type) => CONTROL_TYPES.has(type);
  function control(call, conn, frame) {
    if (!call || call.id !== frame.call_id) return undefined; // a late frame of another call
    if (frame.type === 'voice.rtc_request') return request(call, conn);
    if (frame.type === 'voice.rtc_close') return closeByWidget(call, frame.pc_id);
    return offer(call, conn, frame);
  }

  // The call ended or lost its socket: its leg goes with it, silently.
  const end = (call) => drop(call, 'call_ended', false);

  // What audio-out.mjs writes to: the data channel while open, else the socket.
  function downlink(call, conn) {
    return {
      send: (frame) => conn.send(frame),
      sendBinary(bytes) {
        const entry = legs.get(call);
        if (entry && !entry.blackholed && entry.leg?.open()) {
          if (entry.leg.send(bytes)) { totals.frames_sent_rtc += 1; return; }
        }
        totals.frames_sent_ws += 1;
        conn.sendBinary(bytes);
      },
    };
  }

  // Test control: 'close' ends every leg and says so; 'blackhole' keeps them
  // but drops everything both ways (pings included), as a dead path would.
  function kill(mode) {
    let n = 0;
    for (const [call, entry] of [...legs]) {
      n += 1;
      if (mode === 'blackhole') { entry.blackholed = true; entry.leg?.blackhole?.(); } else drop(call, 'closed', true);
    }
    return n;
  }

  function summary(call) {
    const entry = legs.get(call);
    if (!entry) return null;
    return { pc_id: entry.pcId, open: entry.leg?.open() ?? false, blackholed: entry.blackholed };
  }

  const resetTotals = () => { for (const key of Object.keys(totals)) totals[key] = 0; };

  return {
    offered, handles, control, request, offer, closeByWidget, end, downlink, kill, summary, totals: () => ({ ...totals }), resetTotals,
  };
}
