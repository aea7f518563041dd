// Short-lived access tokens for the widget (docs/deploying.md, "Tokens
// without secrets in the page"). The shop's backend mints them with a secret
// that lives only on servers; the agent verifies them. Format:
//
//     <payload, base64url JSON {sub, iat, exp} (ms since the epoch)>.<HMAC-SHA256 of the payload part, base64url>
//
// The reference server uses this when started with requireToken: {secret}:
// hello.auth and POST /api/chat's "Authorization: Bearer" must carry a valid
// token (close 4003 / HTTP 401 otherwise), and GET /shop/natter-token plays
// the shop's own endpoint.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOKEN_TTL_S = 300;
export const MAX_TOKEN_CHARS = 4096;

const sign = (secret, payloadPart) => createHmac('sha256', secret).update(payloadPart).digest('base64url');

// A token for shopper `sub`, valid `ttlS` seconds from `now`.
export function mintToken(secret, { sub, ttlS = TOKEN_TTL_S, now = Date.now() }) {
  const payloadPart = Buffer.from(JSON.stringify({ sub, iat: now, exp: now + ttlS * 1000 })).toString('base64url');
  return `${payloadPart}.${sign(secret, payloadPart)}`;
}

// {ok: true, payload} or {ok: false, reason}: "missing", "malformed",
// "bad_signature", "expired" (past exp, or issued at or before
// `notAfterIat`: revoked by the test controls).
export function verifyToken(secret, token, { now = Date.now(), notAfterIat = -Infinity } = {}) {
  if (typeof token !== 'string' || token === '') return { ok: false, reason: 'missing' };
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, parts[0]));
  const given = Buffer.from(parts[1]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  let payload;
  try {
    payload = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!payload || !Number.isFinite(payload.exp) || !Number.isFinite(payload.iat)) return { ok: false, reason: 'malformed' };
  if (payload.exp <= now || payload.iat <= notAfterIat) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

// The token from an Authorization header ("Bearer <token>"), or "".
export function bearerToken(header) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(typeof header === 'string' ? header : '');
  return match ? match[1] : '';
}

// The server's token policy: null without requireToken. `now` is injectable
// for tests. Test controls: expireAll() revokes every token minted so far;
// failNext(count, status) makes the next mint calls answer `status`.
export function createTokenGate(requireToken, { now = Date.now } = {}) {
  if (!requireToken) return null;
  const secret = requireToken.secret;
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new Error('requireToken.secret must be a string of at least 16 characters');
  }
  let notAfterIat = -Infinity;
  let lastIat = -Infinity;
  const failures = [];
  return {
    verify: (token) => verifyToken(secret, token, { now: now(), notAfterIat }),
    // Strictly increasing iat, so expireAll() cannot catch a token minted
    // in the same millisecond after it.
    mint(sub) {
      const at = Math.max(now(), lastIat + 1);
      lastIat = at;
      return mintToken(secret, { sub, now: at });
    },
    expireAll() {
      notAfterIat = Math.max(now(), lastIat);
      lastIat = notAfterIat; // the next mint is newer than the cut
    },
    failNext(count = 1, status = 503) {
      for (let i = 0; i < count; i += 1) failures.push(status);
      return failures.length;
    },
    takeFailure: () => failures.shift() ?? null,
    reset() {
      failures.length = 0;
      notAfterIat = -Infinity;
    },
  };
}
