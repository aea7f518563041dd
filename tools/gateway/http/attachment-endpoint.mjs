// POST /api/attachment (docs/protocol.md, "Attachments"): a photo from the
// shopper, uploaded before the message that names it. The body is the
// image's bytes (Content-Type image/jpeg, image/png or image/webp, and the
// bytes must be that type by their magic number); the query names the
// conversation, the message and the photo's place in it:
//   POST /api/attachment?conversation_id=C&message_id=M&index=0
//   Conversation-Key: <the conversation's conversation_key>
// answered 201 {attachment: {id, type, size, width, height}}. The id is
// made from (conversation, message, index), so the same upload retried
// stores nothing twice and is answered 200 with the same id
// (Idempotent-Replayed: true); other bytes in that place are 409.
// The key in a header, never the query: URLs reach logs. Ownership as POST
// /api/chat: the key binds a conversation that has none yet (a photo may be
// the first thing a shopper sends), else must be the bound one (403 not_owner).
// Bounded (docs/security-http.md): attachmentMaxBytes a photo (413),
// attachmentsPerMessage per message, per-address and per-conversation
// uploads per window (429 + Retry-After), and what the store keeps per
// conversation (413 attachments_full) and in all (503 store_full): store/limits.mjs.
import { createHash } from 'node:crypto';
import { answerBodyFailure, readBody, sendError, sendJson } from './http-util.mjs';
import { CORS_HEADERS } from './chat-endpoint.mjs';
import { admitToConversation, windowBudgetFor } from './chat-budget.mjs';
import { bearerToken } from '../auth/access-tokens.mjs';
import { admitByKey, checkConversationKey, missingKey } from '../session/conversation-key.mjs';
import { IMAGE_TYPES, imageSize, imageType } from '../attachments/image-check.mjs';
import { publicAttachment } from '../attachments/message-attachments.mjs';
import { DEFAULT_LIMITS } from '../store/limits.mjs';

export const ATTACHMENT_PATH = '/api/attachment';
export const CONVERSATION_KEY_HEADER = 'conversation-key';
const MAX_ID = 256;

// The attachment id of a message's photo at `index`: the same for a retry.
export function attachmentIdFor(conversationId, messageId, index) {
  return `att_${createHash('sha256').update(`${conversationId}\n${messageId}\n${index}`).digest('hex').slice(0, 24)}`;
}

// OPTIONS /api/attachment: the preflight allows the key's header.
export function handleAttachmentPreflight(req, res) {
  res.writeHead(204, {
    ...CORS_HEADERS,
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, Authorization, Conversation-Key',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

function queryProblem(q, perMessage) {
  const id = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;
  if (!id(q.get('conversation_id'))) return { code: 'bad_request', message: `"conversation_id" (query) must be 1 to ${MAX_ID} characters.` };
  if (!id(q.get('message_id'))) return { code: 'bad_request', message: `"message_id" (query) must be 1 to ${MAX_ID} characters: the id of the message the photo goes with.` };
  const index = q.get('index') ?? '0';
  if (!/^\d{1,3}$/.test(index)) return { code: 'bad_request', message: '"index" (query) must be a whole number from 0.' };
  if (Number(index) >= perMessage) {
    return { code: 'too_many_attachments', message: `A message carries at most ${perMessage} attachments ("index" 0 to ${perMessage - 1}).` };
  }
  return null;
}

// `limits`: store/limits.mjs's attachment* values and bodyTimeoutMs.
// `handler.budget.clear()` forgets the window (test reset).
export function createAttachmentHandler({ store, tokens = null, log = () => {}, limits = DEFAULT_LIMITS, now = Date.now }) {
  const budget = windowBudgetFor(store, {
    name: 'attachment', perAddress: limits.attachmentPerAddress, perConversation: limits.attachmentPerConversation, windowMs: limits.attachmentWindowMs,
  }, now);
  const fail = (res, status, code, message, extra = {}) => sendError(res, status, code, message, { ...CORS_HEADERS, ...extra });

  async function upload(req, res) {
    const read = await readBody(req, limits.attachmentMaxBytes, { timeoutMs: limits.bodyTimeoutMs, raw: true });
    if (!read.ok) return answerBodyFailure(res, read, limits.attachmentMaxBytes, CORS_HEADERS);
    if (tokens && !tokens.verify(bearerToken(req.headers.authorization)).ok) {
      return fail(res, 401, 'unauthorized', 'A valid shop token is required.', { 'WWW-Authenticate': 'Bearer' });
    }
    const q = new URL(req.url, 'http://localhost').searchParams;
    const problem = queryProblem(q, limits.attachmentsPerMessage);
    if (problem) return fail(res, 400, problem.code, problem.message);
    const key = checkConversationKey(req.headers[CONVERSATION_KEY_HEADER]);
    if (!key.ok) return fail(res, 400, 'bad_request', key.message);
    if (key.key === null) {
      const m = missingKey();
      return fail(res, m.status, m.code, `${m.message} (in the Conversation-Key header)`);
    }
    const declared = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!IMAGE_TYPES.includes(declared)) {
      return fail(res, 415, 'unsupported_type', `An attachment is ${IMAGE_TYPES.join(', ')} (the Content-Type header).`);
    }
    const type = imageType(read.bytes);
    if (type !== declared) {
      return fail(res, 415, 'type_mismatch', `The bytes are not ${declared}${type ? ` (they are ${type})` : ''}.`);
    }
    const conversationId = q.get('conversation_id');
    const messageId = q.get('message_id');
    const index = Number(q.get('index') ?? '0');
    const id = attachmentIdFor(conversationId, messageId, index);
    // Before the store is asked anything: a flood costs its sender. The
    // conversation's budget only once the key is proved (chat-budget.mjs),
    // and a retry of the same upload costs it nothing more.
    const refuseOver = (over) => {
      log(`[server] POST ${ATTACHMENT_PATH} refused: over the per-${over.by} budget`);
      return fail(res, 429, 'rate_limited', `Too many uploads from this ${over.by === 'address' ? 'client' : 'conversation'}; retry later.`,
        { 'Retry-After': String(over.retryAfterS) });
    };
    const admission = await admitToConversation(budget, {
      req, conversation: conversationId, request: id, proveKey: () => admitByKey(store, conversationId, key.key),
    });
    if (admission?.over) return refuseOver(admission.over);
    if (admission?.refused) {
      log(`[server] POST ${ATTACHMENT_PATH} refused: conversation ${conversationId.slice(0, 8)} is bound to another conversation_key`);
      return fail(res, admission.refused.status, admission.refused.code, admission.refused.message);
    }
    const size = imageSize(read.bytes, type);
    const meta = {
      id, type, size: read.bytes.length, width: size?.width ?? null, height: size?.height ?? null,
      message_id: messageId, index, sha256: createHash('sha256').update(read.bytes).digest('hex'),
    };
    const saved = await store.saveAttachment(conversationId, meta, read.bytes);
    switch (saved.outcome) {
      case 'stored':
        log(`[server] attachment ${id.slice(0, 12)} (${type}, ${meta.size} B) in ${conversationId.slice(0, 8)}`);
        return sendJson(res, 201, { attachment: publicAttachment(saved.meta) }, CORS_HEADERS);
      case 'existing':
        return sendJson(res, 200, { attachment: publicAttachment(saved.meta) }, { ...CORS_HEADERS, 'Idempotent-Replayed': 'true' });
      case 'conflict':
        return fail(res, 409, 'attachment_conflict', 'Another photo was already uploaded at this message_id and index.');
      case 'conversation_full':
        return fail(res, 413, 'attachments_full',
          `This conversation holds ${limits.attachmentsPerConversation} photos or ${limits.attachmentBytesPerConversation} bytes already; no more can be added.`);
      default:
        return fail(res, 503, 'store_full', 'The gateway has no room for photos now; retry later.', { 'Retry-After': '60' });
    }
  }

  upload.budget = budget;
  return upload;
}
