// Short-lived TURN credentials, the TURN REST convention coturn speaks with
// `--use-auth-secret --static-auth-secret=S`: username "<expiry unix s>:<id>",
// password base64(HMAC-SHA1(S, username)). The page only ever sees these,
// never the secret or a static password.
//
// turnConfigFromEnv(env) -> null (no TURN: no relay rung offered) or
//   {urls: [...], secret, ttlS}: NATTER_TURN_URLS (comma-separated
//   turn:/turns: URLs), NATTER_TURN_SECRET, NATTER_TURN_TTL_S (600).
// iceServersFor(turn, id, nowMs) -> the ice_servers list of voice.rtc_config.
import { createHmac } from 'node:crypto';

export const DEFAULT_TURN_TTL_S = 600;

export function turnConfigFromEnv(env = process.env) {
  const urls = (env.NATTER_TURN_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  const secret = env.NATTER_TURN_SECRET ?? '';
  if (urls.length === 0 || !secret) return null;
  const bad = urls.find((u) => !/^turns?:/.test(u));
  if (bad) throw new Error(`NATTER_TURN_URLS: ${JSON.stringify(bad)} is not a turn: or turns: URL`);
  const ttlS = Number(env.NATTER_TURN_TTL_S ?? DEFAULT_TURN_TTL_S);
  if (!Number.isInteger(ttlS) || ttlS < 60 || ttlS > 86400) throw new Error('NATTER_TURN_TTL_S must be 60..86400');
  return { urls, secret, ttlS };
}

export function mintTurnCredential(secret, id, expiresAtS) {
  const username = `${expiresAtS}:${id}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

export function iceServersFor(turn, id, nowMs = Date.now()) {
  if (!turn) return [];
  const { username, credential } = mintTurnCredential(turn.secret, id, Math.floor(nowMs / 1000) + turn.ttlS);
  return [{ urls: turn.urls, username, credential }];
}
