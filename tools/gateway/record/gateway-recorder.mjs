// What the gateway tells the record, in its own words: one method per
// thing that happened, each building a record event and queueing it on
// the writer (record-writer.mjs). Never throws and never waits: a record
// problem is logged and counted, the conversation goes on. With the
// record off, NO_RECORDER has the same methods and does nothing.
import { randomUUID } from 'node:crypto';

const HANDOFF_EVENT = { request: 'requested', take: 'taken', hand_back: 'returned' };

export function createGatewayRecorder({ writer, now = Date.now, log = () => {} }) {
  function put(event) {
    try {
      writer.enqueue({ at: now(), ...event });
    } catch (error) {
      log(`[record] ${error.message}`); // a bad event is the gateway's bug: said, never fatal
    }
  }
  const visitorId = (visitor) => (visitor && typeof visitor.id === 'string' && visitor.id ? visitor.id : undefined);
  return {
    enabled: true,
    // A shopper's turn as received ({message_id, conversation_id, text, visitor?, context?});
    // `voice`: recognised speech (its transcript); `attachments`: the photos it
    // named, as staff are told of them ([{id, type, size, width, height}]).
    shopperTurn(request, { voice = false, attachments } = {}) {
      put({ type: 'conversation', id: request.conversation_id, visitorId: visitorId(request.visitor), visitor: request.visitor ?? undefined });
      put({
        type: 'turn', id: request.message_id, conversationId: request.conversation_id, role: 'shopper',
        channel: voice || request.message_id.startsWith('voice-') ? 'voice' : 'text', text: request.text, context: request.context ?? undefined,
        attachments: attachments?.length ? attachments : undefined,
      });
    },
    // The assistant's final text for a shopper's turn, with the cards it showed.
    answered(request, replyId, text, cards) {
      put({
        type: 'turn', id: replyId, conversationId: request.conversation_id, role: 'assistant',
        channel: request.message_id.startsWith('voice-') ? 'voice' : 'text', text, cards: cards?.length ? cards : undefined,
      });
    },
    staffReply(conversationId, messageId, name, text) {
      put({ type: 'turn', id: `staff-${messageId}`, conversationId, role: 'staff', author: name, text });
    },
    // A control change the store applied (`seq`: its event's number in the session log, unique per conversation).
    handoff(conversationId, controlEvent, { seq, by, reason } = {}) {
      const event = HANDOFF_EVENT[controlEvent];
      if (!event) return;
      put({ type: 'handoff', id: `${conversationId}:control:${seq ?? randomUUID()}`, conversationId, event, by: by || undefined, reason: reason || undefined });
    },
    // Asked for a person with nobody online (the shopper was offered the email form).
    handoffUnanswered(conversationId, { by, reason } = {}) {
      put({ type: 'handoff', id: randomUUID(), conversationId, event: 'cancelled', by: by || undefined, reason: reason ? `nobody online: ${reason}` : 'nobody online' });
    },
    note(conversationId, name, text) {
      put({ type: 'note', id: randomUUID(), conversationId, author: name, text });
    },
    // An email left for staff: kept as an email and as a lead.
    emailLeft(conversationId, emailId, email) {
      const id = emailId || randomUUID();
      put({ type: 'email', id, conversationId, email });
      put({ type: 'lead', id: `email-${id}`, conversationId, kind: 'email', source: 'shopper', data: { email } });
    },
    // A shopper's thumb on an answer or rating of a conversation (record-events.mjs keys it).
    feedback({ conversationId, kind, answerId, rating, reason }) {
      put({ type: 'feedback', conversationId, kind, answerId, rating, reason });
    },
    // A lead an agent or staff captured (kind: trade_in, callback, ...); `id`
    // makes a repeat of the same lead one row.
    lead(conversationId, { id, kind, source, data }) {
      put({ type: 'lead', id, conversationId, kind, source, data: data ?? undefined });
    },
    // A voice call's streamed time on this instance so far ({callId, startedAt: when
    // it first streamed here, ms}): one row per call, rewritten as it grows (voice/call-time.mjs).
    voiceTime(conversationId, { callId, startedAt, ms }) {
      put({ type: 'voice_time', id: `${callId}:${startedAt}`, conversationId, callId, at: startedAt, ms: Math.max(0, Math.round(ms)) });
    },
    visitor(conversationId, visitor) {
      put({ type: 'conversation', id: conversationId, visitorId: visitorId(visitor), visitor: visitor ?? undefined });
    },
  };
}

const nothing = () => {};
export const NO_RECORDER = Object.freeze({
  enabled: false, shopperTurn: nothing, answered: nothing, staffReply: nothing, handoff: nothing,
  handoffUnanswered: nothing, note: nothing, emailLeft: nothing, visitor: nothing, feedback: nothing, lead: nothing, voiceTime: nothing,
});
