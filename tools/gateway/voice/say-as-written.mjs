// A text reply said in a call while the agent writes it (a voice turn's
// answer, voice-agent.mjs; a typed turn's, say-into-calls.mjs): its deltas
// become speakable pieces (spoken-text.mjs) for an answer sink of the agent
// speaker ({say, end, signal}: agent-speaker.mjs). Once the call dropped the
// answer (a barge-in, the call's end) nothing more is said; a failed reply
// stops after what was said, never half a sentence.
import { createSpokenStream } from './spoken-text.mjs';

export function sayAsWritten(sink) {
  const spoken = createSpokenStream();
  const sayAll = (pieces) => {
    if (sink.signal?.aborted) return;
    for (const piece of pieces) sink.say(piece);
  };
  let ended = false;
  return {
    event(e) {
      if (!ended && e.event === 'delta') sayAll(spoken.push(e.data.text));
    },
    end({ failed = false } = {}) {
      if (ended) return;
      ended = true;
      if (!failed) sayAll(spoken.end());
      sink.end();
    },
  };
}
