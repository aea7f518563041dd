// A stable digest of the fields that make two requests for one message id
// "the same body" (docs/protocol.md): (message_id, conversation_id, text).
// The visitor is not part of it: it is who asks, not what.
import { createHash } from 'node:crypto';

export function fingerprint({ message_id, conversation_id, text }) {
  return createHash('sha256').update(JSON.stringify([message_id, conversation_id, text])).digest('hex');
}
