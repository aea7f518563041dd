// Staff revocations and the staff audit in the in-memory store (the contract
// is store/README.md, "Staff identity"; the Redis twin is
// redis-staff-ledger.mjs). A revocation names a token (`jti`, kept until
// the token's own expiry) or a person (`sub`: every token of theirs issued
// at or before the revocation, kept for the longest token lifetime). The
// audit keeps the newest MAX_STAFF_AUDIT records, newest first.
export const MAX_STAFF_AUDIT = 10_000;
// Longest staff token lifetime the gateway accepts (staff/staff-tokens.mjs):
// a person's revocation must outlive every token issued before it.
export const MAX_STAFF_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

export class MemoryStaffLedger {
  #now;
  #jtis = new Map(); // jti -> until (ms)
  #subs = new Map(); // sub -> { at, until } (ms)
  #audit = [];

  constructor({ now = Date.now } = {}) { this.#now = now; }

  // { jti, untilMs } or { sub }.
  async revokeStaff({ jti, sub, untilMs }) {
    const now = this.#now();
    this.#sweep(now);
    if (jti) this.#jtis.set(jti, Math.max(untilMs ?? now, now));
    if (sub) this.#subs.set(sub, { at: now, until: now + MAX_STAFF_TOKEN_LIFETIME_MS });
  }

  // True when the token (its jti, or its person's tokens issued by iatMs) was revoked.
  async staffRevoked({ jti, sub, iatMs }) {
    const now = this.#now();
    if (jti && (this.#jtis.get(jti) ?? -Infinity) > now) return true;
    const person = this.#subs.get(sub);
    return Boolean(person && person.until > now && iatMs <= person.at);
  }

  async addStaffAudit(record) {
    this.#audit.unshift(record);
    if (this.#audit.length > MAX_STAFF_AUDIT) this.#audit.length = MAX_STAFF_AUDIT;
  }

  async staffAudit({ limit = 100 } = {}) { return this.#audit.slice(0, limit); }

  #sweep(now) {
    for (const [jti, until] of this.#jtis) if (until <= now) this.#jtis.delete(jti);
    for (const [sub, { until }] of this.#subs) if (until <= now) this.#subs.delete(sub);
  }

  clear() { this.#jtis.clear(); this.#subs.clear(); this.#audit = []; }
}
