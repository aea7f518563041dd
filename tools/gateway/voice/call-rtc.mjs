// The WebRTC legs of the gateway's voice calls (docs/protocol.md, "Voice
// over WebRTC"): the voice.rtc_* frames, one leg per call at most (a new
// offer replaces the old leg; an offer with `restart` for the leg's own
// pc_id is an ICE restart of that leg), and where the agent's frames go: on
// the leg's data channel while it is open, else on the call's WebSocket. A
// restarting leg sends on the socket too, until the widget's first ping or
// frame on the channel says the path works again (the widget's frames ride
// the socket meanwhile: voice_ladder.hpp). Each voice.rtc_config carries
// freshly minted TURN credentials (a new id each time), as many as the
// session's TURN budget allows (a burst of 8, then one a minute, across all
// its calls and sockets): past it, the config carries no TURN server, so a
// session that asks in a loop gets no relay capacity while the call goes on
// directly or on the WebSocket (docs/security.md, "TURN credentials"). The
// widget's frames from either path reach the same `hear` (voice-gateway.mjs),
// so the voice agent cannot tell them apart. The encoding the widget's pings
// ask for the agent's audio (channel-ping.mjs dl=) belongs to the leg: on
// the socket, or on a new leg, the agent's audio is encoded as ever.
//
// createCallRtc({ enabled, turn (turn-credentials.mjs config or null), answer
// (rtc-peer.mjs answerRtc, injectable), hear(call, bytes), uplink(call) ->
// {received, expected} (the call's frame counts, told in each pong), log,
// turnBudget ({burst, refillMs}: TURN_BUDGET), now }) -> {
//   offered(conn), handles(type), control(call|null, conn, voice.rtc_* frame),
//   request(call, conn), offer(call, conn, frame),
//   closeByWidget(call, pcId), end(call), downlink(call, conn),
//   downlinkEncoding(call) -> {bitrate, fec, lossPerc} | null (for the agent's
//   next utterance; null: the clean one), kill(mode, {ms}),
//   uplinkLoss(every) (test control: drop every n-th widget frame arriving on a leg),
//   summary(call), totals(), resetTotals() }
import { sameDownlink } from './channel-ping.mjs';
import { answerRtc } from './rtc-peer.mjs';
import { iceServersFor } from './turn-credentials.mjs';
import { rtcAnswerFrame, rtcClosedFrame, rtcConfigFrame } from './voice-frames.mjs';

// A widget asks for a config when its call starts, at each ICE restart and
// each new peer connection (network changes): a few per call, rarely more.
export const TURN_BUDGET = Object.freeze({ burst: 8, refillMs: 60_000 });

export function createCallRtc({
  enabled = true, turn = null, answer = answerRtc, hear, uplink = () => null, log, turnBudget = TURN_BUDGET, now = Date.now,
}) {
  const legs = new Map(); // call -> { pcId, leg|null, blackholed, restarting, downlink }
  const configsFor = new WeakMap(); // call -> how many configs it was sent
  const turnLeft = new WeakMap(); // session (or call, without one) -> { tokens, at }: its TURN budget
  let lossEvery = 0; // uplinkLoss(): every n-th widget frame on a leg dropped (0: none)
  let arrived = 0;
  const totals = {
    rtc_configs: 0, rtc_turn_withheld: 0, rtc_offers: 0, rtc_restarts: 0, rtc_opened: 0, rtc_closed: 0,
    frames_received_rtc: 0, bytes_received_rtc: 0, frames_sent_rtc: 0, bytes_sent_rtc: 0, frames_sent_ws: 0,
    frames_dropped_full_rtc: 0, // the channel backed up: stale, not queued (rtc-peer.mjs)
    utterances_adapted: 0, // encoded as a widget's ping asked (downlinkEncoding)
  };

  // Only to a widget whose hello said it carries voice over WebRTC.
  const offered = (conn) => enabled && conn.features?.has('rtc') === true;

  function request(call, conn) {
    if (!offered(conn)) return;
    // "<call>.<n>": the n-th config's credentials differ from the others even within one second.
    const n = (configsFor.get(call) ?? 0) + 1;
    configsFor.set(call, n);
    totals.rtc_configs += 1;
    const mayRelay = turn !== null && takeTurnCredential(call.session ?? call);
    if (turn !== null && !mayRelay) {
      totals.rtc_turn_withheld += 1;
      log(`[server] voice: call ${call.id.slice(0, 8)} asked for TURN credentials past its session's budget: none sent`);
    }
    conn.send(rtcConfigFrame(call.id, mayRelay ? iceServersFor(turn, `${call.id}.${n}`) : []));
  }

  // A token bucket per session: `burst` at first, one more each `refillMs`.
  function takeTurnCredential(owner) {
    const t = now();
    const held = turnLeft.get(owner) ?? { tokens: turnBudget.burst, at: t };
    const tokens = Math.min(turnBudget.burst, held.tokens + (t - held.at) / turnBudget.refillMs);
    if (tokens < 1) {
      turnLeft.set(owner, { tokens, at: t });
      return false;
    }
    turnLeft.set(owner, { tokens: tokens - 1, at: t });
    return true;
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

  async function offer(call, conn, { pc_id: pcId, sdp, restart }) {
    if (!offered(conn)) return;
    const current = legs.get(call);
    if (restart === true && current?.pcId === pcId && current.leg) return restartLeg(call, conn, current, sdp);
    drop(call, 'replaced', false);
    totals.rtc_offers += 1;
    const entry = { pcId, leg: null, blackholed: false, restarting: false, downlink: null };
    legs.set(call, entry);
    try {
      entry.leg = await answer({
        sdp,
        onPacket: (bytes) => {
          if (entry.blackholed || legs.get(call) !== entry) return;
          entry.restarting = false;
          if (lossEvery > 0 && ++arrived % lossEvery === 0) return; // a lossy uplink (test control)
          totals.frames_received_rtc += 1;
          totals.bytes_received_rtc += bytes.byteLength ?? bytes.length;
          hear(call, bytes);
        },
        onPing: (downlink = null) => {
          entry.restarting = false;
          if (!sameDownlink(downlink, entry.downlink)) {
            entry.downlink = downlink;
            const what = downlink ? `${downlink.bitrate / 1000} kbit/s, FEC ${downlink.fec ? 'on' : 'off'}, ${downlink.lossPerc} %` : 'clean';
            log(`[server] voice: call ${call.id} the widget asks for the agent's audio ${what}`);
          }
          return uplink(call);
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

  // The widget's ICE restart of the leg (a network change): same leg, new
  // ICE pairs; a restart the leg cannot answer closes it, and the widget
  // makes a new peer connection.
  async function restartLeg(call, conn, entry, sdp) {
    totals.rtc_restarts += 1;
    entry.restarting = true;
    let answerSdp;
    try {
      answerSdp = await entry.leg.restart(sdp);
    } catch (error) {
      log(`[server] voice: call ${call.id} ICE restart of leg ${entry.pcId} failed: ${error?.message ?? error}`);
      if (legs.get(call) === entry) drop(call, 'restart_failed', true);
      return;
    }
    if (legs.get(call) !== entry) return; // ended or replaced meanwhile
    log(`[server] voice: call ${call.id} WebRTC leg ${entry.pcId} ICE restart answered`);
    conn.send(rtcAnswerFrame(call.id, entry.pcId, answerSdp));
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
        if (entry && !entry.blackholed && !entry.restarting && entry.leg?.open()) {
          const sent = entry.leg.send(bytes);
          if (sent === 'full') { totals.frames_dropped_full_rtc += 1; return; }
          if (sent) {
            totals.frames_sent_rtc += 1;
            totals.bytes_sent_rtc += bytes.length;
            return;
          }
        }
        totals.frames_sent_ws += 1;
        conn.sendBinary(bytes);
      },
    };
  }

  // Asked once per utterance, as it is encoded: the leg's setting while the
  // agent's frames ride it.
  function downlinkEncoding(call) {
    const entry = legs.get(call);
    if (!entry?.downlink || entry.blackholed || entry.restarting || !entry.leg?.open()) return null;
    totals.utterances_adapted += 1;
    return entry.downlink;
  }

  // Test control: 'close' ends every leg and says so; 'blackhole' keeps them
  // but drops everything both ways (pings included), as a dead path would;
  // 'cut' blackholes them for `ms`, then lets everything through again (a
  // network cut the widget's ICE restart must ride out).
  function kill(mode, { ms = 2000 } = {}) {
    let n = 0;
    const silence = (entry, on) => { entry.blackholed = on; entry.leg?.blackhole?.(on); };
    for (const [call, entry] of [...legs]) {
      n += 1;
      if (mode === 'close') { drop(call, 'closed', true); continue; }
      silence(entry, true);
      if (mode === 'cut') setTimeout(() => silence(entry, false), ms).unref?.();
    }
    return n;
  }

  function summary(call) {
    const entry = legs.get(call);
    if (!entry) return null;
    return {
      pc_id: entry.pcId, open: entry.leg?.open() ?? false, blackholed: entry.blackholed, restarting: entry.restarting,
      downlink: entry.downlink,
    };
  }

  const resetTotals = () => {
    for (const key of Object.keys(totals)) totals[key] = 0;
    lossEvery = 0;
  };
  const uplinkLoss = (every) => {
    lossEvery = every;
    arrived = 0;
    return every;
  };

  return {
    offered, handles, control, request, offer, closeByWidget, end, downlink, downlinkEncoding, kill, uplinkLoss, summary,
    totals: () => ({ ...totals }), resetTotals,
  };
}
