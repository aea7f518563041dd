// The staff API's presence calls (docs/protocol.md, "Presence"), beside
// staff-api.mjs which routes them:
//   POST /staff/conversations/{id}/typing {name}  the person in control is typing
//   POST /staff/conversations/{id}/read   {name}  they opened the conversation
import { sendError, sendJson } from '../http/http-util.mjs';

export function createPresenceApi({ store }) {
  // Only the conversation's person types to the shopper; the signal names
  // the log's seq now, so the widget can drop it once a newer staff message shows.
  async function typing(res, id, name) {
    const control = await store.getControl(id);
    if (!control) return sendError(res, 404, 'no_conversation', 'No such conversation is held.');
    if (control.state !== 'person') return sendError(res, 409, 'not_in_control', 'Take the conversation over before typing.');
    await store.publishTyping(id, { name, seq: (await store.lastSeq(id)) ?? 0 });
    return sendJson(res, 200, { sent: true });
  }

  // A `read` event through the shopper's last acked message, once per new message.
  async function read(res, id, name) {
    const frame = await store.markRead(id, name);
    if (frame === 'gone') return sendError(res, 404, 'no_conversation', 'No such conversation is held.');
    return sendJson(res, 200, { read_through: frame ? frame.data.through : null });
  }

  return { typing, read };
}
