// What both stores (memory-store.mjs, redis-store.mjs) agree on about a
// session's tokens and records: how a resume token is made and compared,
// how many tokens per conversation are remembered, how many voice calls a
// session keeps.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const MAX_VOICE_CALLS = 8;

export const newResumeToken = () => randomBytes(18).toString('base64url');

// Equal tokens, compared in constant time (an empty token never matches).
export function sameToken(given, held) {
  if (typeof given !== 'string' || given === '' || typeof held !== 'string' || held === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(held);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Resume tokens remembered per conversation: every token line (the first
// device, a continued second one) and the token before the newest.
export const OWNER_TOKENS_KEPT = 4;
