// "Continue on your phone" (docs/protocol.md, "Continue on another
// device"). The first device's live connection asks for a link
// (`continue.offer`); the gateway mints a one-time secret and a typed code,
// bound to that conversation, kept in the store (hashed, with a TTL). The
// other device POSTs either to /api/continue and gets its OWN resume token
// for the same session (a second token line: the first device's token is
// never handed out). The first device may later revoke that line with its
// hello (`revoke: true`): session-endpoint.mjs.
//
// Secrets travel only in bodies and frames, never in a URL the gateway sees,
// and never in a log line.
import { readBody, sendError, sendJson } from '../http/http-util.mjs';
import { CORS_HEADERS } from '../http/chat-endpoint.mjs';
import { hashOf, isSecret, newCode, newSecret, normalizeCode } from './codes.mjs';
import { clientBoundsWith } from '../session/client-bounds.mjs';
import { addressKey, clientAddressOf } from '../http/chat-budget.mjs';
import * as wire from '../session/wire-codes.mjs';

export const CONTINUE_PATH = '/api/continue';
export const CONTINUE_TTL_MS = 120_000;
const GRACE_MS = 10 * 60_000; // how long a spent or expired link is still recognised (a clear refusal)
export const MISS_WINDOW_MS = 60_000;
export const MAX_MISSES = 10; // failed redeems per client address per window, then 429

const REFUSALS = {
  used: [410, 'This code was already used. Ask the other device for a new one.'],
  expired: [410, 'This code has expired. Ask the other device for a new one.'],
  unknown: [404, 'No such code.'],
  gone: [410, 'That conversation has ended.'],
};

// `deps`: { store, log, ttlMs, bounds (session/client-bounds.mjs: live
// links per session, offers per session per window) }. Returns { offer(conn),
// handle(req, res), setTtl(ms|null) }.
export function createContinueLinks({ store, log = () => {}, ttlMs = CONTINUE_TTL_MS, bounds: boundsGiven = {} }) {
  let ttl = ttlMs;
  const bounds = clientBoundsWith(boundsGiven);
  const perSession = {
    maxLive: bounds.maxLiveContinueLinks, maxOffers: bounds.continueOffersPerWindow, offerWindowMs: bounds.continueOfferWindowMs,
  };

  // The `continue.offer` frame of a welcomed connection: only the first
  // device's line may hand the conversation on (a second device cannot
  // mint a third line and so push the first device's revoke aside).
  async function offer(conn, saved = []) {
    if (conn.line !== 'first') {
      return conn.send({ type: 'error', code: wire.ERROR_CONTINUE_REFUSED, message: 'Only the device that started this chat can hand it on.' });
    }
    const secret = newSecret();
    const code = newCode();
    // Each link keeps its saved products: a session may hold only a few,
    // and ask for only so many (a new one past the few retires the oldest).
    const minted = await store.mintContinue(conn.sessionId, {
      secretHash: hashOf(secret), codeHash: hashOf(code), ttlMs: ttl, graceMs: GRACE_MS, saved, ...perSession,
    });
    if (minted?.code === 'rate_limited') {
      log(`[server] continue link refused for session ${conn.sessionId.slice(0, 8)}: over ${perSession.maxOffers} offers`);
      return conn.send({
        type: 'error', code: wire.ERROR_CONTINUE_REFUSED, reason: 'rate_limited', retry_after_ms: minted.retryAfterMs,
        message: 'Too many links asked for: ask again in a minute.',
      });
    }
    if (!minted) return conn.send({ type: 'error', code: wire.ERROR_CONTINUE_REFUSED, message: 'This session is not held.' });
    log(`[server] continue link minted for session ${conn.sessionId.slice(0, 8)} (${ttl} ms)`);
    return conn.send({ type: 'continue.offered', secret, code, expires_in_ms: ttl });
  }

  async function handle(req, res) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS_HEADERS, 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '600',
      });
      return res.end();
    }
    if (req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS', ...CORS_HEADERS });
    // The client (behind a trusted proxy, from X-Forwarded-For:
    // config/client-address.mjs). An IPv6 /64 is one client (chat-budget.mjs).
    const client = addressKey(clientAddressOf(req));
    const body = await readBody(req, 1024);
    let spec = null;
    try { spec = body.ok ? JSON.parse(body.text) : null; } catch { spec = null; }
    const code = spec && 'code' in spec ? normalizeCode(spec.code) : null;
    const secret = spec && isSecret(spec.secret) ? spec.secret : null;
    if (!secret && !code) {
      return sendError(res, 400, 'bad_request', 'Send {"secret": "…"} or {"code": "…"}.', CORS_HEADERS);
    }
    // Only typed codes can be guessed (a secret has 128 bits), so only they
    // are bounded: a client that missed too often waits, a QR link still works.
    // The attempt is taken before the code is looked at (in one store step
    // with the check), and given back unless the code was unknown.
    if (!secret && !(await store.takeContinueAttempt(client, MAX_MISSES, MISS_WINDOW_MS)).ok) {
      log('[server] POST /api/continue refused: too many failed codes from this client');
      return sendError(res, 429, 'rate_limited', 'Too many wrong codes. Wait a minute and try again.',
        { 'Retry-After': String(MISS_WINDOW_MS / 1000), ...CORS_HEADERS });
    }
    const answer = await store.redeemContinue(secret ? { secretHash: hashOf(secret) } : { codeHash: hashOf(code) });
    if (!secret && answer.code !== 'unknown') await store.refundContinueAttempt(client);
    if (!answer.ok) {
      log(`[server] POST /api/continue refused: ${answer.code}`);
      const [status, message] = REFUSALS[answer.code] ?? REFUSALS.unknown;
      return sendError(res, status, answer.code, message, CORS_HEADERS);
    }
    log(`[server] POST /api/continue: a second device joined session ${answer.id.slice(0, 8)}`);
    // The conversation so far, so the new device shows what the first one
    // did (its shopper messages included, which the event log does not
    // hold); events after `last_event_seq` come with its resume.
    const transcript = await store.recentTranscript(answer.id);
    return sendJson(res, 200, {
      session_id: answer.id, resume_token: answer.token, last_event_seq: answer.seq, transcript,
      ...(answer.saved?.length ? { saved: answer.saved } : {}), // what the first device saved
    }, CORS_HEADERS);
  }

  return { offer, handle, setTtl: (ms) => { ttl = ms ?? ttlMs; return ttl; } };
}
