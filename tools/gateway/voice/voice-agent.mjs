// The voice agent that hears what was asked: a speech segment goes through
// speech to text (an stt adapter: { transcribe(pcm48k) → Promise<text> },
// stt-pocketsphinx.mjs by default) and then through the SAME text agent as
// the chat (agent-runs.mjs, so the adapter of agents/ and its idempotency):
// the answer is what the voice gateway says, sentence by sentence as the
// agent writes it (spoken-text.mjs), so the shopper hears the first
// sentence while the agent still streams the rest.
//
// createVoiceAgent({stt, agentRuns, store (its visitors), log, streamed?,
// fillerAfterMs?}) → answer({sessionId, callId, utterance, pcm, heard?,
// onHeard?, onCard?, speak?}) → Promise<the text said | null>.
// heard: a promise of the words when the gateway recognised them already.
// speak: where the answer goes as it is made (agent-speaker.mjs `answer`):
// { say(piece, {filler?}), end(), signal }; `signal` aborts when the call
// dropped the answer (barge-in, the call ended): nothing more is read.
// Each utterance is one turn with message id voice-<call>-<n>, so a turn
// runs once, and is spoken once: a turn that was already asked (a run
// joined or replayed) is not spoken again. onHeard(text) gets the
// recognised words, onCard(product) each product card of the answer (the
// live transcript). While a person controls the conversation the agent is
// not asked (nothing said); the words go to the staff record.
// `streamed: false` (the `fixed` turns, for comparison) says the whole
// answer at once, without a filler.
import { sayAsWritten } from './say-as-written.mjs';

export { speakable } from './spoken-text.mjs';
export const NOT_HEARD = 'Sorry, I did not catch that. Could you say it again?';
export const NOT_ANSWERED = 'Sorry, I cannot answer that right now. Please try again in a moment.';
// Said once when the answer's first sentence is later than fillerAfterMs
// (a tool runs, a slow model): never after the answer began.
export const FILLER = 'One moment.';
export const FILLER_AFTER_MS = 1000;

// A sink that only keeps what was said: answer() without `speak`.
function quietSink() {
  return { say() {}, end() {}, signal: undefined };
}

export function createVoiceAgent({ stt, agentRuns, store, log = () => {}, streamed = true, fillerAfterMs = FILLER_AFTER_MS }) {
  return async function answer({
    sessionId, callId, utterance, pcm, heard = null, onHeard = () => {}, onCard = () => {}, speak = quietSink(),
  }) {
    const said = [];
    const say = (piece) => { said.push(piece); speak.say(piece); };
    try {
      const text = await (heard ?? stt.transcribe(pcm)); // heard: the gateway recognised the turn already (turn-taking.mjs)
      log(`[server] voice: heard ${JSON.stringify(text)} (call ${callId}, utterance ${utterance})`);
      if (!text) {
        say(NOT_HEARD);
        return NOT_HEARD;
      }
      onHeard(text);
      const request = {
        message_id: `voice-${callId}-${utterance}`, conversation_id: sessionId, text, visitor: await store.getVisitor(sessionId),
      };
      const begun = await agentRuns.begin(request, { unpaced: true }); // read as fast as the agent writes
      if (begun.held) { // a person has the conversation: no AI answer; staff read what was said
        await store.addStaffEntry(sessionId, { kind: 'shopper', message_id: request.message_id, text, voice: true, at: Date.now() });
        return null;
      }
      if (begun.full) {
        say(NOT_ANSWERED);
        return NOT_ANSWERED;
      }
      if (begun.conflict) return null;
      if (begun.outcome !== 'started') { // this turn's answer was (or is being) spoken where it started
        log(`[server] voice: ${request.message_id} was asked before (${begun.outcome}): not spoken again`);
        return null;
      }
      const failed = await speakAnswer(request, begun, { say, speak, onCard });
      if (failed && said.length === 0) say(NOT_ANSWERED); // nothing of it was said: say why there is nothing
      return said.length > 0 ? said.join(' ') : null;
    } finally {
      speak.end();
    }
  };

  // Reads the run and says each piece as soon as it is whole (say-as-written.mjs,
  // the same reading as a typed turn's reply in a call); true when the run
  // failed. The filler, if said, is not part of what `said` returns.
  async function speakAnswer(request, begun, { say, speak, onCard }) {
    const whole = [];
    let pieces = 0;
    let filler = null;
    const writer = sayAsWritten({
      say(piece) {
        pieces += 1;
        clearTimeout(filler);
        (streamed ? say : (p) => whole.push(p))(piece);
      },
      end() {}, // answer() ends the call's answer itself, after a failed run's apology
      signal: speak.signal,
    });
    if (streamed && fillerAfterMs > 0) {
      filler = setTimeout(() => { if (pieces === 0) speak.say(FILLER, { filler: true }); }, fillerAfterMs);
    }
    const result = {};
    try {
      for await (const event of agentRuns.follow(request, { outcome: begun.outcome, result, signal: speak.signal })) {
        writer.event(event);
        if (event.event === 'card') onCard(event.data.product);
      }
    } finally {
      clearTimeout(filler);
    }
    if (speak.signal?.aborted) return false; // dropped: nothing more to say
    const failed = result.state === 'failed'; // stop after what was said: never half a sentence
    writer.end({ failed });
    if (!failed && !streamed && whole.length > 0) say(whole.join(' '));
    return failed;
  }
}
