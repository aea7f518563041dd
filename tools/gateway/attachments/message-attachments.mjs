// The photos a message names (docs/protocol.md, "Attachments"): POST
// /api/chat's `attachments` and the live session's msg `attachments`, each
// an id POST /api/attachment answered for the same conversation.
//
//   checkAttachmentIds(value, max) -> {ok: true, ids} | {ok: false, message}  (pure; absent: [])
//   firstUnknown(store, conversationId, ids) -> the first id the store does not hold for it, or null
//   turnAttachments(store, conversationId, ids) -> what the agent is given (turn.attachments):
//     [{id, type, size, width, height, data}] with data the bytes in base64

// What the shopper's page, the agent and staff are told about a photo (the
// store's meta also holds its message, index and digest).
export function publicAttachment(meta) {
  return { id: meta.id, type: meta.type, size: meta.size, width: meta.width, height: meta.height };
}

const ID_SHAPE = /^att_[0-9a-f]{24}$/;

export function checkAttachmentIds(value, max) {
  if (value === undefined || value === null) return { ok: true, ids: [] };
  if (!Array.isArray(value) || value.length > max || !value.every((id) => typeof id === 'string' && ID_SHAPE.test(id))) {
    return { ok: false, message: `"attachments" must be an array of at most ${max} attachment ids (att_…) that POST /api/attachment answered.` };
  }
  if (new Set(value).size !== value.length) return { ok: false, message: '"attachments" names one attachment twice.' };
  return { ok: true, ids: value };
}

export async function firstUnknown(store, conversationId, ids) {
  if (ids.length === 0) return null;
  const metas = await store.attachmentMetas(conversationId, ids);
  const at = metas.findIndex((m) => m === null);
  return at === -1 ? null : ids[at];
}

// A photo that expired between the message's check and its run is left
// out (the run goes on with the rest and the text).
export async function turnAttachments(store, conversationId, ids = []) {
  const out = [];
  for (const id of ids) {
    const held = await store.readAttachment(conversationId, id);
    if (held) out.push({ ...publicAttachment(held.meta), data: held.bytes.toString('base64') });
  }
  return out;
}
