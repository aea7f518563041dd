// Validates a POST /api/chat request (docs/protocol.md). Pure: takes the
// body text and the Idempotency-Key header, returns
//   { ok: true, request: { message_id, conversation_id, conversation_key, text, visitor, context, attachments } }
// (visitor, context: the checked body.visitor and body.context (page-context.mjs),
// or null when the body has none; conversation_key: the checked string, a
// body without one failing 400 missing_key: session/conversation-key.mjs).
// (attachments: the ids of photos uploaded for it, [] when none: the text
// may then be blank; ../attachments/message-attachments.mjs)
// or { ok: false, status, code, message } for the error response.

import { checkVisitor } from '../auth/visitor.mjs';
import { checkContext } from './page-context.mjs';
import { checkConversationKey, missingKey } from '../session/conversation-key.mjs';
import { checkAttachmentIds } from '../attachments/message-attachments.mjs';
import { DEFAULT_LIMITS } from '../store/limits.mjs';

export const MAX_TEXT_CHARS = 4000;
export const MAX_BODY_BYTES = 64 * 1024;

const fail = (status, code, message) => ({ ok: false, status, code, message });

function nonEmptyString(value) {
  return typeof value === 'string' && value.length > 0;
}

// The text rule both paths share: 1 to MAX_TEXT_CHARS characters after
// trimming. Returns null when `text` (a string) is fine, else the failure.
export function checkText(text) {
  const trimmed = text.trim();
  if (trimmed.length === 0) return fail(400, 'blank_text', 'The message is empty.');
  const chars = trimmed.length; // UTF-16 units, as the widget counts them (JavaScript length)
  if (chars > MAX_TEXT_CHARS) {
    return fail(413, 'too_long', `The message is ${chars} characters; the limit is ${MAX_TEXT_CHARS}.`);
  }
  return null;
}

// `maxAttachments`: store/limits.mjs attachmentsPerMessage.
// A message with photos may have no words: its text may be blank, never too long.
export function checkMessageText(text, attachmentIds = []) {
  if (attachmentIds.length > 0 && text.trim() === '') return null;
  return checkText(text);
}

export function validateChatRequest(bodyText, idempotencyKey, { maxAttachments = DEFAULT_LIMITS.attachmentsPerMessage } = {}) {
  let body;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return fail(400, 'malformed_json', 'The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return fail(400, 'malformed_body', 'The request body must be a JSON object.');
  }
  for (const field of ['message_id', 'conversation_id']) {
    if (!nonEmptyString(body[field])) return fail(400, 'missing_field', `"${field}" must be a non-empty string.`);
  }
  const conversationKey = checkConversationKey(body.conversation_key);
  if (!conversationKey.ok) return fail(400, 'bad_conversation_key', conversationKey.message);
  if (typeof body.text !== 'string') return fail(400, 'missing_field', '"text" must be a string.');
  const attachments = checkAttachmentIds(body.attachments, maxAttachments);
  if (!attachments.ok) return fail(400, 'bad_attachments', attachments.message);
  const textProblem = checkMessageText(body.text, attachments.ids);
  if (textProblem) return textProblem;
  const visitor = checkVisitor(body.visitor);
  if (!visitor.ok) return fail(400, 'bad_visitor', visitor.message);
  const context = checkContext(body.context);
  if (!context.ok) return fail(400, 'bad_context', context.message);
  if (conversationKey.key === null) { const m = missingKey(); return fail(m.status, m.code, m.message); }
  if (!nonEmptyString(idempotencyKey)) {
    return fail(400, 'missing_idempotency_key', 'The Idempotency-Key header is required.');
  }
  if (idempotencyKey !== body.message_id) {
    return fail(422, 'key_mismatch', 'The Idempotency-Key header must equal message_id.');
  }
  return {
    ok: true,
    request: {
      message_id: body.message_id, conversation_id: body.conversation_id, conversation_key: conversationKey.key,
      text: body.text, visitor: visitor.visitor, context: context.context, attachments: attachments.ids,
    },
  };
}
