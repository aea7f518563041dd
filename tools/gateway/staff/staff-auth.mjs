// Who is calling the staff API (docs/security.md, "Staff identity"):
// - a per-person token (staff-tokens.mjs) when NATTER_STAFF_JWT_SECRET is
//   set: the person's id, name and role come from the token;
// - DEPRECATED: the one shared bearer token NATTER_STAFF_TOKEN, compared in
//   constant time over fixed-length digests (not even its length leaks).
//   Whoever holds it is an `admin` named by the request body's `name`, and
//   it can be revoked only by changing it and restarting every instance.
// Both may be set while a shop moves over. Without either the staff API
// does not exist (every /staff/ path answers 404).
import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../auth/access-tokens.mjs';
import { createStaffTokens } from './staff-tokens.mjs';

export const MIN_STAFF_TOKEN_CHARS = 16;
export const SHARED_STAFF_ID = 'shared-token';

const digest = (text) => createHash('sha256').update(text).digest();

// token: the shared secret, or '' / null. jwtSecret: the staff tokens' key,
// or '' / null. store: for revocations (staff-tokens.mjs).
export function createStaffAuth(token, { jwtSecret = '', store = null, now } = {}) {
  if (token && token.length < MIN_STAFF_TOKEN_CHARS) {
    throw new Error(`NATTER_STAFF_TOKEN must be at least ${MIN_STAFF_TOKEN_CHARS} characters.`);
  }
  const expected = token ? digest(token) : null;
  const tokens = jwtSecret ? createStaffTokens({ secret: jwtSecret, store, ...(now ? { now } : {}) }) : null;
  return {
    enabled: expected !== null || tokens !== null,
    mode: tokens ? (expected ? 'tokens+shared' : 'tokens') : expected ? 'shared' : 'off',
    // Resolves { verdict: 'ok', staff: {id, name (null: the body names them), role} }
    // or { verdict: 'missing' | 'wrong' | 'expired' | 'revoked' | … }.
    async check(req) {
      const given = bearerToken(req.headers.authorization);
      if (!given) return { verdict: 'missing' };
      if (expected && timingSafeEqual(digest(given), expected)) {
        return { verdict: 'ok', staff: { id: SHARED_STAFF_ID, name: null, role: 'admin', shared: true } };
      }
      if (!tokens) return { verdict: 'wrong' };
      const checked = await tokens.verify(given);
      return checked.ok ? { verdict: 'ok', staff: checked.staff } : { verdict: checked.reason === 'bad_signature' || checked.reason === 'malformed' ? 'wrong' : checked.reason };
    },
  };
}
