// The `scripted` adapter: the demo storefront's deterministic agent
// (tools/gateway/agents/demo/storefront-agent.mjs) behind the adapter interface
// (index.mjs). The default of `npm start`; needs no configuration.
import { replyEvents } from './demo/storefront-agent.mjs';

export function createScriptedAgent() {
  return {
    name: 'scripted',
    paced: true, // it makes the whole reply at once; the gateway types it out
    async* reply(turn) {
      const events = replyEvents({ replyId: '', text: turn.text, visitor: turn.visitor, transcript: turn.transcript, context: turn.context });
      for (const event of events) {
        if (event.event === 'delta' || event.event === 'card' || event.event === 'suggestions' || event.event === 'action') yield event;
      }
    },
  };
}
