// The staff API's credential: one bearer token the shop configures
// (NATTER_STAFF_TOKEN). Compared in constant time, over fixed-length digests
// so not even the token's length leaks. Without a token the staff API does
// not exist (every /staff/ path answers 404), so a shop that never set one
// exposes nothing.
import { createHash, timingSafeEqual } from 'node:crypto';

export const MIN_STAFF_TOKEN_CHARS = 16;

const digest = (text) => createHash('sha256').update(text).digest();

// token: the configured secret, or '' / null for "staff API off".
export function createStaffAuth(token) {
  if (token && token.length < MIN_STAFF_TOKEN_CHARS) {
    throw new Error(`NATTER_STAFF_TOKEN must be at least ${MIN_STAFF_TOKEN_CHARS} characters.`);
  }
  const expected = token ? digest(token) : null;
  return {
    enabled: expected !== null,
    // 'ok' | 'missing' | 'wrong' for the request's Authorization header.
    check(req) {
      const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
      if (!match) return 'missing';
      return timingSafeEqual(digest(match[1]), expected) ? 'ok' : 'wrong';
    },
  };
}
