// The gateway's side of webhook signing, like Stripe's: the header
//   Natter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
// The shop's side (verification) is examples/shop-webhook/verify-signature.mjs,
// the snippet docs/agents.md shows.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Natter-Signature';

export function signatureHeader(body, secret, nowS) {
  const t = String(Math.floor(nowS));
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
