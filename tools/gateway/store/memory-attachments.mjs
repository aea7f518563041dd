// The photos shoppers uploaded (POST /api/attachment), in the embedded
// store (the Redis twin is redis-attachments.mjs). Each is kept runTtlMs
// from its upload, as long as the idempotency record of the message that
// names it, under an id made from (conversation, message id, index), so a
// retried upload finds its first copy.
//
// Bounded: attachmentsPerConversation / attachmentBytesPerConversation per
// conversation and attachmentsTotal / attachmentBytesTotal for the store.
// At a bound the upload is refused ('conversation_full', 'full'), never
// made room for: an older photo may be named by a message still waiting
// for its answer. Only expired photos go, oldest first.
//
//   saveAttachment(id, meta, bytes) -> {outcome: 'stored' | 'existing', meta}
//                                      | {outcome: 'conflict' | 'conversation_full' | 'full'}
//     meta: {id, type, size, width, height, message_id, index, sha256}
//   readAttachment(id, attachmentId) -> {meta, bytes} | null
//   attachmentMetas(id, attachmentIds) -> [meta | null] in the same order
export class MemoryAttachments {
  #conversations = new Map(); // conversation id -> Map(attachment id -> {meta, bytes, expires})
  #order = new Map(); // `${conversation}\n${attachment id}` -> expires (upload order = expiry order)
  #bytes = 0;
  #limits;
  #now;

  constructor({ limits, now }) {
    this.#limits = limits;
    this.#now = now;
  }

  #sweep() {
    const now = this.#now();
    for (const [key, expires] of this.#order) {
      if (expires > now) break;
      // Split at the last newline: a conversation id is the client's text
      // and may hold one; an attachment id (att_ and hex) never does.
      const cut = key.lastIndexOf('\n');
      this.#drop(key.slice(0, cut), key.slice(cut + 1));
    }
  }

  #drop(id, attachmentId) {
    const held = this.#conversations.get(id);
    const item = held?.get(attachmentId);
    if (!item) return;
    held.delete(attachmentId);
    if (held.size === 0) this.#conversations.delete(id);
    this.#order.delete(`${id}\n${attachmentId}`);
    this.#bytes -= item.bytes.length;
  }

  saveAttachment(id, meta, bytes) {
    this.#sweep();
    const held = this.#conversations.get(id) ?? new Map();
    const known = held.get(meta.id);
    if (known) return known.meta.sha256 === meta.sha256 ? { outcome: 'existing', meta: known.meta } : { outcome: 'conflict' };
    let heldBytes = 0;
    for (const item of held.values()) heldBytes += item.bytes.length;
    const l = this.#limits;
    if (held.size >= l.attachmentsPerConversation || heldBytes + bytes.length > l.attachmentBytesPerConversation) {
      return { outcome: 'conversation_full' };
    }
    if (this.#order.size >= l.attachmentsTotal || this.#bytes + bytes.length > l.attachmentBytesTotal) return { outcome: 'full' };
    const expires = this.#now() + l.runTtlMs;
    held.set(meta.id, { meta, bytes: Buffer.from(bytes), expires });
    this.#conversations.set(id, held);
    this.#order.set(`${id}\n${meta.id}`, expires);
    this.#bytes += bytes.length;
    return { outcome: 'stored', meta };
  }

  readAttachment(id, attachmentId) {
    const item = this.#conversations.get(id)?.get(attachmentId);
    if (!item || item.expires <= this.#now()) return null;
    return { meta: item.meta, bytes: item.bytes };
  }

  attachmentMetas(id, attachmentIds) {
    return attachmentIds.map((a) => this.readAttachment(id, a)?.meta ?? null);
  }

  get size() { return this.#order.size; }

  clear() {
    this.#conversations.clear();
    this.#order.clear();
    this.#bytes = 0;
  }
}
