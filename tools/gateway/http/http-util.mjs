// Small response and request helpers shared by the endpoints.
import { DEFAULT_LIMITS } from '../store/limits.mjs';

// Sends `body` as JSON with `status`. `headers` are added.
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

// Sends the protocol's error body: {"error": {"code", "message"}}.
export function sendError(res, status, code, message, headers = {}) {
  res.natterErrorCode = code; // /metrics counts it when the response closes (ops/metrics.mjs)
  sendJson(res, status, { error: { code, message } }, headers);
}

// Reads the request body, at most `limit` bytes, within `timeoutMs` (a
// client that trickles its body cannot hold the request for minutes).
// Resolves { ok: true, text } ({ ok: true, bytes }: a Buffer, with `raw`) or { ok: false, reason: 'too_large' |
// 'timeout' | 'aborted' }. On too_large the rest of the body is drained
// unread before it resolves, up to DRAIN_FACTOR times the limit and within
// the same time: answered while the body still arrives, the connection's
// close resets it with bytes unread, and a proxy in front (nginx) then
// shows the shopper its own 502 page instead of the gateway's 413. A body
// declared larger than that is refused at once. The caller answers
// (answerBodyFailure, with Connection: close).
const DRAIN_FACTOR = 4;

export function readBody(req, limit, { timeoutMs = DEFAULT_LIMITS.bodyTimeoutMs, raw = false } = {}) {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit * DRAIN_FACTOR) {
    req.resume();
    return Promise.resolve({ ok: false, reason: 'too_large' });
  }
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let settled = false;
    let tooLarge = false;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const onData = (chunk) => {
      size += chunk.length;
      if (tooLarge) {
        if (size > limit * DRAIN_FACTOR) settle({ ok: false, reason: 'too_large' });
        return;
      }
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    };
    const timer = setTimeout(() => {
      req.off('data', onData);
      chunks.length = 0;
      req.resume();
      settle({ ok: false, reason: tooLarge ? 'too_large' : 'timeout' });
    }, timeoutMs);
    req.on('data', onData);
    req.on('end', () => {
      if (tooLarge) return settle({ ok: false, reason: 'too_large' });
      const bytes = Buffer.concat(chunks);
      return settle(raw ? { ok: true, bytes } : { ok: true, text: bytes.toString('utf8') });
    });
    req.on('error', () => settle({ ok: false, reason: 'aborted' }));
    req.on('aborted', () => settle({ ok: false, reason: 'aborted' }));
  });
}

// Answers a failed readBody: 413 over `limit`, 408 too slow (both closing
// the connection, whose rest is not read), nothing when the client left.
export function answerBodyFailure(res, { reason }, limit, headers = {}) {
  if (reason === 'too_large') {
    sendError(res, 413, 'body_too_large', `The request body is over ${limit} bytes.`, { ...headers, Connection: 'close' });
  } else if (reason === 'timeout') {
    sendError(res, 408, 'body_timeout', 'The request body did not arrive in time.', { ...headers, Connection: 'close' });
  }
}

// An error as one short log line: its name, message and where it was
// thrown, never the whole stack (a request that overflows the stack would
// otherwise write thousands of lines, once per request).
export function errorLine(error, max = 300) {
  if (!(error instanceof Error)) return String(error).replace(/\s+/g, ' ').slice(0, max);
  const at = (error.stack ?? '').split('\n').find((l) => /^\s+at /.test(l))?.trim() ?? '';
  return `${error.name}: ${error.message}${at ? ` (${at})` : ''}`.replace(/\s+/g, ' ').slice(0, max);
}

// Request pathname without the query, or null when the URL cannot be parsed.
export function pathnameOf(req) {
  try {
    return new URL(req.url, 'http://localhost').pathname;
  } catch {
    return null;
  }
}
