// Frames of the live session (docs/protocol.md, "The live session"): parse
// and check one client WebSocket message, and encode server frames. Pure and
// total: any input gives a value, never an exception.
//
// parseClientFrame(data, isBinary) returns one of
//   { kind: 'hello', hello: { v, session_id, resume_token, last_event_seq, tab_id, visitor, auth, features, revoke, conversation_key } }
//                                           revoke: the first device voids the second device's line
//                                           auth: the shop's token, "" when absent; features: a
//                                           Set of what the widget understands (e.g. "handoff")
//   { kind: 'msg', msg: { message_id, text, context, attachments } }   context: ../http/page-context.mjs, null when none;
//                                     attachments: photo ids (../attachments/message-attachments.mjs), absent when none
//   { kind: 'identify', visitor }           visitor null: forget (../visitor.mjs)
//   { kind: 'ping', ping: { t } }            (t absent when the client sent none)
//   { kind: 'voice', voice: {...} }          a voice control frame (voice/voice-frames.mjs)
//   { kind: 'handoff_request' }             the shopper asks for a person
//   { kind: 'handoff_email', email, email_id }  the shopper leaves an email when nobody is there
//                                           (email_id: the widget's id for it, "" when not sent)
//   { kind: 'continue_offer', saved }       the shopper asks for a link to continue on another device
//                                           (saved: the products saved there, [] if none)
//   { kind: 'voice_packet', data }          a binary message: one voice packet for the
//                                           voice gateway, which checks it
//   { kind: 'unsupported_version', v }      a hello whose `v` is not a version this code
//                                           speaks (MIN_PROTOCOL..PROTOCOL_VERSION)
//   { kind: 'ignored', type }               a well-formed frame of an unknown type
//   { kind: 'bad', message, message_id? }   answer `error` bad_frame; the connection stays
//                                           (reason too_deep: nested past maxDepth)
import { checkMessageText } from '../http/chat-request.mjs';
import { checkAttachmentIds } from '../attachments/message-attachments.mjs';
import { DEFAULT_LIMITS } from '../store/limits.mjs';
import { parseVoiceFrame } from '../voice/voice-frames.mjs';
import { checkVisitor } from '../auth/visitor.mjs';
import { checkContext } from '../http/page-context.mjs';
import { nestsDeeperThan } from '../http/json-depth.mjs';
import { MAX_TOKEN_CHARS } from '../auth/access-tokens.mjs';
import { checkConversationKey } from './conversation-key.mjs';
import { CLIENT_BOUNDS } from './client-bounds.mjs';

// The newest session protocol this server speaks, and the oldest it still
// can (an operator may retire more: createSessionEndpoint's minProtocol).
export const PROTOCOL_VERSION = 1;
export const MIN_PROTOCOL = 1;
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_ID_CHARS = 256;

const bad = (message, messageId) => (messageId === undefined
  ? { kind: 'bad', message } : { kind: 'bad', message, message_id: messageId });

const isId = (value) => typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_CHARS;

function parseHello(f) {
  if (!Number.isInteger(f.v) || f.v < MIN_PROTOCOL || f.v > PROTOCOL_VERSION) {
    return { kind: 'unsupported_version', v: f.v ?? null };
  }
  if (!isId(f.session_id)) return bad(`hello: "session_id" must be a string of 1..${MAX_ID_CHARS} characters.`);
  const token = f.resume_token ?? '';
  if (typeof token !== 'string' || token.length > MAX_ID_CHARS) return bad('hello: "resume_token" must be a string.');
  const last = f.last_event_seq ?? 0;
  if (!Number.isSafeInteger(last) || last < 0) return bad('hello: "last_event_seq" must be an integer >= 0.');
  const tab = f.tab_id ?? '';
  if (typeof tab !== 'string' || tab.length > MAX_ID_CHARS) return bad('hello: "tab_id" must be a string.');
  const visitor = checkVisitor(f.visitor);
  if (!visitor.ok) return bad(`hello: ${visitor.message}`);
  const auth = f.auth ?? '';
  if (typeof auth !== 'string' || auth.length > MAX_TOKEN_CHARS) return bad('hello: "auth" must be a string (the shop\'s token).');
  const features = f.features ?? [];
  if (!Array.isArray(features) || features.length > 16 || !features.every((x) => typeof x === 'string' && x.length <= 32)) {
    return bad('hello: "features" must be an array of at most 16 short strings.');
  }
  if (f.revoke !== undefined && typeof f.revoke !== 'boolean') return bad('hello: "revoke" must be a boolean.');
  const conversationKey = checkConversationKey(f.conversation_key);
  if (!conversationKey.ok) return bad(`hello: ${conversationKey.message}`);
  return {
    kind: 'hello',
    hello: {
      v: f.v, session_id: f.session_id, resume_token: token, last_event_seq: last, tab_id: tab, visitor: visitor.visitor,
      auth, features: new Set(features), revoke: f.revoke === true, conversation_key: conversationKey.key,
    },
  };
}

function parseIdentify(f) {
  if (!('visitor' in f)) return bad('identify: "visitor" is required (an object, or null to forget).');
  const visitor = checkVisitor(f.visitor);
  if (!visitor.ok) return bad(`identify: ${visitor.message}`);
  return { kind: 'identify', visitor: visitor.visitor };
}

// The saved products the first device hands on with the link (the other
// device's core re-checks each like a card): kept as given, only bounded.
export const MAX_SAVED_HANDED_ON = 50;
const MAX_SAVED_BYTES = 16 * 1024;
function parseContinueOffer(frame) {
  if (!('saved' in frame)) return { kind: 'continue_offer', saved: [] };
  const { saved } = frame;
  if (!Array.isArray(saved) || saved.length > MAX_SAVED_HANDED_ON || JSON.stringify(saved).length > MAX_SAVED_BYTES ||
      !saved.every((p) => p && typeof p === 'object' && !Array.isArray(p))) {
    return bad(`continue.offer: "saved" must be an array of at most ${MAX_SAVED_HANDED_ON} products.`);
  }
  return { kind: 'continue_offer', saved };
}

function parseMsg(f, maxAttachments) {
  if (!isId(f.message_id)) return bad(`msg: "message_id" must be a string of 1..${MAX_ID_CHARS} characters.`);
  if (typeof f.text !== 'string') return bad('msg: "text" must be a string.', f.message_id);
  const attachments = checkAttachmentIds(f.attachments, maxAttachments);
  if (!attachments.ok) return { ...bad(`msg: ${attachments.message}`, f.message_id), reason: 'bad_attachments' };
  const problem = checkMessageText(f.text, attachments.ids);
  if (problem) return { ...bad(`msg: ${problem.message}`, f.message_id), reason: problem.code };
  const context = checkContext(f.context);
  if (!context.ok) return { ...bad(`msg: ${context.message}`, f.message_id), reason: 'bad_context' };
  const photos = attachments.ids.length ? { attachments: attachments.ids } : {};
  return { kind: 'msg', msg: { message_id: f.message_id, text: f.text, context: context.context, ...photos } };
}

// `maxDepth`: session/client-bounds.mjs maxFrameDepth.
// `maxAttachments`: store/limits.mjs attachmentsPerMessage.
export function parseClientFrame(data, isBinary = false, { maxDepth = CLIENT_BOUNDS.maxFrameDepth, maxAttachments = DEFAULT_LIMITS.attachmentsPerMessage } = {}) {
  if (isBinary) return { kind: 'voice_packet', data: Buffer.isBuffer(data) ? data : Buffer.from(data) };
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > MAX_FRAME_BYTES) return bad(`The frame is ${size} bytes; the limit is ${MAX_FRAME_BYTES}.`);
  let frame;
  try {
    frame = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  } catch {
    return bad('The frame is not valid JSON.');
  }
  if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return bad('A frame must be a JSON object.');
  // Before any field is read: every check below may walk what it is given.
  if (nestsDeeperThan(frame, maxDepth)) {
    return { ...bad(`The frame nests arrays and objects deeper than ${maxDepth} levels.`), reason: 'too_deep' };
  }
  if (typeof frame.type !== 'string' || frame.type === '') return bad('A frame needs a string "type".');
  switch (frame.type) {
    case 'hello': return parseHello(frame);
    case 'msg': return parseMsg(frame, maxAttachments);
    case 'identify': return parseIdentify(frame);
    case 'ping': return { kind: 'ping', ping: 't' in frame ? { t: frame.t } : {} };
    case 'handoff.request': return { kind: 'handoff_request' };
    case 'continue.offer': return parseContinueOffer(frame);
    case 'handoff.email': {
      const checked = checkVisitor({ email: frame.email });
      if (!checked.ok || typeof frame.email !== 'string') return bad('handoff.email: "email" must be an email address.');
      const emailId = frame.email_id ?? '';
      if (typeof emailId !== 'string' || emailId.length > MAX_ID_CHARS) return bad('handoff.email: "email_id" must be an id.');
      return { kind: 'handoff_email', email: checked.visitor.email, email_id: emailId };
    }
    default:
      if (frame.type.startsWith('voice.')) return parseVoiceFrame(frame);
      return { kind: 'ignored', type: frame.type };
  }
}

// Server frames. Each returns the object; the sender stringifies it.
export const ackFrame = (messageId) => ({ type: 'ack', message_id: messageId });

export function errorFrame(code, message, extra = {}) {
  return { type: 'error', code, message, ...extra };
}

export function pongFrame(ping) {
  return 't' in ping ? { type: 'pong', t: ping.t } : { type: 'pong' };
}
