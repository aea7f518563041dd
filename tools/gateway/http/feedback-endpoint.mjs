// POST /api/feedback (docs/protocol.md, "Feedback"): a shopper's thumb on
// one answer ({kind: "thumb", answer_id, rating: 1 | -1}) or rating of a
// conversation a person handled ({kind: "rating", rating: 1..5}), with an
// optional reason. Kept in the record (docs/record.md) once per answer or
// conversation, the latest winning, so a widget may resend or change it.
// Answered 202 once queued: never waits for the database. Only for a
// conversation the gateway holds (the shopper's widget has it open), and
// at most FEEDBACK_PER_CONVERSATION accepted per conversation on this
// instance: distinct answer ids cannot fill the record.
import { readBody, sendError, sendJson } from './http-util.mjs';
import { CORS_HEADERS } from './chat-endpoint.mjs';
import { bearerToken } from '../auth/access-tokens.mjs';

export const FEEDBACK_PATH = '/api/feedback';
export const FEEDBACK_PER_CONVERSATION = 100;
const MAX_BODY = 2048;
const MAX_TRACKED = 10_000; // conversations counted; the oldest forgotten first

function check(b) {
  const id = (v) => typeof v === 'string' && v.length > 0 && v.length <= 256;
  if (!b || typeof b !== 'object' || Array.isArray(b)) return 'The body must be a JSON object.';
  if (!id(b.conversation_id)) return '"conversation_id" must be a string of 1 to 256 characters.';
  if (b.kind === 'thumb') {
    if (!id(b.answer_id)) return 'A thumb needs "answer_id": the reply_id of the answer.';
    if (b.rating !== 1 && b.rating !== -1) return 'A thumb is "rating": 1 (up) or -1 (down).';
  } else if (b.kind === 'rating') {
    if (!(Number.isInteger(b.rating) && b.rating >= 1 && b.rating <= 5)) return 'A rating is "rating": 1 to 5.';
  } else return '"kind" must be thumb or rating.';
  if (b.reason !== undefined && b.reason !== null && (typeof b.reason !== 'string' || b.reason.length > 500)) {
    return '"reason" must be a string of at most 500 characters.';
  }
  return null;
}

export function createFeedbackHandler({ recorder, store, tokens = null, log = () => {} }) {
  const counts = new Map(); // conversation id -> feedback accepted here
  const fail = (res, status, code, message, extra = {}) => sendError(res, status, code, message, { ...CORS_HEADERS, ...extra });
  return async function feedback(req, res) {
    if (!recorder.enabled) return fail(res, 404, 'record_off', 'Feedback is not kept here (NATTER_RECORD=off).');
    const read = await readBody(req, MAX_BODY);
    if (!read.ok) return fail(res, 413, 'too_large', `The body is over ${MAX_BODY} bytes.`);
    if (tokens && !tokens.verify(bearerToken(req.headers.authorization)).ok) {
      return fail(res, 401, 'unauthorized', 'A valid shop token is required.', { 'WWW-Authenticate': 'Bearer' });
    }
    let b = null;
    try { b = JSON.parse(read.text || 'null'); } catch { /* answered below */ }
    const problem = check(b);
    if (problem) return fail(res, 400, 'bad_feedback', problem);
    if (!(await store.getControl(b.conversation_id))) return fail(res, 404, 'no_conversation', 'No such conversation is open.');
    const n = counts.get(b.conversation_id) ?? 0;
    if (n >= FEEDBACK_PER_CONVERSATION) return fail(res, 429, 'too_much_feedback', 'This conversation has given enough feedback.');
    counts.delete(b.conversation_id);
    counts.set(b.conversation_id, n + 1);
    if (counts.size > MAX_TRACKED) counts.delete(counts.keys().next().value);
    recorder.feedback({ conversationId: b.conversation_id, kind: b.kind, answerId: b.answer_id, rating: b.rating, reason: b.reason ?? undefined });
    log(`[server] feedback (${b.kind}) in ${b.conversation_id.slice(0, 8)}`);
    return sendJson(res, 202, { queued: true }, CORS_HEADERS);
  };
}
