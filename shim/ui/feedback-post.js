// A shopper's feedback to the gateway: POST /api/feedback (docs/protocol.md,
// "Feedback"), beside the chat URL, for the conversation the core persisted
// last (its id and conversation_key, read when the shopper presses: after a
// switch of conversation it is the new one's). An answer's thumb names the
// answer by reply_to, the shopper message it answers (the core keeps no
// reply_id); a rating is the conversation's, after a person handled it.
//
//   const post = feedbackPoster({ dataset, pageUrl, storage, fetch });   null: no feedback here
//   await post.thumb(replyTo, rating, reason)   1 or -1, reason optional
//   await post.rate(stars)                      1 to 5
//   each: true once the gateway queued it (202); false on any refusal, a
//   network failure, or no conversation persisted yet
import { chatUrl, CONVERSATION_KEY, restoredSession, storedConversation, storedSessionText } from '../config.js';

// storage: platform.js's {get}; dataset: ctx.connection (endpoint, data-conversations).
export function currentConversation(storage, dataset) {
  const id = storedConversation(storage.get(CONVERSATION_KEY));
  const key = restoredSession(storedSessionText(storage, dataset, id), id).conversation_key;
  return id && key ? { id, key } : null;
}

// null on a page with a token URL: the shop's token lives only in the core
// (token_keeper.hpp), and a gateway that asks for it would refuse every
// post, so no feedback is offered there.
export function feedbackPoster({ dataset, pageUrl, storage, fetch }) {
  if (String(dataset.tokenUrl ?? '').trim()) return null;
  const url = chatUrl(dataset.endpoint, pageUrl).replace(/\/api\/chat$/, '/api/feedback');
  const post = async (fields) => { // a field left undefined is left out
    const c = currentConversation(storage, dataset);
    if (!c) return false;
    const body = JSON.stringify({ conversation_id: c.id, conversation_key: c.key, ...fields });
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    return res.status === 202;
  };
  return {
    thumb: (replyTo, rating, reason) => post({ kind: 'thumb', reply_to: replyTo, rating, reason }),
    rate: (stars) => post({ kind: 'rating', rating: stars }),
  };
}
