// POST /api/chat (docs/protocol.md): validates the request, runs the agent at
// most once per Idempotency-Key, and streams the reply as server-sent events.
// Also applies the injected fault (test controls) each request takes.
import { setTimeout as sleep } from 'node:timers/promises';
import { answerBodyFailure, readBody, sendError } from './http-util.mjs';
import { DEFAULT_LIMITS } from '../store/limits.mjs';
import { MAX_BODY_BYTES, validateChatRequest } from './chat-request.mjs';
import { firstUnknown } from '../attachments/message-attachments.mjs';
import { AGENT_FAILED } from '../runs/agent-runs.mjs';
import { SSE_HEADERS, formatEvent } from './sse.mjs';
import { bearerToken } from '../auth/access-tokens.mjs';
import { admitByKey } from '../session/conversation-key.mjs';
import { admitToConversation } from './chat-budget.mjs';

const RETRY_AFTER_S = 5;

export const CORS_HEADERS = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Retry-After, Idempotent-Replayed',
});

// OPTIONS /api/chat: the CORS preflight a cross-origin widget sends first.
export function handleChatPreflight(req, res) {
  res.writeHead(204, {
    ...CORS_HEADERS,
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key, Authorization',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

// Writes one event and resolves once it has been handed to the socket.
function writeEvent(res, event) {
  return new Promise((resolve) => res.write(formatEvent(event), () => resolve()));
}

// `deps`: { agentRuns (agent-runs.mjs, shared with the live session),
// store (visitors, store/README.md), stats: RequestStats, faults: FaultQueue|null,
// tokenDelayMs, tokens: access-tokens.mjs's gate or null (no token needed),
// log, signal (aborts when the server closes), budget: chat-budget.mjs's
// (null: unbounded), bodyTimeoutMs and maxAttachments (store/limits.mjs's
// attachmentsPerMessage) }.
// `ctx.key` is set for the request log.
export function createChatHandler({
  agentRuns, store, stats, faults, tokenDelayMs, tokens = null, log = () => {}, signal, budget = null,
  bodyTimeoutMs = DEFAULT_LIMITS.bodyTimeoutMs, maxAttachments = DEFAULT_LIMITS.attachmentsPerMessage,
}) {
  return async function handleChat(req, res, ctx) {
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    ctx.key = key;
    stats.countRequest(key);
    const fault = faults?.takeChat() ?? null;

    const body = await readBody(req, MAX_BODY_BYTES, { timeoutMs: bodyTimeoutMs });
    if (!body.ok) {
      if (body.reason === 'timeout') log(`[server] POST /api/chat refused: the body did not arrive within ${bodyTimeoutMs} ms`);
      answerBodyFailure(res, body, MAX_BODY_BYTES, CORS_HEADERS);
      return;
    }
    if (fault?.action === 'delay_ms') {
      try { await sleep(fault.ms, undefined, { signal }); } catch { return; }
    }
    if (fault?.action === 'status') {
      const retry = fault.retry_after_s === undefined ? {} : { 'Retry-After': String(fault.retry_after_s) };
      sendError(res, fault.status, 'injected_fault', `Injected status ${fault.status}.`, { ...CORS_HEADERS, ...retry });
      return;
    }

    if (tokens) {
      const access = tokens.verify(bearerToken(req.headers.authorization));
      if (!access.ok) {
        log(`[server] POST /api/chat refused: token ${access.reason}`);
        sendError(res, 401, 'unauthorized', `A valid shop token is required (token ${access.reason}).`,
          { ...CORS_HEADERS, 'WWW-Authenticate': 'Bearer' });
        return;
      }
    }

    const checked = validateChatRequest(body.text, key, { maxAttachments });
    // Over its budget, a client is told when to come back and nothing is
    // stored for it: no idempotency record, no visitor, no agent run. The
    // address's before the store is asked anything; the conversation's once
    // the key is proved (chat-budget.mjs says why).
    const refuseOver = (over) => {
      log(`[server] POST /api/chat refused: over the per-${over.by} budget`);
      sendError(res, 429, 'rate_limited', `Too many messages from this ${over.by === 'address' ? 'client' : 'conversation'}; retry later.`,
        { ...CORS_HEADERS, 'Retry-After': String(over.retryAfterS) });
    };
    // The conversation's key before anything of it is touched: a request
    // without it stores nothing and runs nothing (conversation-key.mjs).
    const admission = checked.ok ? await admitToConversation(budget, {
      req, conversation: checked.request.conversation_id, request: checked.request.message_id,
      proveKey: () => admitByKey(store, checked.request.conversation_id, checked.request.conversation_key),
    }) : null;
    if (admission?.over) return refuseOver(admission.over);
    if (admission?.refused) {
      log(`[server] POST /api/chat refused: conversation ${checked.request.conversation_id.slice(0, 8)} is bound to another conversation_key`);
      sendError(res, admission.refused.status, admission.refused.code, admission.refused.message, CORS_HEADERS);
      return;
    }
    // Every photo it names was uploaded for this conversation, or nothing runs.
    const unknown = checked.ok ? await firstUnknown(store, checked.request.conversation_id, checked.request.attachments) : null;
    if (unknown) {
      log(`[server] POST /api/chat refused: attachment ${unknown.slice(0, 12)} is not held for ${checked.request.conversation_id.slice(0, 8)}`);
      sendError(res, 400, 'unknown_attachment', `No photo ${unknown} was uploaded for this conversation (or it expired).`, CORS_HEADERS);
      return;
    }
    const overrideText = fault?.action === 'agent_text' ? fault.text : null;
    const begun = checked.ok ? await agentRuns.begin(checked.request, { overrideText }) : null;
    if (fault?.action === 'reset_before_response') {
      req.socket.destroy();
      return;
    }
    if (!checked.ok) {
      sendError(res, checked.status, checked.code, checked.message, CORS_HEADERS);
      return;
    }
    if (begun.full) { // nothing was claimed: the client's retry after Retry-After runs it
      sendError(res, 503, 'over_capacity', 'The server holds too many replies right now; retry later.',
        { ...CORS_HEADERS, 'Retry-After': String(RETRY_AFTER_S) });
      return;
    }
    if (begun.conflict) {
      sendError(res, 422, 'key_reused', 'This Idempotency-Key was used with a different request body.',
        CORS_HEADERS);
      return;
    }
    // Only now, once the message is taken (or a person holds the
    // conversation), is the visitor kept: a refused request stores nothing.
    await store.setVisitor(checked.request.conversation_id, checked.request.visitor);
    if (checked.request.context) await store.setContext(checked.request.conversation_id, checked.request.context);
    if (begun.held) { // a person has this conversation; they answer over the live session
      sendError(res, 409, 'with_staff', 'A person from the shop is handling this conversation.', CORS_HEADERS);
      return;
    }
    await streamReply(req, res, checked.request, begun, fault);
  };

  async function streamReply(req, res, request, { outcome }, fault) {
    res.writeHead(200, {
      ...CORS_HEADERS,
      ...SSE_HEADERS,
      ...(outcome === 'started' ? {} : { 'Idempotent-Replayed': outcome }),
    });
    const cutAfter = fault?.action === 'reset_mid_stream' ? fault.after_events : Infinity;
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    if (cutAfter === 0) {
      res.flushHeaders();
      await new Promise((resolve) => res.socket ? res.socket.write('', resolve) : resolve());
      req.socket.destroy();
      return;
    }
    let sent = 0;
    const result = {};
    for await (const event of agentRuns.follow(request, { outcome, signal: gone.signal, result })) {
      if (res.destroyed) return;
      await writeEvent(res, event);
      sent += 1;
      if (sent >= cutAfter) {
        req.socket.destroy();
        return;
      }
    }
    if (result.state === 'failed' && !res.destroyed) {
      await writeEvent(res, AGENT_FAILED);
    }
    res.end();
  }
}
