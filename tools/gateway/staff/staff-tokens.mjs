// Per-person staff tokens (docs/security.md, "Staff identity"): a JWT the
// shop's own system signs (HS256 with NATTER_STAFF_JWT_SECRET, which only
// the shop's servers and the gateway hold), verified with `jose`. Claims:
//   sub   the staff member's stable id (1..128 characters)
//   name  what shoppers and the audit see (1..100 characters, no controls)
//   role  "agent" (conversations) or "admin" (also revocations and the audit)
//   iat, exp  required; exp - iat at most 24 h
//   jti   optional: a token id, so one token can be revoked alone
// A token is refused when malformed, signed with another key or algorithm,
// expired, too long-lived, with a claim missing or wrong, or revoked in the
// store (by jti, or every token of its `sub` issued until the revocation).
import { randomUUID } from 'node:crypto';
import { checkVisitor } from '../auth/visitor.mjs';
import { MAX_STAFF_TOKEN_LIFETIME_MS } from '../store/memory-staff-ledger.mjs';

export const STAFF_ROLES = Object.freeze(['agent', 'admin']);
export const MIN_STAFF_JWT_SECRET_CHARS = 32;
const ALGORITHM = 'HS256';
const MAX_ID_CHARS = 128;

const keyOf = (secret) => new TextEncoder().encode(secret);
// Loaded at the first staff call, not at every gateway start.
const jose = () => import('jose');

// What the shop's system does (and tests): a token for one person.
export async function mintStaffToken(secret, { sub, name, role, ttlS = 3600, jti = randomUUID(), now = Date.now() }) {
  const iat = Math.floor(now / 1000);
  const { SignJWT } = await jose();
  return new SignJWT({ name, role }).setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(sub).setIssuedAt(iat).setExpirationTime(iat + ttlS).setJti(jti).sign(keyOf(secret));
}

function reasonOf(error, errors) {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'bad_signature';
  if (error instanceof errors.JWTClaimValidationFailed) return 'bad_claims';
  return 'malformed';
}

// `store`: staffRevoked({jti, sub, iatMs}). Returns { verify(token) ->
// Promise<{ok: true, staff: {id, name, role, jti, exp}} | {ok: false, reason}> }.
export function createStaffTokens({ secret, store, now = Date.now }) {
  if (typeof secret !== 'string' || secret.length < MIN_STAFF_JWT_SECRET_CHARS) {
    throw new Error(`NATTER_STAFF_JWT_SECRET must be at least ${MIN_STAFF_JWT_SECRET_CHARS} characters`);
  }
  const key = keyOf(secret);
  return {
    async verify(token) {
      if (!token) return { ok: false, reason: 'missing' };
      const { errors, jwtVerify } = await jose();
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM], requiredClaims: ['sub', 'exp', 'iat'], currentDate: new Date(now()),
        }));
      } catch (error) {
        return { ok: false, reason: reasonOf(error, errors) };
      }
      const name = checkVisitor({ name: payload.name });
      if (typeof payload.name !== 'string' || !name.ok || !name.visitor?.name) return { ok: false, reason: 'bad_claims' };
      if (!STAFF_ROLES.includes(payload.role)) return { ok: false, reason: 'bad_claims' };
      if (typeof payload.sub !== 'string' || payload.sub.length > MAX_ID_CHARS) return { ok: false, reason: 'bad_claims' };
      if ((payload.exp - payload.iat) * 1000 > MAX_STAFF_TOKEN_LIFETIME_MS) return { ok: false, reason: 'too_long_lived' };
      const jti = typeof payload.jti === 'string' ? payload.jti.slice(0, MAX_ID_CHARS) : null;
      if (await store.staffRevoked({ jti, sub: payload.sub, iatMs: payload.iat * 1000 })) return { ok: false, reason: 'revoked' };
      return { ok: true, staff: { id: payload.sub, name: name.visitor.name, role: payload.role, jti, exp: payload.exp } };
    },
  };
}
