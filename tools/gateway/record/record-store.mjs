// The store as the gateway sees it, telling the recorder what it applied:
// control changes (handoffs), staff replies, notes and emails left, turns
// held for staff while a person has the conversation, and visitors. Only
// what the store accepted is recorded (a refused take or a duplicate staff
// reply is not), after it answered, without waiting for the record. Every
// other method is the store's own, untouched.
export function recordingStore(store, recorder) {
  if (!recorder.enabled) return store;
  const overrides = {
    async changeControl(id, event, options = {}) {
      const changed = await store.changeControl(id, event, options);
      if (changed?.ok) {
        recorder.handoff(id, event, {
          seq: changed.frame?.seq, by: event === 'request' ? options.entry?.by : options.name, reason: options.entry?.summary,
        });
      }
      return changed;
    },
    async staffReply(id, messageId, print, events, entry) {
      const answer = await store.staffReply(id, messageId, print, events, entry);
      if (Array.isArray(answer)) recorder.staffReply(id, messageId, entry?.name, entry?.text ?? '');
      return answer;
    },
    async addStaffEntry(id, entry) {
      const kept = await store.addStaffEntry(id, entry);
      if (kept) {
        if (entry.kind === 'note') recorder.note(id, entry.name, entry.text);
        else if (entry.kind === 'email') recorder.emailLeft(id, null, entry.email);
        else if (entry.kind === 'shopper') recorder.shopperTurn({ message_id: entry.message_id, conversation_id: id, text: entry.text }, { voice: Boolean(entry.voice) });
        else if (entry.kind === 'handoff' && entry.answered === 'unavailable') recorder.handoffUnanswered(id, { by: entry.by, reason: entry.summary });
      }
      return kept;
    },
    async saveEmailOnce(id, emailId, entry) {
      const saved = await store.saveEmailOnce(id, emailId, entry);
      if (saved === 'saved') recorder.emailLeft(id, emailId, entry.email);
      return saved;
    },
    async holdTurn(id, gen, messageId, entry) {
      const held = await store.holdTurn(id, gen, messageId, entry);
      if (held === 'held') recorder.shopperTurn({ message_id: messageId, conversation_id: id, text: entry.text }, { attachments: entry.attachments });
      return held;
    },
    async setVisitor(id, visitor) {
      const answer = await store.setVisitor(id, visitor);
      recorder.visitor(id, visitor);
      return answer;
    },
  };
  return new Proxy(store, {
    get(target, name) {
      if (Object.hasOwn(overrides, name)) return overrides[name];
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
