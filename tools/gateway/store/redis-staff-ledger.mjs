// Staff revocations and the staff audit in the Redis store, shared by every
// instance (the in-memory twin, with the rules, is memory-staff-ledger.mjs):
// a revoked token stops working on every instance at its next request.
//   nt:staff:revoked:jti:<jti>  "1", expiring with the token
//   nt:staff:revoked:sub:<sub>  ms of the revocation, expiring after the longest token lifetime
//   nt:staff:audit              a list of JSON records, newest first, trimmed to MAX_STAFF_AUDIT
// Times are Redis's clock (TIME), so instances with skewed clocks agree.
import { MAX_STAFF_AUDIT, MAX_STAFF_TOKEN_LIFETIME_MS } from './memory-staff-ledger.mjs';

const AUDIT_KEY = 'nt:staff:audit';
const jtiKey = (jti) => `nt:staff:revoked:jti:${jti}`;
const subKey = (sub) => `nt:staff:revoked:sub:${sub}`;

export class RedisStaffLedger {
  #client;

  constructor({ client }) { this.#client = client; }

  async #nowMs() {
    const [seconds, micros] = await this.#client.time().then((t) => (Array.isArray(t) ? t : [Math.floor(t.getTime() / 1000), t.microseconds ?? 0]));
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async revokeStaff({ jti, sub, untilMs }) {
    const now = await this.#nowMs();
    if (jti) await this.#client.set(jtiKey(jti), '1', { PX: Math.max(1, (untilMs ?? now) - now) });
    if (sub) await this.#client.set(subKey(sub), String(now), { PX: MAX_STAFF_TOKEN_LIFETIME_MS });
  }

  async staffRevoked({ jti, sub, iatMs }) {
    const [byJti, bySub] = await Promise.all([
      jti ? this.#client.exists(jtiKey(jti)) : 0,
      sub ? this.#client.get(subKey(sub)) : null,
    ]);
    return byJti > 0 || (bySub !== null && iatMs <= Number(bySub));
  }

  async addStaffAudit(record) {
    await this.#client.multi().lPush(AUDIT_KEY, JSON.stringify(record)).lTrim(AUDIT_KEY, 0, MAX_STAFF_AUDIT - 1).exec();
  }

  async staffAudit({ limit = 100 } = {}) {
    return (await this.#client.lRange(AUDIT_KEY, 0, limit - 1)).map((text) => JSON.parse(text));
  }
}
