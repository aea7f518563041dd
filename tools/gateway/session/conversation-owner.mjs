// A conversation id is not a credential (docs/security.md, "Conversations
// are capabilities"). While its session is held, only its resume token
// resumes it (session-endpoint.mjs). Once the session is gone (after the
// resume window, or a store restart), its transcript may still be kept for
// the agent, and a hello naming the id would start a fresh session under it
// and inherit that transcript (the agent's memory, a continue link's
// `transcript`). So a fresh session takes over the id of a conversation
// that has one only when the hello carries one of the resume tokens last
// welcomed for it (the widget keeps its last token); any other hello gets
// a fresh session under a new id, as a hello for a held session does.
// A hello may also prove the conversation with its conversation_key
// (conversation-key.mjs): how a conversation begun over HTTP carries on live.
import { createHash } from 'node:crypto';

export const ownerHash = (token) => createHash('sha256').update(String(token)).digest('base64url');

// True when a fresh session may be started under `id` for a hello with
// `token` and `key` (the hello's conversation_key, '' or null: none).
export async function mayCarryOn(store, id, token, key = null) {
  if ((await store.recentTranscript(id)).length === 0) return true; // nothing to inherit
  if (token !== '' && (await store.wasOwner(id, ownerHash(token)))) return true;
  return Boolean(key) && (await store.conversationKey(id)) === ownerHash(key);
}

// After a welcome: its token is one that may carry the conversation on later.
export function rememberOwner(store, id, token) {
  return store.rememberOwner(id, ownerHash(token));
}
