// What the gateway keeps about actions in the shop's page besides the
// ledger's claims (actions/action-ledger.mjs), in the embedded store (the
// Redis twin is redis-action-notes.mjs):
//   - each proposal the agent sent ({name, args} per conversation and action
//     id, kept runTtlMs), so only an action proposed with exactly those
//     name and args can be confirmed;
//   - the results pages reported: the last ACTION_LOG_KEPT per conversation
//     for staff, and those not yet handed to the agent (its next turn's
//     context.action_results).
// Bounded like the idempotency records (maxRuns proposals) and the sessions
// (maxSessions conversations with results), the oldest going first.
export const ACTION_LOG_KEPT = 50;
export const ACTION_RESULTS_PER_TURN = 16;

export class MemoryActionNotes {
  #proposals = new Map(); // `${conversation}\n${action id}` -> {value, expires}
  #results = new Map(); // conversation id -> {log: [...], fresh: [...]}
  #limits;
  #now;

  constructor({ limits, now }) {
    this.#limits = limits;
    this.#now = now;
  }

  saveProposal(id, actionId, value) {
    const key = `${id}\n${actionId}`;
    this.#proposals.delete(key);
    this.#proposals.set(key, { value, expires: this.#now() + this.#limits.runTtlMs });
    if (this.#proposals.size > this.#limits.maxRuns) this.#proposals.delete(this.#proposals.keys().next().value);
  }

  readProposal(id, actionId) {
    const key = `${id}\n${actionId}`;
    const held = this.#proposals.get(key);
    if (!held) return null;
    if (held.expires <= this.#now()) {
      this.#proposals.delete(key);
      return null;
    }
    return held.value;
  }

  addActionResult(id, entry) {
    const held = this.#results.get(id) ?? { log: [], fresh: [] };
    held.log = [...held.log, entry].slice(-ACTION_LOG_KEPT);
    held.fresh = [...held.fresh, entry].slice(-ACTION_RESULTS_PER_TURN);
    this.#results.delete(id);
    this.#results.set(id, held);
    if (this.#results.size > this.#limits.maxSessions) this.#results.delete(this.#results.keys().next().value);
  }

  // The results reported since the last call (handed to the agent once).
  takeActionResults(id) {
    const held = this.#results.get(id);
    if (!held) return [];
    const fresh = held.fresh;
    held.fresh = [];
    return fresh;
  }

  actionResults(id) { return this.#results.get(id)?.log ?? []; }

  get size() { return this.#proposals.size + this.#results.size; }

  clear() {
    this.#proposals.clear();
    this.#results.clear();
  }
}
