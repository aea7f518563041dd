// The events the gateway records, checked before they are queued: a bad
// event is the caller's bug and throws RecordEventError at once, so the
// writer's queue only ever holds rows the database will take. Texts are
// cut to bounds (an agent reply cannot fill the disk with one row).
export class RecordEventError extends Error {
  constructor(message) { super(message); this.name = 'RecordEventError'; this.code = 'bad_record_event'; }
}

export const BOUNDS = { id: 200, text: 20_000, short: 500, json: 50_000 };

export const EVENT_TYPES = {
  conversation: {},
  turn: { role: ['shopper', 'assistant', 'staff'], channel: ['text', 'voice'] },
  handoff: { event: ['requested', 'taken', 'returned', 'cancelled'] },
  note: {},
  email: {},
  lead: { source: ['agent', 'staff', 'shopper'] },
  feedback: { kind: ['thumb', 'rating'] },
  voice_time: {},
};

const fail = (type, what) => { throw new RecordEventError(`record event ${type}: ${what}`); };

function id(type, value, field, optional = false) {
  if (optional && (value === undefined || value === null)) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > BOUNDS.id) fail(type, `${field} must be a string of 1 to ${BOUNDS.id} characters`);
  return value;
}
function text(type, value, field, { optional = false, max = BOUNDS.text } = {}) {
  if (optional && (value === undefined || value === null)) return null;
  if (typeof value !== 'string') fail(type, `${field} must be a string`);
  return value.length > max ? value.slice(0, max) : value;
}
function json(type, value, field) {
  if (value === undefined || value === null) return null;
  const s = JSON.stringify(value);
  if (s.length > BOUNDS.json) fail(type, `${field} is over ${BOUNDS.json} characters as JSON`);
  return s;
}
function oneOf(type, value, field) {
  const allowed = EVENT_TYPES[type][field];
  if (!allowed.includes(value)) fail(type, `${field} must be one of ${allowed.join(', ')}`);
  return value;
}

// Returns the row the writer stores: { type, ...columns }.
export function checkEvent(event) {
  const type = event?.type;
  if (!Object.hasOwn(EVENT_TYPES, type)) throw new RecordEventError(`record event: unknown type ${JSON.stringify(type)}`);
  const at = event.at;
  if (!Number.isSafeInteger(at) || at < 0) fail(type, 'at must be milliseconds since the epoch');
  if (type === 'conversation') {
    return {
      type, id: id(type, event.id, 'id'), at, visitorId: id(type, event.visitorId, 'visitorId', true),
      locale: text(type, event.locale, 'locale', { optional: true, max: 35 }),
      page: json(type, event.page, 'page'), visitor: json(type, event.visitor, 'visitor'),
    };
  }
  const conversationId = id(type, event.conversationId, 'conversationId');
  // Feedback's key is derived below; every other row's is the caller's (a message or event id).
  const base = { type, id: type === 'feedback' ? null : id(type, event.id, 'id'), conversationId, at };
  switch (type) {
    case 'turn': return {
      ...base, role: oneOf(type, event.role, 'role'), channel: oneOf(type, event.channel ?? 'text', 'channel'),
      author: text(type, event.author, 'author', { optional: true, max: BOUNDS.short }), text: text(type, event.text, 'text'),
      cards: json(type, event.cards, 'cards'), actions: json(type, event.actions, 'actions'), context: json(type, event.context, 'context'),
      attachments: json(type, event.attachments, 'attachments'),
    };
    case 'handoff': return {
      ...base, event: oneOf(type, event.event, 'event'), by: text(type, event.by, 'by', { optional: true, max: BOUNDS.short }),
      reason: text(type, event.reason, 'reason', { optional: true, max: BOUNDS.short }),
    };
    case 'note': return { ...base, author: text(type, event.author, 'author', { optional: true, max: BOUNDS.short }), text: text(type, event.text, 'text') };
    case 'email': return {
      ...base, email: text(type, event.email, 'email', { max: 320 }), text: text(type, event.text, 'text', { optional: true }),
    };
    case 'lead': return {
      ...base, kind: id(type, event.kind, 'kind'), source: oneOf(type, event.source, 'source'), data: json(type, event.data, 'data'),
    };
    case 'voice_time': {
      const ms = event.ms;
      if (!Number.isSafeInteger(ms) || ms < 0 || ms > 86_400_000) fail(type, 'ms must be whole milliseconds of at most a day');
      return { ...base, callId: id(type, event.callId, 'callId'), ms };
    }
    case 'feedback': {
      const kind = oneOf(type, event.kind, 'kind');
      const rating = event.rating;
      if (kind === 'thumb' && rating !== 1 && rating !== -1) fail(type, 'a thumb is rating 1 (up) or -1 (down)');
      if (kind === 'rating' && !(Number.isInteger(rating) && rating >= 1 && rating <= 5)) fail(type, 'a rating is 1 to 5');
      const answerId = kind === 'thumb' ? id(type, event.answerId, 'answerId') : null;
      // Once per answer (thumb) or per conversation (rating): sending again changes it.
      const key = kind === 'thumb' ? `${base.conversationId}:thumb:${answerId}` : `${base.conversationId}:rating`;
      return { ...base, id: key, kind, answerId, rating, reason: text(type, event.reason, 'reason', { optional: true, max: BOUNDS.short }) };
    }
    default: return fail(type, 'unknown');
  }
}
