// The agent's side of a voice call (voice-gateway.mjs owns the calls):
// utterances queue behind the one being spoken; an utterance is synthesised
// and streamed piece by piece (spoken-chunks.mjs, paced-stream.mjs), and an
// answer's pieces may still be arriving while its first plays (the voice
// agent says each sentence as the text agent writes it: voice-agent.mjs).
// Each utterance's text goes into the session's event log as the live
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
const MAX_TRANSCRIPT_PRODUCTS = 8; // docs/protocol.md, "Voice transcripts"

// `utterancePackets` (agent-voice.mjs), `rtc` (call-rtc.mjs: the downlink
// encoding), `turnSettings` (turn-taking.mjs: adaptive turns speak piece by
// piece), `events` (the store's event log, or null), `totals` (the gateway's
// counters), `tap` (benches), `log`, `persist(session, call)` (the call's
// counters to the store).
export function createAgentSpeaker({ utterancePackets, rtc, turnSettings, events, totals, tap, log, persist }) {
  // An utterance the agent will say: `pieces` arrive until it is `closed`;
  // `dropped` aborts when a barge-in or the call's end drops it (nothing
  // more of it is said). `products`: the answer's cards, shown with its bubble.
  // `bubble: false`: no transcript bubble (the answer to a typed turn is in
  // the chat already, as its reply). `timing`: the spoken turn it answers
  // (turn-timing.mjs), whose steps its start frame carries; null otherwise.
  function open(call, products = [], dropped = new AbortController(), { bubble = true, timing = null } = {}) {
    const utterance = { pieces: [], closed: false, products, dropped, wake: null, bubble, timing };
    call.queue.push(utterance);
    return utterance;
  }

  function add(call, utterance, text) {
    if (utterance.closed || utterance.dropped.signal.aborted) return;
    utterance.pieces.push(text);
    if (call.speaking?.utterance === utterance) synthesizeLater(call.speaking);
    wake(call, utterance);
  }

  function close(call, utterance) {
    if (utterance.closed) return;
    utterance.closed = true;
    if (call.speaking?.utterance === utterance) showProgress(call, call.speaking); // cards that came last
    wake(call, utterance);
  }

  function wake(call, utterance) {
    const waiting = utterance.wake;
    utterance.wake = null;
    if (waiting) waiting();
    else speakNext(call);
  }

  // A whole text at once (the greeting, a scripted line).
  function say(call, text, products = []) {
    const chunks = turnSettings.name === 'adaptive' ? spokenChunks(text) : [];
    const utterance = open(call, products);
    for (const piece of chunks.length > 1 ? chunks : [text]) add(call, utterance, piece);
    close(call, utterance);
  }

  // Where the voice agent says an answer as it is made: the utterance opens
  // with its first piece (so a barge-in before it leaves the answer to come
  // alone), and `signal` aborts once the call dropped it.
  function answer(call, products, { bubble = true, timing = null } = {}) {
    const dropped = new AbortController();
    let utterance = null;
    return {
      say(piece) {
        utterance ??= open(call, products, dropped, { bubble, timing });
        add(call, utterance, piece);
      },
      end() { if (utterance) close(call, utterance); },
      signal: dropped.signal,
    };
  }

  // Drops what the agent is saying and everything queued (barge-in, the call
  // ended or lost its connection): answers still being written stop too.
  function silence(call, reason) {
    for (const utterance of call.queue.splice(0)) utterance.dropped.abort();
    endUtterance(call, reason);
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

  const knownText = (speaking) => speaking.utterance.pieces.join(' ');

  // The next utterance, once its first piece is there: the first piece's
  // audio goes out as soon as it is made, the next ones are made one after
  // another meanwhile (and as they arrive); one utterance all the same (one
  // voice.agent start and end, one transcript bubble).
  function speakNext(call) {
    if (call.speaking || !call.conn) return;
    while (call.queue[0]?.closed && call.queue[0].pieces.length === 0) call.queue.shift();
    const utterance = call.queue[0];
    if (!utterance) return;
    if (utterance.pieces.length === 0) { // an answer whose first piece is still being written
      utterance.wake = () => speakNext(call);
      return;
    }
    call.queue.shift();
    const speaking = {
      utterance, n: 0, player: null, sent: 0, total: 0, pieces: [], shown: null,
      encoding: rtc.downlinkEncoding(call), made: null, taken: 1, later: [],
    };
    call.speaking = speaking;
    const first = utterance.pieces[0];
    const made = utterancePackets(first, speaking.encoding);
    speaking.made = made;
    synthesizeLater(speaking);
    made.then((packets) => {
      if (call.speaking === speaking) stream(call, speaking, { text: first, packets });
    }, (error) => {
      log(`[server] voice: the agent could not speak: ${error?.message ?? error}`);
      if (call.speaking !== speaking) return;
      call.speaking = null;
      utterance.dropped.abort();
      speakNext(call);
    });
  }

  // The pieces not yet handed to the synthesis, one at a time after the last.
  function synthesizeLater(speaking) {
    const { pieces } = speaking.utterance;
    while (speaking.taken < pieces.length) {
      const text = pieces[speaking.taken];
      speaking.taken += 1;
      const made = speaking.made.then(() => utterancePackets(text, speaking.encoding));
      speaking.made = made;
      const entry = { text, packets: made, ready: false };
      made.then(() => { entry.ready = true; }, () => {}); // a failure is reported when its turn to play comes
      speaking.later.push(entry);
    }
  }

  // A partial transcript when the text known or the cards grew since the last.
  function showProgress(call, speaking) {
    if (speaking.n === 0 || !speaking.utterance.bubble) return;
    const text = knownText(speaking);
    const products = speaking.utterance.products.slice(0, MAX_TRANSCRIPT_PRODUCTS);
    if (speaking.shown && speaking.shown.text === text && speaking.shown.products === products.length) return;
    speaking.shown = { text, products: products.length };
    transcript(call, agentBubbleId(call, speaking.n), { role: 'agent', text, final: false, cut: false, products });
  }

  function stream(call, speaking, first) {
    call.utterances += 1;
    speaking.n = call.utterances;
    const { out } = call;
    // Right before voice.agent start: start and end stay next to the audio.
    showProgress(call, speaking);
    const timing = speaking.utterance.timing?.steps() ?? null; // the answer to a spoken turn: its steps so far
    out.sendControl(agentStartFrame(call.id, speaking.n, knownText(speaking), timing));
    let index = 0; // frames of the utterance sent, all pieces
    const play = ({ text, packets }, headStart) => {
      const piece = { text, sent: 0, total: packets.length };
      speaking.pieces.push(piece);
      speaking.total += packets.length;
      showProgress(call, speaking);
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
          tap?.sent({ callId: call.id, text: knownText(speaking), index });
          index += 1;
        },
        onDone: next,
      });
    };
    function next() {
      if (call.speaking !== speaking) return;
      const piece = speaking.later.shift();
      if (!piece) {
        if (speaking.utterance.closed) return endUtterance(call, 'done');
        speaking.utterance.wake = next; // the answer's next sentence is still being written
        return undefined;
      }
      // Made in time: the pacing goes on; else the jitter buffer ran dry and gets its head start again.
      const headStart = piece.ready ? 0 : undefined;
      piece.packets.then((packets) => {
        if (call.speaking === speaking) play({ text: piece.text, packets }, headStart);
      }, (error) => {
        log(`[server] voice: the agent could not speak the rest: ${error?.message ?? error}`);
        if (call.speaking !== speaking) return;
        speaking.utterance.dropped.abort();
        endUtterance(call, 'done');
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
    speaking.utterance.wake = null;
    if (reason !== 'done') speaking.utterance.dropped.abort();
    if (speaking.n > 0 && call.out) {
      if (reason !== 'done') call.out.discardHeld();
      call.out.sendControl(agentEndFrame(call.id, speaking.n, reason));
    }
    if (speaking.n > 0 && speaking.utterance.bubble) { // also when the connection is gone: the event log keeps it for the resume
      const cut = reason !== 'done' || speaking.pieces.length < speaking.utterance.pieces.length; // a piece failed
      const text = cut ? heardSoFar(speaking) : knownText(speaking);
      transcript(call, agentBubbleId(call, speaking.n), { role: 'agent', text, final: true, cut });
    }
    if (call.session) persist(call.session, call);
    if (reason === 'done') speakNext(call);
  }

  // What the shopper heard of an utterance cut short: the pieces sent whole,
  // then the part of the piece being sent (spoken-part.mjs).
  function heardSoFar(speaking) {
    const { pieces } = speaking;
    const last = pieces.at(-1);
    if (!last) return '';
    return [...pieces.slice(0, -1).map((p) => p.text), spokenPart(last.text, last.sent, last.total)].filter(Boolean).join(' ');
  }

  return { say, answer, silence, transcript, endUtterance };
}
