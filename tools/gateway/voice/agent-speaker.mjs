// The agent's side of a voice call (voice-gateway.mjs owns the calls):
// replies queue behind the utterance being spoken, an answer is synthesised
// and streamed piece by piece (spoken-chunks.mjs, paced-stream.mjs), and
// each utterance's text goes into the session's event log as the live
// transcript (its final text when done, the part heard when cut).
import { FLAG_SPEECH_START, encodeVoicePacket } from './voice-packet.mjs';
import { FRAME_SAMPLES } from './opus-frames.mjs';
import { playPaced } from './paced-stream.mjs';
import { spokenChunks } from './spoken-chunks.mjs';
import { spokenPart } from './spoken-part.mjs';
import { agentEndFrame, agentStartFrame } from './voice-frames.mjs';

// The bubbles of the live transcript: the shopper's n-th utterance has the
// id of its agent turn (voice-agent.mjs); the agent's n-th its own.
export const shopperBubbleId = (call, n) => `voice-${call.id}-${n}`;
export const agentBubbleId = (call, n) => `voice-${call.id}-a${n}`;

// `utterancePackets` (agent-voice.mjs), `rtc` (call-rtc.mjs: the downlink
// encoding), `turnSettings` (turn-taking.mjs: adaptive turns speak piece by
// piece), `events` (the store's event log, or null), `totals` (the gateway's
// counters), `tap` (benches), `log`, `persist(session, call)` (the call's
// counters to the store).
export function createAgentSpeaker({ utterancePackets, rtc, turnSettings, events, totals, tap, log, persist }) {
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

  return { say, transcript, endUtterance };
}
