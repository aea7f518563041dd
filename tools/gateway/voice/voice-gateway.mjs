// The reference voice gateway: voice calls on the live session's WebSocket
// (docs/protocol.md, "Voice frames" and "Voice control frames").
//
// In: the shopper's binary voice packets, decoded (VoiceDecoder, 48 kHz),
// recorded, and cut into the shopper's turns (turn-taking.mjs). Out: after
// the greeting and after each segment, an agent utterance spoken by
// agent-voice.mjs and streamed in real time (paced-stream.mjs) through
// audio-out.mjs. What the agent says to a segment: with `answer`
// (voice-agent.mjs: speech to text, then the text agent) the answer to what
// was said; without it, the next scripted line (agent-script.mjs).
//
// Rules:
// - at most one open call per session (so per connection); voice.start of
//   another call_id ends the open one, on this connection or another of the
//   session (its utterance ends with reason `closed`): the newest tab wins,
//   as it does the session. An ended call keeps only its counters (its
//   audio and decoder go when it ends), and a session remembers at most
//   maxCallRecordsPerSession calls. At most maxVoiceCalls calls are open on
//   the instance; past it voice.start is error voice_unavailable reason
//   over_capacity, and past maxVoiceCallsPerAddress open from one client
//   address it is reason address (session/client-bounds.mjs, docs/security.md);
// - calls belong to the session: a voice.start with a known call_id (after a
//   reconnect/resume) moves the call to the new connection and continues its
//   utterance and seq counters; the greeting is said once per call_id per
//   session, whatever voice.start asks;
// - the agent speaks one utterance at a time; replies queue behind the
//   current one; an answer is spoken sentence by sentence as the agent
//   writes it; barge_in cuts the current one and drops the queued ones
//   (an answer being written says nothing more);
// - when the connection closes or is replaced, streaming stops at once and
//   queued replies are dropped; the cut utterance is never resumed;
// - live transcripts (docs/protocol.md, "Voice transcripts") go into the
//   session's event log (the store's appendEvent: numbered, replayed on resume): the
//   shopper's recognised words when recognition ends, the agent's text (and
//   the answer's product cards) when its audio starts, and its final text
//   when it ends: all of it when done, else the part whose audio was sent.
import { errorFrame } from '../session/frames.mjs';
import { createAgentVoice } from './agent-voice.mjs';
import { DEFAULT_AGENT_LINES } from './agent-script.mjs';
import { OpenCalls } from './open-calls.mjs';
import { createSayIntoCalls } from './say-into-calls.mjs';
import { createAgentSpeaker } from './agent-speaker.mjs';
import { createAudioOut } from './audio-out.mjs';
import { createCallRtc } from './call-rtc.mjs';
import { createCallTime } from './call-time.mjs';
import { loudness } from './loudness.mjs';
import { createShopperTurns } from './shopper-turns.mjs';
import { TURN_SETTINGS, TurnTaker } from './turn-taking.mjs';
import { createUplinkDecoder } from './uplink-decoder.mjs';
import { VoiceCall } from './voice-call.mjs';
import { clientBoundsWith } from '../session/client-bounds.mjs';
import { SendRate } from '../session/send-rate.mjs';
import { decodeVoicePacket } from './voice-packet.mjs';
import { voiceClosedFrame, voiceStartedFrame } from './voice-frames.mjs';
import * as wire from '../session/wire-codes.mjs';

const MAX_BACKLOG = 500; // packets kept while the voice module loads (10 s)
const badPacket = (reason, message) => errorFrame(wire.ERROR_BAD_FRAME, message, { reason });

// `deps`: { loadVoice (voice-module.mjs), faults: VoiceFaults|null, log,
// `calls` (optional): where a call's counters outlive this process, so a
// resume on another instance continues the call ({load(sessionId, callId),
// save(sessionId, callId, record)}: the gateway's store).
// lines?: {greeting, replies}, synthesize? (agent-voice.mjs speak),
// answer? ({sessionId, callId, utterance, pcm}) → Promise<text to say | null>,
// calls? (see above), events? ({append(sessionId, replyTo, {event, data}) →
// Promise<frame | null>}: the store's session event log, where the live
// transcript goes), rtc? ({enabled, turn, answer}: call-rtc.mjs; WebRTC is
// offered to widgets whose hello has the "rtc" feature unless enabled: false),
// tap? (benches only, tools/bench/voice-rungs.mjs: {sent({callId, text, index}),
// heard({callId, pcm, concealed, fec})}, called as each agent frame goes out and
// each of the shopper's frames is decoded or concealed (fec: rebuilt from
// the next frame's FEC rather than by PLC), and turn({callId, step, utterance,
// text?}) as a turn passes its steps: 'ended' (the end of the shopper's turn
// decided), 'recognized', 'answered' (the text to say handed on), so the
// bench can timestamp them on its own clock) }, bounds? (session/client-bounds.mjs:
// the shopper's packet rate per call, what counts as a flood, the open calls
// per instance, the calls a session remembers, the replies to refused packets),
// now? (the gateway's clock in ms: packet arrival, a turn's timing),
// onCallTime? ((sessionId, {callId, startedAt, ms}): a call's streamed time
// on this instance so far, the record's voice minutes, bounded: call-time.mjs).
export function createVoiceGateway({
  loadVoice, faults = null, log, lines = DEFAULT_AGENT_LINES, synthesize, answer = null, transcribe = null,
  calls: callStore = null, events = null, rtc: rtcOptions = {}, tap = null, bounds: boundsGiven = {}, turns = 'adaptive',
  now = Date.now, onCallTime = () => {},
}) {
  const turnSettings = TURN_SETTINGS[turns];
  if (!turnSettings) throw new Error(`voice turns: ${JSON.stringify(turns)} is not one of ${Object.keys(TURN_SETTINGS).join(', ')}`);
  // Speculative recognition needs the recogniser apart from the agent.
  const recognises = Boolean(answer && transcribe);
  const bounds = clientBoundsWith(boundsGiven);
  const utterancePackets = createAgentVoice(loadVoice, synthesize ? { synthesize } : {});
  const sessions = new Map(); // Session -> { calls: Map<call_id, VoiceCall>, lastCallId }
  const openOn = new OpenCalls();
  const refusalReplies = new WeakMap(); // connection -> SendRate of its replies to refused packets
  const totals = {
    frames_received: 0, frames_sent: 0, packets_refused: 0, bad_packets: 0, segments_heard: 0, barge_ins: 0,
    frames_late: 0, // reordered on the data channel, dropped (uplink-decoder.mjs)
    speculations: 0, // recognitions started before the turn was certain (turn-taking.mjs)
    speculations_cancelled: 0, // … whose words were dropped: the shopper went on
    packets_over_rate: 0, // past a call's packet rate: dropped undecoded
    calls_flooded: 0, // calls ended for sending far past their packet rate
    calls_refused_full: 0, // voice.start answered over_capacity (maxVoiceCalls open)
    calls_refused_address: 0, // voice.start answered reason address (maxVoiceCallsPerAddress open from its address)
    packet_replies_dropped: 0, // refused packets not answered (past the connection's reply rate)
    recognitions_refused: 0, // utterances the recogniser refused at once: its waiting queue was full (resident-recogniser.mjs)
    voice_time_stretches_merged: 0, voice_time_calls_merged: 0, // the record's voice minutes, merged (call-time.mjs)
  };
  let V = null; // the voice module, once loaded
  // The same packets from the data channel as from the socket.
  const rtc = createCallRtc({
    ...rtcOptions, log, hear: (call, bytes) => receiveOn(call, bytes), uplink: (call) => call.uplink.counts(),
  });

  const speaker = createAgentSpeaker({ utterancePackets, rtc, turnSettings, events, totals, tap, log, persist });
  const { say, silence } = speaker;
  const { speakTyped, sayToOpenCalls } = createSayIntoCalls({ openCalls: openOn, speaker });
  const callTime = createCallTime({ report: onCallTime, everyMs: bounds.voiceTimeReportMs, rowsPerSession: bounds.voiceTimeRowsPerSession, now, totals });
  const { take } = createShopperTurns({ transcribe, answer, lines, totals, tap, log, turnSettings, speaker, now });

  function stateOf(session) {
    let state = sessions.get(session);
    if (!state) {
      state = { calls: new Map(), lastCallId: null };
      sessions.set(session, state);
      session.signal.addEventListener('abort', () => forget(session), { once: true });
    }
    return state;
  }

  // What must survive a reconnect to another instance: greeted, and the
  // counters that number utterances and frames.
  function persist(session, call) {
    callStore?.save(session.id, call.id, call.durable()).catch((error) => {
      log(`[server] voice: saving call ${call.id} failed: ${error?.message ?? error}`);
    });
  }

  // --- binding calls to connections --------------------------------------

  function bind(call, conn) {
    call.conn = conn;
    call.out = createAudioOut(rtc.downlink(call, conn), faults);
    call.decoder?.restart();
    call.turns.reset();
    call.attempts.clear();
    callTime.started(call);
    openOn.open(conn, call);
  }

  // The call stops streaming on its connection. `gone`: the connection is
  // closed or replaced, so nothing more can be sent on it (pending delayed
  // frames are dropped too).
  function unbind(call, { gone = false } = {}) {
    rtc.end(call);
    if (gone) {
      call.out?.close();
      call.out = null; // so the cut utterance's end is not sent
    }
    silence(call, 'closed');
    if (call.conn) openOn.close(call.conn, call);
    callTime.ended(call);
    call.conn = null;
    call.out = null;
    call.release(); // its audio and decoder: a resume starts them afresh
  }

  // A session remembers at most maxCallRecordsPerSession calls (least
  // recently started first out); only ended ones are forgotten. A forgotten
  // call_id started again is a new call (greeted again), unless the store
  // (`calls`) kept its counters.
  function forgetOldCalls(state) {
    for (const [id, old] of state.calls) {
      if (state.calls.size <= bounds.maxCallRecordsPerSession) return;
      if (!old.conn) state.calls.delete(id);
    }
  }

  function forget(session) {
    const state = sessions.get(session);
    if (!state) return;
    sessions.delete(session);
    for (const call of state.calls.values()) {
      unbind(call, { gone: true });
      call.decoder?.close();
      call.decoder = null;
    }
    callTime.forget(session);
  }

  // --- control frames ------------------------------------------------------

  // Calls open from one client address (at most maxVoiceCalls to walk).
  function openFrom(address) {
    if (address === undefined) return 0; // a connection the session endpoint did not make (tests)
    let n = 0;
    for (const c of openOn.connections()) if (c.address === address) n += 1;
    return n;
  }

  async function start(session, conn, { call_id: callId, greeting }) {
    const state = stateOf(session);
    // One open call per session: another call_id's ends, wherever it is open.
    for (const other of state.calls.values()) if (other.id !== callId && other.conn) unbind(other);
    const previous = openOn.get(conn);
    if (previous && previous.id !== callId) unbind(previous);
    let call = state.calls.get(callId);
    if (!call?.conn && openOn.size >= bounds.maxVoiceCalls) { // a call already open here moves, never refused
      totals.calls_refused_full += 1;
      conn.send(errorFrame(wire.ERROR_VOICE_UNAVAILABLE, 'Too many voice calls on this server right now: try again in a minute.',
        { call_id: callId, reason: 'over_capacity' }));
      return;
    }
    if (!call?.conn && openFrom(conn.address) >= bounds.maxVoiceCallsPerAddress) {
      totals.calls_refused_address += 1;
      log(`[server] voice: voice.start refused: ${bounds.maxVoiceCallsPerAddress} calls open from one address`);
      conn.send(errorFrame(wire.ERROR_VOICE_UNAVAILABLE, 'Too many voice calls from this network right now: try again in a minute.',
        { call_id: callId, reason: 'address' }));
      return;
    }
    let fresh = false;
    if (!call) {
      call = new VoiceCall(callId, session.id, bounds);
      call.turns = new TurnTaker(turnSettings, { recognises });
      call.session = session;
      fresh = true;
    }
    state.calls.delete(callId); // to the end: the most recently started
    state.calls.set(callId, call);
    forgetOldCalls(state);
    call.session = session;
    state.lastCallId = callId;
    if (call.conn !== conn) {
      if (call.conn) unbind(call, { gone: true }); // still on an older connection
      bind(call, conn);
    }
    const cutAfterMs = faults?.takeCut();
    if (cutAfterMs != null) {
      const timer = setTimeout(() => conn.ws.terminate(), cutAfterMs);
      conn.ws.once('close', () => clearTimeout(timer));
    }
    if (fresh && callStore) { // a call this instance has not seen: continue it if another one had
      const saved = await callStore.load(session.id, callId).catch(() => null);
      if (saved && call.utterances === 0) call.restore(saved);
    }
    try {
      V ??= await loadVoice();
    } catch (error) {
      log(`[server] voice: the voice module did not load: ${error?.message ?? error}`);
      if (call.conn === conn) unbind(call);
      conn.send(errorFrame(wire.ERROR_VOICE_UNAVAILABLE, 'Voice is not available on this server.', { call_id: callId }));
      return;
    }
    if (call.conn !== conn) return; // ended or moved while the module loaded
    conn.send(voiceStartedFrame(callId, rtc.offered(conn)));
    for (const packet of call.backlog.splice(0)) hear(call, packet);
    if (greeting && !call.greeted) {
      call.greeted = true;
      persist(session, call);
      say(call, lines.greeting);
    }
  }

  function bargeIn(conn, { call_id: callId }) {
    const call = openOn.get(conn);
    if (!call || call.id !== callId) {
      conn.send(badPacket('voice_not_started', `voice.barge_in: no open voice call ${JSON.stringify(callId)} here.`));
      return;
    }
    call.bargeIns += 1;
    totals.barge_ins += 1;
    silence(call, 'barge_in');
  }

  // voice.end is answered with voice.closed even when the call is not open
  // (already ended, or lost with a connection): the client may repeat it.
  function end(conn, { call_id: callId }) {
    const call = openOn.get(conn);
    if (!call || call.id !== callId) {
      conn.send(voiceClosedFrame(callId));
      return;
    }
    const { out } = call;
    unbind(call);
    out.sendControl(voiceClosedFrame(callId)); // after the cut utterance's end
  }

  function control(session, conn, voice) {
    switch (voice.type) {
      case 'voice.start':
        return start(session, conn, voice).catch((error) => {
          log(`[server] voice.start failed: ${error?.stack ?? error}`);
        });
      case 'voice.barge_in': return bargeIn(conn, voice);
      case 'voice.end': return end(conn, voice);
      default: // voice.rtc_*: the open call's WebRTC leg (call-rtc.mjs)
        return rtc.handles(voice.type) ? rtc.control(openOn.get(conn), conn, voice) : undefined;
    }
  }

  // --- the shopper's audio -----------------------------------------------

  function receivePacket(conn, data) {
    const call = openOn.get(conn);
    if (!call) {
      totals.packets_refused += 1;
      replyToRefused(conn, badPacket('voice_not_started', 'A voice packet needs an open voice call: send voice.start first.'));
      return;
    }
    receiveOn(call, data);
  }

  // One of the call's packets, from its socket or its data channel. At
  // most what real time allows is decoded (client-bounds.mjs); the rest is
  // dropped before any work, and a call that keeps sending far past it is
  // ended (docs/security.md, "Voice packet flood").
  function receiveOn(call, data) {
    if (!call.conn) return; // ended (a flood, voice.end) while its data channel still delivers
    const at = now();
    if (call.packetRate.take(at) > 0) {
      call.packetsOverRate += 1;
      totals.packets_over_rate += 1;
      if (call.floodRate.take(at) > 0) flooded(call);
      return;
    }
    const decoded = decodeVoicePacket(data);
    if (!decoded.ok) {
      rejectPacket(call, `Malformed voice packet (${decoded.error}).`);
      return;
    }
    call.uplink.frame(decoded.packet.seq);
    const packet = { ...decoded.packet, at };
    if (!V) {
      if (call.backlog.length < MAX_BACKLOG) call.backlog.push(packet);
      return;
    }
    hear(call, packet);
  }

  // The call sent packets far past its rate for a while: it ends as
  // voice.end would end it, and the client is told why first.
  function flooded(call) {
    const { conn, out } = call;
    if (!conn) return;
    totals.calls_flooded += 1;
    log(`[server] voice: call ${call.id} sent packets far past ${bounds.voicePacketsPerSecond}/s: ended`);
    unbind(call);
    conn.send(errorFrame(wire.ERROR_RATE_LIMITED, 'Voice packets far faster than real time: the call was ended.',
      { call_id: call.id, reason: 'voice_flood' }));
    out.sendControl(voiceClosedFrame(call.id));
  }

  function rejectPacket(call, message) {
    call.badPackets += 1;
    totals.bad_packets += 1;
    if (call.conn) replyToRefused(call.conn, badPacket('bad_voice_packet', message));
  }

  // A refused packet is answered only within the connection's reply rate (a
  // burst of refusedPacketReplies, then refusedPacketRepliesPerSecond): a
  // stream of them costs a count each, not a frame each.
  function replyToRefused(conn, frame) {
    let rate = refusalReplies.get(conn);
    if (!rate) {
      rate = new SendRate({ burst: bounds.refusedPacketReplies, perSecond: bounds.refusedPacketRepliesPerSecond });
      refusalReplies.set(conn, rate);
    }
    if (rate.take(Date.now()) > 0) totals.packet_replies_dropped += 1;
    else conn.send(frame);
  }

  function hear(call, packet) {
    call.decoder ??= createUplinkDecoder(V);
    call.framesReceived += 1;
    totals.frames_received += 1;
    // Lost frames keep their place in the recording and in the segmenter's
    // timing (rebuilt from this frame's FEC, or PLC: uplink-decoder.mjs).
    const { lost, pcm, late } = call.decoder.frame(packet.seq, packet.payload, packet.at);
    if (late) return void (totals.frames_late += 1);
    for (const frame of lost) {
      tap?.heard({ callId: call.id, pcm: frame.pcm, concealed: true, fec: frame.fec });
      take(call, frame.pcm, packet.at);
    }
    if (pcm) tap?.heard({ callId: call.id, pcm, concealed: false });
    if (pcm) take(call, pcm, packet.at);
    else rejectPacket(call, 'The voice packet\'s payload is not an Opus packet.');
  }

  // --- connections and test controls -------------------------------------

  // The connection closed or was replaced: its call stops streaming.
  function connectionGone(conn) {
    const call = openOn.get(conn);
    if (call) unbind(call, { gone: true });
  }

  function calls() {
    const list = [];
    for (const [session, state] of sessions) {
      for (const call of state.calls.values()) {
        const leg = rtc.summary(call); // only while the call has a WebRTC leg
        list.push({ session_id: session.id, ...call.summary(), ...(leg ? { rtc: leg } : {}) });
      }
    }
    return list;
  }

  // What the gateway heard in the session's current or last call, as
  // {samples, envelope: RMS per 10 ms}, or null. Never the audio itself.
  // An ended call's audio is gone (samples 0): it is dropped when the call ends.
  function heard(sessionId) {
    for (const [session, state] of sessions) {
      if (session.id !== sessionId || session.ended) continue;
      const call = state.calls.get(state.lastCallId);
      return call ? loudness(call.recording()) : null;
    }
    return null;
  }

  function reset() {
    for (const session of [...sessions.keys()]) forget(session);
    for (const key of Object.keys(totals)) totals[key] = 0;
    rtc.resetTotals();
    faults?.clear();
  }

  // What the calls hold now: open calls, remembered calls, 20 ms frames of
  // the shoppers' audio kept.
  function held() {
    let records = 0;
    let frames = 0;
    for (const state of sessions.values()) {
      records += state.calls.size;
      for (const call of state.calls.values()) frames += call.recordedFrames;
    }
    return { calls_open: openOn.size, call_records: records, recorded_frames: frames };
  }

  return {
    control, receivePacket, connectionGone, calls, heard, reset, sayToOpenCalls, speakTyped,
    totals: () => ({ ...totals, ...rtc.totals(), ...held() }),
    killRtc: (mode, options) => rtc.kill(mode, options),
    uplinkLossRtc: (every) => rtc.uplinkLoss(every),
  };
}
