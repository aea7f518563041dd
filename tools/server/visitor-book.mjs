// Who each conversation's shopper is, as the widget last said (hello,
// identify frame, or a chat POST body): conversation_id -> visitor. The
// widget's word is the whole truth: a hello or body without a visitor
// clears it. Bounded; the oldest conversations are forgotten first.
export const MAX_CONVERSATIONS = 10_000;

export class VisitorBook {
  #visitors = new Map();
  #max;

  constructor({ max = MAX_CONVERSATIONS } = {}) { this.#max = max; }

  // `visitor`: a checked visitor (visitor.mjs) or null.
  set(conversationId, visitor) {
    this.#visitors.delete(conversationId);
    if (visitor === null) return;
    this.#visitors.set(conversationId, visitor);
    if (this.#visitors.size > this.#max) this.#visitors.delete(this.#visitors.keys().next().value);
  }

  get(conversationId) { return this.#visitors.get(conversationId) ?? null; }

  get size() { return this.#visitors.size; }

  clear() { this.#visitors.clear(); }
}
