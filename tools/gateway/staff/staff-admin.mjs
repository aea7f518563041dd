// The staff API's admin calls and its audit (docs/protocol.md, "Staff API";
// docs/security.md, "Staff identity"), beside staff-api.mjs which routes them:
//   POST /staff/revocations {jti, exp?} | {sub}  (admin) a token, or every
//        token of a person issued until now, stops working on every instance
//   GET  /staff/audit?limit=N                     (admin) the newest records
// record(): every take, hand-back, reply and note, with who did it, into the
// store's audit (both stores keep it; Redis shares it between instances)
// and one `[audit]` log line (ids cut short, never the text written).
import { sendError, sendJson } from '../http/http-util.mjs';
import { MAX_STAFF_TOKEN_LIFETIME_MS } from '../store/memory-staff-ledger.mjs';

const MAX_AUDIT_PAGE = 1000;
const MAX_ID_CHARS = 128;
const isId = (value) => typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_CHARS;

export function createStaffAdmin({ store, log = () => {}, now = Date.now }) {
  const forbidden = (res) => sendError(res, 403, 'forbidden', 'This needs the admin role.');

  async function revoke(res, staff, b) {
    if (staff.role !== 'admin') return forbidden(res);
    if (!isId(b.jti) && !isId(b.sub)) return sendError(res, 400, 'bad_revocation', 'Send {"jti": "…"} (one token) or {"sub": "…"} (every token of a person).');
    // A token's own expiry bounds how long its revocation is kept; without
    // it, the longest staff token lifetime.
    // No staff token outlives MAX_STAFF_TOKEN_LIFETIME_MS (staff-tokens.mjs),
    // so a revocation is never kept longer: a far-future `exp` cannot pile
    // up entries that outlive every token.
    const longest = now() + MAX_STAFF_TOKEN_LIFETIME_MS;
    const untilMs = Number.isFinite(b.exp) ? Math.min(b.exp * 1000, longest) : longest;
    await store.revokeStaff(isId(b.jti) ? { jti: b.jti, untilMs } : { sub: b.sub });
    await record(staff, isId(b.jti) ? 'revoke_token' : 'revoke_person', null, { target: isId(b.jti) ? b.jti : b.sub });
    return sendJson(res, 200, { revoked: true });
  }

  async function audit(res, staff, url) {
    if (staff.role !== 'admin') return forbidden(res);
    const asked = Number(url.searchParams.get('limit') ?? 100);
    const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_AUDIT_PAGE) : 100;
    return sendJson(res, 200, { records: await store.staffAudit({ limit }) });
  }

  // `staff`: {id, name, role}; `action`: take | hand_back | reply | note | revoke_*.
  async function record(staff, action, conversationId, extra = {}) {
    const entry = {
      at: new Date(now()).toISOString(), action, by: { id: staff.id, name: staff.name, role: staff.role },
      ...(conversationId ? { conversation_id: conversationId } : {}), ...extra,
    };
    await store.addStaffAudit(entry);
    log(`[audit] staff ${staff.id.slice(0, 16)} (${staff.role}) ${action}${conversationId ? ` conversation=${conversationId.slice(0, 8)}` : ''}`);
  }

  return { revoke, audit, record };
}
