// Both stores (memory-store.mjs, redis-store.mjs) hand whole families of
// calls to a part of their own (runs, staff ledger, presence, ownership), the same
// calls with the same arguments. The families are named once here and the
// forwarding methods made from them, so the two stores cannot drift apart
// in what they forward.

// Each family: the calls that answer a promise, and those that answer at
// once (waitRun's waiter, onTyping's unsubscribe).
export const RUN_CALLS = {
  promised: ['claimRun', 'runConflicts', 'appendRunEvent', 'appendRunEvents', 'renewRun', 'endRun', 'readRun'],
  immediate: ['waitRun'],
};
export const STAFF_LEDGER_CALLS = {
  promised: ['revokeStaff', 'staffRevoked', 'addStaffAudit', 'staffAudit'],
  immediate: [],
};
export const OWNERSHIP_CALLS = {
  promised: ['rememberOwner', 'wasOwner', 'bindConversationKey', 'conversationKey'],
  immediate: [],
};
export const ACTION_NOTE_CALLS = {
  promised: ['saveProposal', 'readProposal', 'addActionResult', 'takeActionResults', 'actionResults'],
  immediate: [],
};
export const ATTACHMENT_CALLS = {
  promised: ['saveAttachment', 'readAttachment', 'attachmentMetas'],
  immediate: [],
};
// Only the Redis store has it: the in-memory store's budgets are the
// instance's own (http/chat-budget.mjs counts them in memory).
export const WINDOW_BUDGET_CALLS = {
  promised: ['takeWindow'],
  immediate: [],
};
export const PRESENCE_CALLS = {
  promised: ['markStaffPresent', 'staffOnline', 'saveEmailOnce', 'markRead', 'publishTyping', 'lastSeq'],
  immediate: ['onTyping'],
};

// Adds to Store's prototype a method per call of `family` that calls the
// same method of partOf(store). partOf is a closure from inside the class
// (a static block), so the part can stay a private field.
export function forwardToPart(Store, partOf, family) {
  const define = (name, value) => Object.defineProperty(Store.prototype, name, {
    value, writable: true, configurable: true, enumerable: false,
  });
  for (const name of family.promised) {
    define(name, async function forwarded(...args) { return partOf(this)[name](...args); });
  }
  for (const name of family.immediate) {
    define(name, function forwarded(...args) { return partOf(this)[name](...args); });
  }
}
