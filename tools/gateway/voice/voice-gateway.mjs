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
//   over_capacity (session/client-bounds.mjs, docs/security.md);
// - calls belong to the session: a voice.start with a known call_id (after a
//   reconnect/resume) moves the call to the new connection and continues its
//   utterance and seq counters; the greeting is said once per call_id per
//   session, whatever voice.start asks;
// - the agent speaks one utterance at a time; replies queue behind the
//   current one; barge_in cuts the current one and drops the queued ones;
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
import { createAudioOut } from './audio-out.mjs';
import { createCallRtc } from './call-rtc.mjs';
import { loudness } from './loudness.mjs';
import { frameDbfs } from './speech-segmenter.mjs';
import { TURN_SETTINGS, TurnTaker } from './turn-taking.mjs';
import { spokenChunks } from './spoken-chunks.mjs';
import { FRAME_SAMPLES, SAMPLE_RATE } from './opus-frames.mjs';
import { createUplinkDecoder } from './uplink-decoder.mjs';
import { playPaced } from './paced-stream.mjs';
import { spokenPart } from './spoken-part.mjs';
import { VoiceCall } from './voice-call.mjs';
import { clientBoundsWith } from '../session/client-bounds.mjs';
import { SendRate } from '../session/send-rate.mjs';
import { FLAG_SPEECH_START, decodeVoicePacket, encodeVoicePacket } from './voice-packet.mjs';
import {
  agentEndFrame, agentStartFrame, heardFrame, voiceClosedFrame, voiceStartedFrame,
} from './voice-frames.mjs';
import * as wire from '../session/wire-codes.mjs';

const MAX_BACKLOG = 500; // packets kept while the voice module loads (10 s)
const SEGMENT_MARGIN_MS = 1000; // heard before and after a segment's loud frames (onset, 600 ms of quiet)
const SPECULATION_MARGIN_MS = 400; // heard before a speculative attempt's segment (its onset)

// The bubbles of the live transcript: the shopper's n-th utterance has the
// id of its agent turn (voice-agent.mjs); the agent's n-th its own.
export const shopperBubbleId = (call, n) => `voice-${call.id}-${n}`;
export const agentBubbleId = (call, n) => `voice-${call.id}-a${n}`;

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
// per instance, the calls a session remembers, the replies to refused packets).
export function createVoiceGateway({
  loadVoice, faults = null, log, lines = DEFAULT_AGENT_LINES, synthesize, answer = null, transcribe = null,
  calls: callStore = null, events = null, rtc: rtcOptions = {}, tap = null, bounds: boundsGiven = {}, turns = 'adaptive',
}) {
  const turnSettings = TURN_SETTINGS[turns];
  if (!turnSettings) throw new Error(`voice turns: ${JSON.stringify(turns)} is not one of ${Object.keys(TURN_SETTINGS).join(', ')}`);
  // Speculative recognition needs the recogniser apart from the agent.
  const recognises = Boolean(answer && transcribe);
  const bounds = clientBoundsWith(boundsGiven);
  const utterancePackets = createAgentVoice(loadVoice, synthesize ? { synthesize } : {});
  const sessions = new Map(); // Session -> { calls: Map<call_id, VoiceCall>, lastCallId }
  const openOn = new Map(); // connection -> its open VoiceCall
  const refusalReplies = new WeakMap(); // connection -> SendRate of its replies to refused packets
  const totals = {
    frames_received: 0, frames_sent: 0, packets_refused: 0, bad_packets: 0, segments_heard: 0, barge_ins: 0,
    frames_late: 0, // reordered on the data channel, dropped (uplink-decoder.mjs)
    speculations: 0, // recognitions started before the turn was certain (turn-taking.mjs)
    speculations_cancelled: 0, // … whose words were dropped: the shopper went on
    packets_over_rate: 0, // past a call's packet rate: dropped undecoded
    calls_flooded: 0, // calls ended for sending far past their packet rate
    calls_refused_full: 0, // voice.start answered over_capacity (maxVoiceCalls open)
    packet_replies_dropped: 0, // refused packets not answered (past the connection's reply rate)
  };
  let V = null; // the voice module, once loaded
  // The same packets from the data channel as from the socket.
  const rtc = createCallRtc({
    ...rtcOptions, log, hear: (call, bytes) => receiveOn(call, bytes), uplink: (call) => call.uplink.counts(),
  });

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

  // --- the agent's side -------------------------------------------------

  // `products`: the answer's product cards, shown with the agent's bubble.
  function say(call, text, products = []) {
    call.queue.push({ text, products });
    speakNext(call);
  }

  // Into the session's event log (the store), then to the call's connection
  // when it has one; a resume replays it from the log otherwise. Appended in
  // order: each waits for the one before.
  function transcript(call, id, data) {
    if (!events || !call.session || call.session.ended) return;
    const sessionId = call.session.id;
    call.transcribing = (call.transcribing ?? Promise.resolve()).then(async () => {
      const frame = await events.append(sessionId, id, { event: 'voice.transcript', data: { call_id: call.id, ...data } });
      if (frame) call.conn?.send(frame);
    }).catch((error) => log(`[server] voice: transcript event lost: ${error?.message ?? error}`));
  }

  // An answer is spoken piece by piece (spoken-chunks.mjs, `adaptive` turns):
  // the first piece's audio goes out as soon as it is made, the next ones
  // are made one after another meanwhile; one utterance all the same (one
  // voice.agent start and end, one transcript bubble).
  function speakNext(call) {
    if (call.speaking || call.queue.length === 0 || !call.conn) return;
    const { text, products } = call.queue.shift();
    const chunks = turnSettings.name === 'adaptive' ? spokenChunks(text) : [];
    const pieces = chunks.length > 1 ? chunks : [text];
    const speaking = { text, products, n: 0, player: null, sent: 0, total: 0, pieces: [] };
    call.speaking = speaking;
    const encoding = rtc.downlinkEncoding(call);
    let made = utterancePackets(pieces[0], encoding);
    const later = [];
    for (const piece of pieces.slice(1)) {
      made = made.then(() => utterancePackets(piece, encoding)); // one at a time
      const entry = { text: piece, packets: made, ready: false };
      made.then(() => { entry.ready = true; }, () => {}); // a failure is reported when its turn to play comes
      later.push(entry);
    }
    utterancePackets(pieces[0], encoding).then((packets) => {
      if (call.speaking === speaking) stream(call, speaking, { text: pieces[0], packets }, later);
    }, (error) => {
      log(`[server] voice: the agent could not speak: ${error?.message ?? error}`);
      if (call.speaking !== speaking) return;
      call.speaking = null;
      speakNext(call);
    });
  }

  function stream(call, speaking, first, later) {
    call.utterances += 1;
    speaking.n = call.utterances;
    const { out } = call;
    // Right before voice.agent start: start and end stay next to the audio.
    transcript(call, agentBubbleId(call, speaking.n), {
      role: 'agent', text: speaking.text, final: false, cut: false, products: speaking.products,
    });
    out.sendControl(agentStartFrame(call.id, speaking.n, speaking.text));
    let index = 0; // frames of the utterance sent, all pieces
    const play = ({ text, packets }, headStart) => {
      const piece = { text, sent: 0, total: packets.length };
      speaking.pieces.push(piece);
      speaking.total += packets.length;
      speaking.player = playPaced(packets.length, {
        headStart,
        sendFrame: (i) => {
          piece.sent = i + 1;
          speaking.sent += 1;
          const k = call.framesSent;
          call.framesSent += 1;
          totals.frames_sent += 1;
          out.sendPacket(encodeVoicePacket({
            flags: index === 0 ? FLAG_SPEECH_START : 0,
            seq: k % 0x10000,
            timestamp: (k * FRAME_SAMPLES) % 0x100000000,
            payload: packets[i],
          }));
          tap?.sent({ callId: call.id, text: speaking.text, index });
          index += 1;
        },
        onDone: next,
      });
    };
    function next() {
      const piece = later.shift();
      if (!piece) return endUtterance(call, 'done');
      // Made in time: the pacing goes on; else the jitter buffer ran dry and gets its head start again.
      const headStart = piece.ready ? 0 : undefined;
      piece.packets.then((packets) => {
        if (call.speaking === speaking) play({ text: piece.text, packets }, headStart);
      }, (error) => {
        log(`[server] voice: the agent could not speak the rest: ${error?.message ?? error}`);
        if (call.speaking === speaking) endUtterance(call, 'done');
      });
      return undefined;
    }
    play(first, undefined);
  }

  // Ends what the agent is saying (or about to say) with `reason`; tells the
  // client when the utterance had started and the connection is still here.
  function endUtterance(call, reason) {
    const speaking = call.speaking;
    if (!speaking) return;
    call.speaking = null;
    speaking.player?.stop();
    if (speaking.n > 0 && call.out) {
      if (reason !== 'done') call.out.discardHeld();
      call.out.sendControl(agentEndFrame(call.id, speaking.n, reason));
    }
    if (speaking.n > 0) { // also when the connection is gone: the event log keeps it for the resume
      const cut = reason !== 'done';
      const text = cut ? heardSoFar(speaking) : speaking.text;
      transcript(call, agentBubbleId(call, speaking.n), { role: 'agent', text, final: true, cut });
    }
    if (call.session) persist(call.session, call);
    if (reason === 'done') speakNext(call);
  }

  // What the shopper heard of an utterance cut short: the pieces sent whole,
  // then the part of the piece being sent (spoken-part.mjs).
  function heardSoFar(speaking) {
    const { pieces } = speaking;
    if (pieces.length <= 1) return spokenPart(speaking.text, speaking.sent, speaking.total);
    const last = pieces.at(-1);
    return [...pieces.slice(0, -1).map((p) => p.text), spokenPart(last.text, last.sent, last.total)].filter(Boolean).join(' ');
  }

  // --- binding calls to connections --------------------------------------

  function bind(call, conn) {
    call.conn = conn;
    call.out = createAudioOut(rtc.downlink(call, conn), faults);
    call.decoder?.restart();
    call.turns.reset();
    call.attempts.clear();
    openOn.set(conn, call);
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
    call.queue.length = 0;
    endUtterance(call, 'closed');
    if (call.conn && openOn.get(call.conn) === call) openOn.delete(call.conn);
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
  }

  // --- control frames ------------------------------------------------------

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
    call.queue.length = 0;
    endUtterance(call, 'barge_in');
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
    const now = Date.now();
    if (call.packetRate.take(now) > 0) {
      call.packetsOverRate += 1;
      totals.packets_over_rate += 1;
      if (call.floodRate.take(now) > 0) flooded(call);
      return;
    }
    const decoded = decodeVoicePacket(data);
    if (!decoded.ok) {
      rejectPacket(call, `Malformed voice packet (${decoded.error}).`);
      return;
    }
    call.uplink.frame(decoded.packet.seq);
    const packet = { ...decoded.packet, at: now };
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
      take(call, frame.pcm);
    }
    if (pcm) tap?.heard({ callId: call.id, pcm, concealed: false });
    if (pcm) take(call, pcm);
    else rejectPacket(call, 'The voice packet\'s payload is not an Opus packet.');
  }

  function take(call, pcm) {
    call.record(pcm);
    for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
      const loud = frameDbfs(pcm.subarray(at, at + FRAME_SAMPLES)) >= turnSettings.thresholdDbfs;
      act(call, call.turns.frame(loud));
    }
  }

  // Carries out the turn taker's actions (turn-taking.mjs).
  function act(call, actions) {
    for (const a of actions) {
      if (a.speculate) speculate(call, a.speculate);
      else if (a.cancel) {
        if (call.attempts.delete(a.cancel)) totals.speculations_cancelled += 1;
      } else if (a.end) heardSegment(call, a.end.ms, a.end.id);
    }
  }

  // Recognises the turn so far while the shopper is quiet, before the turn is
  // certain: its words come back to the turn taker, which may end the turn on
  // them. At most one attempt per call is in flight (turn-taking.mjs).
  function speculate(call, { id, ms }) {
    totals.speculations += 1;
    const pcm = call.recentAudio(((ms + SPECULATION_MARGIN_MS) * SAMPLE_RATE) / 1000);
    const words = Promise.resolve().then(() => transcribe(pcm));
    words.catch(() => {}); // logged where the words are used
    call.attempts.set(id, words);
    const back = (text) => act(call, call.turns.recognized(id, text));
    words.then(back, () => back(''));
  }

  // `attemptId`: the speculative recognition that holds the turn's words, or null.
  function heardSegment(call, ms, attemptId = null) {
    const heard = attemptId == null ? null : call.attempts.get(attemptId) ?? null;
    if (attemptId != null) call.attempts.delete(attemptId);
    call.segmentsHeard += 1;
    totals.segments_heard += 1;
    call.conn?.send(heardFrame(call.id, call.segmentsHeard, ms));
    tap?.turn?.({ callId: call.id, step: 'ended', utterance: call.segmentsHeard });
    if (answer) {
      // The segment with the onset before it and the quiet after it; answers
      // are said in the order their segments were heard.
      const pcm = call.recentAudio(((ms + SEGMENT_MARGIN_MS) * SAMPLE_RATE) / 1000);
      const utterance = call.segmentsHeard;
      const products = [];
      const request = {
        sessionId: call.sessionId, callId: call.id, utterance, pcm, heard,
        onHeard: (text) => {
          tap?.turn?.({ callId: call.id, step: 'recognized', utterance, text });
          transcript(call, shopperBubbleId(call, utterance), { role: 'shopper', text, final: true, cut: false });
        },
        onCard: (product) => products.push(product),
      };
      call.answering = call.answering.then(() => answer(request)).then((text) => {
        tap?.turn?.({ callId: call.id, step: 'answered', utterance, text });
        if (text) say(call, text, products);
      }, (error) => log(`[server] voice: no answer to utterance ${request.utterance}: ${error?.message ?? error}`));
      return;
    }
    const reply = lines.replies[call.repliesGiven % lines.replies.length];
    call.repliesGiven += 1;
    say(call, reply);
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

  // Benches: the agent says `text` on every call open on a connection now
  // (queued behind what it is saying); how many calls.
  function sayToOpenCalls(text) {
    for (const call of openOn.values()) say(call, text);
    return openOn.size;
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
    control, receivePacket, connectionGone, calls, heard, reset, sayToOpenCalls,
    totals: () => ({ ...totals, ...rtc.totals(), ...held() }),
    killRtc: (mode, options) => rtc.kill(mode, options),
    uplinkLossRtc: (every) => rtc.uplinkLoss(every),
  };
}
