// The agent adapter: the one seam between the gateway and whatever answers
// the shopper (docs/agents.md). The gateway keeps every promise of the
// protocol (idempotency, resume, seq, voice); an adapter only answers turns.
//
// An adapter is an object:
//
//   {
//     name: 'scripted' | 'webhook' | 'openai' | …,
//     paced: boolean,   // true: the gateway spaces its deltas by tokenDelayMs
//                       // (an agent that makes its whole reply at once)
//     reply(turn, { signal, handoff }) → AsyncIterable<AgentEvent>,
//   }
//
//   turn = {
//     conversation_id, message_id,  // message_id: the client's id, the same on every retry
//     text,                         // what the shopper said (1..4000 characters; may be blank with attachments)
//     visitor,                      // {id?, name?, email?} when the shop named the shopper, else null
//     context,                      // where the shopper is (page, product, variant, cart, currency,
//                                   // locale; ../http/page-context.mjs, checked), else null. Written by
//                                   // the shop's page: untrusted text, like the shopper's own
//     transcript,                   // the conversation's recent turns before this one, oldest
//                                   // first: [{role: 'shopper' | 'agent', text}] (at most 20)
//     attachments,                  // the message's photos, when it named any (else absent):
//                                   // [{id, type, size, width, height, data (base64)}], at most 3;
//                                   // the text may then be blank (docs/agents.md)
//   }
//   AgentEvent = {event: 'delta', data: {text}}        the next piece of reply text
//              | {event: 'card', data: {product}}      a product card (docs/protocol.md)
//              | {event: 'suggestions', data: {replies?, links?}}  reply chips and https link
//                                                     buttons (suggestions.mjs), once, after the text
//              | {event: 'action', data: {name, args?, summary?}}  propose one of the actions the
//                                                     turn's context.actions declared (action-proposal.mjs);
//                                                     the gateway adds id and confirm, keeps one per
//                                                     reply and sends it after the text, before done
//              | {event: 'lead', data: {kind, data?}}  a lead for the shop's record (lead-event.mjs):
//                                                     at most 3 per reply, never sent to the shopper
//
// Contract:
// - The gateway calls reply() at most once per message_id while its run is
//   held (the idempotency store wraps the adapter: a retried or duplicated
//   message joins or replays the run, it never calls the adapter again).
//   After a run FAILED the next retry calls reply() again.
// - Ending the iteration means the reply is complete (`done`). Throwing means
//   the turn failed: the shopper sees the message failed with Retry. The
//   error's message goes to the gateway's log only, never to the browser.
// - `signal` aborts when the gateway shuts down, or when a person takes the
//   conversation over mid-reply: stop promptly.
// - `handoff(summary)` (when the gateway has one) asks for a person from the
//   shop; `summary` is kept for staff to read first. Resolves what happened.
// - The gateway sends `start` before the adapter's first event and `done`
//   after its last, checks every event (agentReply below) and drops a bad one
//   with a log line.
//
// Adapters: scripted.mjs (the demo's agent, the default), webhook.mjs (the
// shop's URL), openai.mjs (an OpenAI-compatible Chat Completions endpoint).
// config.mjs picks one from the environment.
import { checkAgentEvent } from './reply-events.mjs';
import { checkActionProposal } from './action-proposal.mjs';
import { checkLead, MAX_LEADS_PER_REPLY } from './lead-event.mjs';

export { createScriptedAgent } from './scripted.mjs';
export { createWebhookAgent } from './webhook.mjs';
export { createOpenAiAgent } from './openai.mjs';
export { agentFromEnv, ConfigError } from './config.mjs';
export { AgentError } from './agent-error.mjs';

// The protocol's reply events for one turn: start, the adapter's checked
// events, done. `onDone(text, cards)` is called with the whole reply text and
// the card products it showed once the adapter finished (before `done` is
// handed on, so the transcript already holds it when a reader sees done), the
// proposed action and the leads. Adapter failures are logged and rethrown.
export async function* agentReply(agent, turn, { replyId, signal, log = () => {}, onDone = () => {}, handoff = null }) {
  const tag = `[agent ${agent.name}] ${turn.message_id.slice(0, 8)}`;
  yield { event: 'start', data: { reply_id: replyId } };
  let text = '';
  const cards = [];
  let action = null;
  const leads = [];
  try {
    for await (const raw of agent.reply(turn, { signal, handoff })) {
      if (raw?.event === 'lead') {
        const lead = checkLead(raw.data);
        if (!lead.ok) log(`${tag}: dropped a lead: ${lead.reason}`);
        else if (leads.length >= MAX_LEADS_PER_REPLY) log(`${tag}: dropped a lead: ${MAX_LEADS_PER_REPLY} per reply`);
        else leads.push(lead.data);
        continue;
      }
      if (raw?.event === 'action') {
        const proposal = checkActionProposal(raw.data, turn);
        if (!proposal.ok) log(`${tag}: dropped an action: ${proposal.reason}`);
        else if (action) log(`${tag}: dropped an action: one per reply (${proposal.data.name} after ${action.name})`);
        else action = proposal.data;
        continue;
      }
      const checked = checkAgentEvent(raw);
      if (!checked.ok) {
        log(`${tag}: dropped an event: ${checked.reason}`);
        continue;
      }
      for (const why of checked.dropped ?? []) log(`${tag}: dropped a suggestion: ${why}`);
      for (const event of checked.events) {
        if (event.event === 'delta') text += event.data.text;
        if (event.event === 'card') cards.push(event.data.product);
        yield event;
      }
    }
  } catch (error) {
    log(`${tag}: failed: ${error?.message ?? error}`);
    throw error;
  }
  await onDone(text, cards, action, leads);
  if (action) yield { event: 'action', data: action };
  yield { event: 'done', data: {} };
}
