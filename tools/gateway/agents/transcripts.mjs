// The recent turns of each conversation, as the agent adapters receive them
// in `turn.transcript` (index.mjs): what the shopper said and what the agent
// answered, for the turns whose reply completed. Kept by the gateway's store
// (store/README.md: addTranscriptTurn, recentTranscript), so every instance
// and a restarted one hand the agent the same history on Redis. Bounded: the
// last MAX_ENTRIES entries per conversation. TranscriptBook is the memory
// store's copy: the oldest conversations forgotten first.
export const MAX_ENTRIES = 20;
export const MAX_ENTRY_CHARS = 4_000;
export const MAX_CONVERSATIONS = 10_000;

export const MAX_ENTRY_CARDS = 8;

// One completed turn as its two entries, each cut to MAX_ENTRY_CHARS. The
// agent's entry carries the product cards it showed (`cards`, the protocol's
// card products, at most MAX_ENTRY_CARDS) when there were any: staff read
// them (staff/staff-api.mjs); adapters get `{role, text}` only (agentView).
// The shopper's entry carries the photos the message named (`attachments`:
// {id, type, size, width, height} each, at most attachmentsPerMessage), for staff.
export function transcriptEntries(shopperText, agentText, cards = [], attachments = []) {
  const agent = { role: 'agent', text: agentText.slice(0, MAX_ENTRY_CHARS) };
  if (cards.length) agent.cards = cards.slice(0, MAX_ENTRY_CARDS);
  const shopper = { role: 'shopper', text: shopperText.slice(0, MAX_ENTRY_CHARS) };
  if (attachments.length) shopper.attachments = attachments;
  return [shopper, agent];
}

// The transcript as adapters receive it (`turn.transcript`, docs/agents.md).
export const agentView = (entries) => entries.map(({ role, text }) => ({ role, text }));

export class TranscriptBook {
  #conversations = new Map(); // conversation_id -> [{role, text}]
  #max;

  constructor({ max = MAX_CONVERSATIONS } = {}) { this.#max = max; }

  // A copy of the conversation's recent entries, oldest first.
  recent(conversationId) { return (this.#conversations.get(conversationId) ?? []).map((e) => ({ ...e })); }

  has(conversationId) { return this.#conversations.has(conversationId); }

  // Records one completed turn.
  add(conversationId, shopperText, agentText, cards = [], attachments = []) {
    const entries = this.#conversations.get(conversationId) ?? [];
    this.#conversations.delete(conversationId); // re-inserted: most recent last
    entries.push(...transcriptEntries(shopperText, agentText, cards, attachments));
    this.#conversations.set(conversationId, entries.slice(-MAX_ENTRIES));
    if (this.#conversations.size > this.#max) this.#conversations.delete(this.#conversations.keys().next().value);
  }

  clear() { this.#conversations.clear(); }
}
