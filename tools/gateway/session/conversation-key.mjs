// A conversation's HTTP secret (docs/protocol.md, "conversation_key";
// docs/decisions/0026-conversation-key.md). The client mints it with the
// conversation, keeps it with the conversation across reloads, and sends it
// with every POST /api/chat and every hello. The first of those to name the
// conversation binds it (kept hashed, as long as a transcript); from then on
// a POST naming the conversation without it is refused with 403 `not_owner`
// and changes nothing, and a hello with it may carry the conversation on
// (conversation-owner.mjs), as one with a resume token welcomed for it may.
import { ownerHash } from './conversation-owner.mjs';
import { HTTP_ERROR_NOT_OWNER } from './wire-codes.mjs';

// 32 to 128 URL-safe characters: the widget sends 48 hex digits (192 bits).
const KEY_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;

// `value` as sent (undefined: none). -> { ok: true, key: string|null } or { ok: false, message }.
export function checkConversationKey(value) {
  if (value === undefined || value === null) return { ok: true, key: null };
  if (typeof value !== 'string' || !KEY_SHAPE.test(value)) {
    return { ok: false, message: '"conversation_key" must be a string of 32 to 128 letters, digits, "-" or "_".' };
  }
  return { ok: true, key: value };
}

// Whether a request with `key` (null: none) may write to conversation `id`;
// binds `key` when the conversation has none yet. A request without a key
// passes only while none is bound (a widget from before keys), binding
// nothing. -> null when allowed, else the refusal.
export async function admitByKey(store, id, key) {
  if (key === null) return (await store.conversationKey(id)) === null ? null : refusal();
  return (await store.bindConversationKey(id, ownerHash(key))) === 'other' ? refusal() : null;
}

// Whether a request with `key` (null: none) may act on conversation `id`
// without writing its turns (POST /api/feedback): the proof admitByKey asks
// for, binding nothing. A feedback post comes after an answer, so a widget
// that sends keys has bound its own by then. -> null when allowed, else the refusal.
export async function checkKeyProof(store, id, key) {
  const bound = await store.conversationKey(id);
  if (bound === null || (key !== null && bound === ownerHash(key))) return null;
  return refusal();
}

// After a welcome under `id`: the hello's key becomes the conversation's if
// it has none (the hello already proved the session, or started it).
export async function bindFromHello(store, id, key) {
  if (key) await store.bindConversationKey(id, ownerHash(key));
}

const refusal = () => ({
  status: 403, code: HTTP_ERROR_NOT_OWNER,
  message: 'This conversation belongs to another chat: the request did not carry its conversation_key.',
});
