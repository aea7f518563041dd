// Speech that comes from outside a call's own turns: the reply to a turn the
// shopper typed during the call (session/turns.mjs) is said in the session's
// open call as the agent writes it, without a transcript bubble (the chat
// shows the reply); and benches make the agent say a line on every open call.
//
// createSayIntoCalls({openCalls (open-calls.mjs), speaker (agent-speaker.mjs)})
// → { speakTyped(sessionId) → {event(replyEvent), end({failed})} | null (no
//     call of that session open here), sayToOpenCalls(text) → calls spoken to }
import { sayAsWritten } from './say-as-written.mjs';

export function createSayIntoCalls({ openCalls, speaker }) {
  return {
    speakTyped(sessionId) {
      const call = openCalls.ofSession(sessionId);
      return call ? sayAsWritten(speaker.answer(call, [], { bubble: false })) : null;
    },
    // Queued behind what the agent is saying on each.
    sayToOpenCalls(text) {
      for (const call of openCalls.calls()) speaker.say(call, text);
      return openCalls.size;
    },
  };
}
