// The two forms of a continue link's one-time secret (docs/protocol.md,
// "Continue on another device"): a 128-bit secret for the QR code's URL
// fragment, and a short code a person can type. Only their SHA-256 hashes
// are stored, so a dump of the store redeems nothing.
import { createHash, randomBytes, randomInt } from 'node:crypto';

// No 0/O, 1/I/L, U: nothing a reader could take for another character.
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_CHARS = 8; // 30^8 ≈ 6.6e11 codes, against a guess rate bounded in continue-links.mjs

export const newSecret = () => randomBytes(16).toString('base64url');

export function newCode() {
  let code = '';
  for (let i = 0; i < CODE_CHARS; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

// What a person typed -> the code, or null: case, spaces and dashes do not matter.
export function normalizeCode(typed) {
  if (typeof typed !== 'string' || typed.length > 32) return null;
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_CHARS) return null;
  for (const c of code) if (!CODE_ALPHABET.includes(c)) return null;
  return code;
}

export const isSecret = (value) => typeof value === 'string' && /^[A-Za-z0-9_-]{22}$/.test(value);

export const hashOf = (text) => createHash('sha256').update(text).digest('hex');
