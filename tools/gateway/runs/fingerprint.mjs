// A stable digest of the fields that make two requests for one message id
// "the same body" (docs/protocol.md): (message_id, conversation_id, text)
// and the photos it names, when it names any (so a message without photos
// keeps the digest it always had). The visitor is not part of it: it is who asks, not what.
import { createHash } from 'node:crypto';

export function fingerprint({ message_id, conversation_id, text, attachments = [] }) {
  const fields = attachments.length ? [message_id, conversation_id, text, attachments] : [message_id, conversation_id, text];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
