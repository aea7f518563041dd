// A conversation's HTTP secret (docs/protocol.md, "conversation_key";
// docs/decisions/0026-conversation-key.md). The client mints it with the
// conversation, keeps it with the conversation across reloads, and sends it
// with every POST /api/chat, every POST /api/feedback and every hello. A POST
// without one is refused 400 `missing_key`. A POST binds its key only when
// it creates the conversation; a hello binds it after its welcome. From then
// on a POST naming the conversation without that key is refused with 403
// `not_owner` and changes nothing, and so is one naming a conversation that
// exists with no key bound (begun by a hello without one): the id alone is
// never enough. A hello with the key may carry the conversation on
// (conversation-owner.mjs), as one with a resume token welcomed for it may.
import { ownerHash } from './conversation-owner.mjs';
import { HTTP_ERROR_NOT_OWNER } from './wire-codes.mjs';

// Not a shared wire code (wire-codes.mjs): the widget always sends its key,
// so only other clients ever see it.
export const MISSING_KEY = 'missing_key';

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

// The answer to a POST that carries no key (checked before anything is kept).
export const missingKey = () => ({
  status: 400, code: MISSING_KEY,
  message: 'The request must carry its conversation\'s "conversation_key".',
});

// A conversation the gateway holds something of: a live (or resumable)
// session, or a transcript kept for the agent.
export async function conversationExists(store, id) {
  return (await store.getControl(id)) !== null || (await store.recentTranscript(id)).length > 0;
}

// Whether a POST with `key` (a checked key, never null) may write to
// conversation `id`. The bound key must match; with none bound, the key is
// bound only if the conversation does not exist yet (this POST creates it):
// an existing conversation without a key is refused rather than handed to
// whoever names it first. Two first POSTs racing bind one key (the store's
// bind is atomic). -> null when allowed, else the refusal.
export async function admitByKey(store, id, key) {
  if (key === null) return missingKey();
  const hash = ownerHash(key);
  const bound = await store.conversationKey(id);
  if (bound !== null && bound !== hash) return refusal();
  if (bound === null && (await conversationExists(store, id))) return refusal();
  return (await store.bindConversationKey(id, hash)) === 'other' ? refusal() : null;
}

// Whether a request with `key` may act on conversation `id` without writing
// its turns (POST /api/feedback): it must match the bound key; binding
// nothing (feedback follows an answer, so its key is bound by then).
// -> null when allowed, else the refusal.
export async function checkKeyProof(store, id, key) {
  if (key === null) return missingKey();
  return (await store.conversationKey(id)) === ownerHash(key) ? null : refusal();
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
