// POST /api/feedback (docs/protocol.md, "Feedback"): a shopper's thumb on
// one answer ({kind: "thumb", answer_id, rating: 1 | -1}; or reply_to, the
// shopper message it answers, which the widget knows where it has no
// reply_id: its core keeps none) or rating of a
// conversation a person handled ({kind: "rating", rating: 1..5}), with an
// optional reason. Kept in the record (docs/record.md) once per answer or
// conversation, the latest winning, so a widget may resend or change it.
// Answered 202 once queued: never waits for the database. Only for a
// conversation the gateway knows over either transport: a session it holds
// (live) or a transcript it keeps for the agent (HTTP, as long as an
// idempotency record). Every post carries the conversation's
// conversation_key (400 missing_key without one) and it must be the one
// bound (403 not_owner otherwise, also when none is bound): conversation-key.mjs. Bounded per client like
// POST /api/chat (docs/security-http.md): per address and per conversation
// in a window (store/limits.mjs), and at most FEEDBACK_PER_CONVERSATION
// accepted per conversation on this instance, so distinct answer ids cannot
// fill the record.
import { sendError, sendJson } from './http-util.mjs';
import { ANSWERED, readWidgetPost } from './widget-post.mjs';
import { CORS_HEADERS } from './chat-endpoint.mjs';
import { admitToConversation, windowBudgetFor } from './chat-budget.mjs';
import { checkConversationKey, checkKeyProof, missingKey } from '../session/conversation-key.mjs';
import { DEFAULT_LIMITS } from '../store/limits.mjs';
import { replyIdFor } from '../runs/agent-runs.mjs';

export const FEEDBACK_PATH = '/api/feedback';
export const FEEDBACK_PER_CONVERSATION = 100;
const MAX_BODY = 2048;
const MAX_TRACKED = 10_000; // conversations counted; the oldest forgotten first

function check(b) {
  const id = (v) => typeof v === 'string' && v.length > 0 && v.length <= 256;
  if (!b || typeof b !== 'object' || Array.isArray(b)) return 'The body must be a JSON object.';
  if (!id(b.conversation_id)) return '"conversation_id" must be a string of 1 to 256 characters.';
  if (b.kind === 'thumb') {
    if (!id(b.answer_id) && !id(b.reply_to)) return 'A thumb needs "answer_id" (the reply_id of the answer) or "reply_to" (the message it answers).';
    if (b.rating !== 1 && b.rating !== -1) return 'A thumb is "rating": 1 (up) or -1 (down).';
  } else if (b.kind === 'rating') {
    if (!(Number.isInteger(b.rating) && b.rating >= 1 && b.rating <= 5)) return 'A rating is "rating": 1 to 5.';
  } else return '"kind" must be thumb or rating.';
  if (b.reason !== undefined && b.reason !== null && (typeof b.reason !== 'string' || b.reason.length > 500)) {
    return '"reason" must be a string of at most 500 characters.';
  }
  const key = checkConversationKey(b.conversation_key);
  return key.ok ? null : key.message;
}

// The answer a thumb is on: its reply_id, or the one the gateway gave the
// reply to message reply_to (runs/agent-runs.mjs names it so).
const answerIdOf = (b) => (typeof b.answer_id === 'string' && b.answer_id ? b.answer_id : replyIdFor(b.reply_to));

// A conversation this gateway knows: held live, or answered over HTTP.
async function known(store, id) {
  return (await store.getControl(id)) !== null || (await store.recentTranscript(id)).length > 0;
}

// `limits`: store/limits.mjs's (feedbackPerAddress, feedbackPerConversation,
// feedbackWindowMs, bodyTimeoutMs). `handler.budget.clear()` forgets the window (test reset).
export function createFeedbackHandler({ recorder, store, tokens = null, log = () => {}, limits = DEFAULT_LIMITS, now = Date.now }) {
  const counts = new Map(); // conversation id -> feedback accepted here
  const budget = windowBudgetFor(store, {
    name: 'feedback', perAddress: limits.feedbackPerAddress, perConversation: limits.feedbackPerConversation, windowMs: limits.feedbackWindowMs,
  }, now);
  const fail = (res, status, code, message, extra = {}) => sendError(res, status, code, message, { ...CORS_HEADERS, ...extra });
  async function feedback(req, res) {
    if (!recorder.enabled) return fail(res, 404, 'record_off', 'Feedback is not kept here (NATTER_RECORD=off).');
    const b = await readWidgetPost(req, res, { maxBody: MAX_BODY, timeoutMs: limits.bodyTimeoutMs, tokens });
    if (b === ANSWERED) return undefined;
    const problem = check(b);
    if (problem) return fail(res, 400, 'bad_feedback', problem);
    if (b.conversation_key === undefined || b.conversation_key === null) {
      const m = missingKey();
      return fail(res, m.status, m.code, m.message);
    }
    const id = b.conversation_id;
    // Before the store is asked anything: a flood costs its sender. The
    // conversation's budget only once the key is proved (chat-budget.mjs),
    // and a resend of the same thumb or rating costs it nothing more.
    const refuseOver = (over) => {
      log(`[server] POST /api/feedback refused: over the per-${over.by} budget`);
      return fail(res, 429, 'rate_limited', `Too much feedback from this ${over.by === 'address' ? 'client' : 'conversation'}; retry later.`,
        { 'Retry-After': String(over.retryAfterS) });
    };
    const admission = await admitToConversation(budget, {
      req, conversation: id, request: b.kind === 'thumb' ? `thumb:${answerIdOf(b)}` : 'rating',
      proveKey: async () => (await known(store, id)
        ? checkKeyProof(store, id, b.conversation_key)
        : { status: 404, code: 'no_conversation', message: 'No such conversation is open.' }),
    });
    if (admission?.over) return refuseOver(admission.over);
    if (admission?.refused) {
      const { status, code, message } = admission.refused;
      if (status === 403) log(`[server] POST /api/feedback refused: conversation ${id.slice(0, 8)} is bound to another conversation_key`);
      return fail(res, status, code, message);
    }
    const n = counts.get(id) ?? 0;
    if (n >= FEEDBACK_PER_CONVERSATION) return fail(res, 429, 'too_much_feedback', 'This conversation has given enough feedback.');
    counts.delete(id);
    counts.set(id, n + 1);
    if (counts.size > MAX_TRACKED) counts.delete(counts.keys().next().value);
    recorder.feedback({ conversationId: id, kind: b.kind, answerId: b.kind === 'thumb' ? answerIdOf(b) : undefined, rating: b.rating, reason: b.reason ?? undefined });
    log(`[server] feedback (${b.kind}) in ${id.slice(0, 8)}`);
    return sendJson(res, 202, { queued: true }, CORS_HEADERS);
  }
  feedback.budget = budget;
  return feedback;
}
