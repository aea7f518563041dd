import { createHmac, timingSafeEqual } from 'node:crypto';

// True when `header` (the request's Natter-Signature) signs `rawBody` (the
// body exactly as received, a string) with `secret`, made at most
// `toleranceS` seconds from now: a modified body, another secret or an old
// (replayed) request is refused.
export function verifyNatterSignature(rawBody, header, secret, { toleranceS = 300, nowS = Date.now() / 1000 } = {}) {
  const fields = new Map(String(header ?? '').split(',').map((part) => part.trim().split('=')));
  const t = fields.get('t') ?? '';
  if (!/^\d{1,12}$/.test(t) || Math.abs(nowS - Number(t)) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(fields.get('v1') ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
