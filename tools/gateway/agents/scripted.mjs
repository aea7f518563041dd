// The `scripted` adapter: the demo storefront's deterministic agent
// (tools/gateway/agents/demo/storefront-agent.mjs) behind the adapter interface
// (index.mjs). The default of `npm start`; needs no configuration.
import { replyEvents } from './demo/storefront-agent.mjs';
import { photoThanks } from './demo/photo-answer.mjs';

export function createScriptedAgent() {
  return {
    name: 'scripted',
    paced: true, // it makes the whole reply at once; the gateway types it out
    async* reply(turn) {
      // Photos: thanks first (demo/photo-answer.mjs), then the answer to the words, if any.
      const photos = turn.attachments?.length ?? 0;
      if (photos > 0) {
        yield { event: 'delta', data: { text: photoThanks(photos, turn.context?.locale) } };
        if (turn.text.trim() === '') return;
        yield { event: 'delta', data: { text: '\n\n' } };
      }
      const events = replyEvents({ replyId: '', text: turn.text, visitor: turn.visitor, transcript: turn.transcript, context: turn.context });
      for (const event of events) {
        if (event.event === 'delta' || event.event === 'card' || event.event === 'suggestions' || event.event === 'action') yield event;
      }
    },
  };
}
