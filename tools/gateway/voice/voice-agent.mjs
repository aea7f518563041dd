// The voice agent that hears what was asked: a speech segment goes through
// speech to text (an stt adapter: { transcribe(pcm48k) → Promise<text> },
// stt-pocketsphinx.mjs by default) and then through the SAME text agent as
// the chat (agent-runs.mjs, so the adapter of agents/ and its idempotency):
// the answer is what the voice gateway says.
//
// createVoiceAgent({stt, agentRuns, store (its visitors), log}) → answer({sessionId,
// callId, utterance, pcm, heard?, onHeard?, onCard?}) → Promise<text to say | null>;
// heard: a promise of the words when the gateway recognised them already.
// Each utterance is one turn with message id voice-<call>-<n>, so a turn
// runs once. onHeard(text) gets the recognised words (when something was
// recognised), onCard(product) each product card of the answer: the voice
// gateway's live transcript. While a person controls the conversation the
// agent is not asked (null: nothing said); the words go to the staff record.
export const NOT_HEARD = 'Sorry, I did not catch that. Could you say it again?';
export const NOT_ANSWERED = 'Sorry, I cannot answer that right now. Please try again in a moment.';
const MAX_SPOKEN_CHARS = 600;

// Markdown as it should be read aloud: link labels without their URLs, no
// emphasis marks, list items as a sentence each; long replies cut at a
// sentence end.
export function speakable(markdown) {
  const text = markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#]+/g, '')
    .replace(/^\s*-\s+/gm, '')
    .split('\n').map((line) => line.trim()).filter(Boolean)
    .map((line) => (/[.!?:]$/.test(line) ? line : `${line}.`))
    .join(' ');
  if (text.length <= MAX_SPOKEN_CHARS) return text;
  const cut = text.slice(0, MAX_SPOKEN_CHARS);
  return cut.slice(0, Math.max(cut.lastIndexOf('. ') + 1, cut.lastIndexOf(' '))).trim();
}

export function createVoiceAgent({ stt, agentRuns, store, log = () => {} }) {
  return async function answer({ sessionId, callId, utterance, pcm, heard = null, onHeard = () => {}, onCard = () => {} }) {
    const text = await (heard ?? stt.transcribe(pcm)); // heard: the gateway recognised the turn already (turn-taking.mjs)
    log(`[server] voice: heard ${JSON.stringify(text)} (call ${callId}, utterance ${utterance})`);
    if (!text) return NOT_HEARD;
    onHeard(text);
    const request = {
      message_id: `voice-${callId}-${utterance}`, conversation_id: sessionId, text, visitor: await store.getVisitor(sessionId),
    };
    const begun = await agentRuns.begin(request, { unpaced: true }); // the whole answer is spoken at once
    if (begun.held) { // a person has the conversation: no AI answer; staff read what was said
      await store.addStaffEntry(sessionId, { kind: 'shopper', message_id: request.message_id, text, voice: true, at: Date.now() });
      return null;
    }
    if (begun.conflict || begun.full) return begun.full ? NOT_ANSWERED : null;
    let reply = '';
    const result = {};
    for await (const event of agentRuns.follow(request, { outcome: begun.outcome, result })) {
      if (event.event === 'delta') reply += event.data.text;
      else if (event.event === 'card') onCard(event.data.product);
    }
    return result.state === 'failed' ? NOT_ANSWERED : speakable(reply);
  };
}
