// The staff API: how a person from the shop sees the conversations, takes
// one over, answers, leaves private notes, records leads and hands it back to the AI
// (docs/protocol.md, "Staff API"). For the shop's own tools, never for
// shoppers: bearer-token only (staff-auth.mjs: a per-person token, or the
// deprecated shared one), every take, hand-back, reply and note audited
// with who did it (staff-admin.mjs), no CORS headers (a browser
// page of another origin cannot read it), and off (404) without a token.
//
// Every call that names the staff member (`name`) marks them present:
// "online" = a staff call within the presence window (session/handoff-frames.mjs).
// What staff write reaches the shopper only through the session log (control
// events, staff messages); notes go to the staff-only record, never the log.
// The operator console (console-page.mjs, console/) is this API's page: served
// at /staff/console without a credential (it holds none), off with the API.
import { createHash } from 'node:crypto';
import { answerBodyFailure, readBody, sendError, sendJson } from '../http/http-util.mjs';
import { DEFAULT_LIMITS } from '../store/limits.mjs';
import { createCredentialBudget } from './credential-budget.mjs';
import { MAX_BODY_BYTES, checkText } from '../http/chat-request.mjs';
import { checkVisitor } from '../auth/visitor.mjs';
import { illegalMessage } from '../control/transitions.mjs';
import { serveConsole } from './console-page.mjs';
import { createPresenceApi } from './presence-api.mjs';
import { createStaffAdmin } from './staff-admin.mjs';
import { createRecordApi, RECORD_PREFIX } from '../record/record-api.mjs';
import { servePhoto } from './staff-photo.mjs';
import { checkLead } from '../agents/lead-event.mjs';
import { NO_RECORDER } from '../record/gateway-recorder.mjs';
import { checkEvent } from '../record/record-events.mjs';
import { RecordUnavailable } from '../record/record-when-reachable.mjs';

export const STAFF_PREFIX = '/staff/';
const ROUTE = /^\/staff\/conversations\/([^/]{1,256})\/(take|reply|hand-back|notes|leads|typing|read)$/;
const ONE = /^\/staff\/conversations\/([^/]{1,256})$/;
const PHOTO = /^\/staff\/conversations\/([^/]{1,256})\/attachments\/(att_[0-9a-f]{24})$/;

// The record's calls and revocations per staff credential per minute
// (credential-budget.mjs): a console pages and searches at most a few a
// second; a script that loops costs the database, so it waits.
export const COSTLY_CALLS_PER_MINUTE = 120;
// What staff write per staff credential per minute: replies, notes, leads,
// takes and hand-backs (each kept in the store, the audit and the record;
// replies and control changes also reach the shopper). Two a second for a
// whole minute: a person typing and clicking never gets near it (a reply or
// a note takes seconds to write), and a team still on the deprecated shared
// token shares it with room to spare; a leaked token or a looping script
// hits it within a second and waits instead of filling the record.
// Typing, read and presence are not writes of this kind (the console sends
// them on timers, and they keep nothing).
export const STAFF_WRITES_PER_MINUTE = 120;
const WRITES = new Set(['take', 'reply', 'hand-back', 'notes', 'leads']);

// { store, auth (staff-auth.mjs), log, record, bodyTimeoutMs, costlyPerMinute, writesPerMinute } → handler(req, res, pathname)
// (with handler.budget.clear()).
export function createStaffApi({
  store, auth, log = () => {}, record = null, recorder = NO_RECORDER, bodyTimeoutMs = DEFAULT_LIMITS.bodyTimeoutMs,
  costlyPerMinute = COSTLY_CALLS_PER_MINUTE, writesPerMinute = STAFF_WRITES_PER_MINUTE,
}) {
  const budgets = {
    costly: { budget: createCredentialBudget({ perWindow: costlyPerMinute, windowMs: 60_000 }), perMinute: costlyPerMinute,
      calls: 'record and revocation calls', message: 'Too many record or revocation calls; retry later.' },
    writes: { budget: createCredentialBudget({ perWindow: writesPerMinute, windowMs: 60_000 }), perMinute: writesPerMinute,
      calls: 'staff writes (replies, notes, leads, takes, hand-backs)', message: 'Too many replies, notes, leads, takes or hand-backs; retry later.' },
  };
  // True when `staff` is past `kind`'s budget: then answered 429 (code
  // rate_limited, counted by the metrics like every 429) and said once in the log.
  function overBudget(kind, staff, req, res, pathname) {
    const { budget, perMinute, calls, message } = budgets[kind];
    const over = budget.take(staff.id);
    if (!over) return false;
    log(`[server] ${req.method} ${pathname} refused: over ${perMinute} ${calls} a minute for this credential`);
    sendError(res, 429, 'rate_limited', message, { 'Retry-After': String(over.retryAfterS) });
    return true;
  }
  const presence = createPresenceApi({ store });
  const admin = createStaffAdmin({ store, log });
  // The record's calls (/staff/record/...), behind the same credential.
  const recordApi = createRecordApi({ record, log, http: { sendJson, sendError, readJson: (req, res) => body(req, res) } });
  async function body(req, res) {
    // A slow body holds a socket: it has the chat's bodyTimeoutMs (408).
    const read = await readBody(req, MAX_BODY_BYTES, { timeoutMs: bodyTimeoutMs });
    if (!read.ok && read.reason === 'timeout') { answerBodyFailure(res, read, MAX_BODY_BYTES); return null; }
    if (!read.ok) { sendError(res, 413, 'too_large', 'The body is too large.'); return null; }
    try {
      const value = JSON.parse(read.text || '{}');
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch { /* answered below */ }
    sendError(res, 400, 'bad_body', 'The body must be a JSON object.');
    return null;
  }

  // The staff member's display name (what the shopper sees), checked like a visitor's.
  function nameOf(value, res) {
    const checked = checkVisitor({ name: value });
    if (typeof value === 'string' && checked.ok && checked.visitor?.name) return checked.visitor.name;
    sendError(res, 400, 'bad_name', '"name" must be the staff member\'s display name (1 to 100 characters).');
    return null;
  }

  async function change(res, id, event, name, staff) {
    const changed = await store.changeControl(decodeURIComponent(id), event, { name });
    if (changed.ok) {
      await admin.record({ ...staff, name }, event, decodeURIComponent(id));
      return sendJson(res, 200, { control: changed.control });
    }
    if (changed.code === 'gone') return sendError(res, 404, 'no_conversation', 'No such conversation is held.');
    return sendJson(res, 409, { error: { code: 'illegal_transition', message: illegalMessage(changed.from, event), state: changed.from } });
  }

  async function reply(res, id, b, name, staff) {
    const messageId = b.message_id;
    if (typeof messageId !== 'string' || messageId === '' || messageId.length > 128) {
      return sendError(res, 400, 'bad_message_id', '"message_id" must be a string of 1 to 128 characters, the same on every retry.');
    }
    if (typeof b.text !== 'string') return sendError(res, 400, 'blank_text', '"text" must be a string.');
    const problem = checkText(b.text);
    if (problem) return sendError(res, problem.code === 'too_long' ? 413 : 400, problem.code, problem.message);
    const print = createHash('sha256').update(JSON.stringify([name, b.text])).digest('hex').slice(0, 32);
    const author = { kind: 'staff', name };
    const events = [
      { event: 'start', data: { reply_id: `s_${print.slice(0, 20)}`, author } },
      { event: 'delta', data: { text: b.text } },
      { event: 'done', data: {} },
    ];
    const entry = { kind: 'staff', message_id: messageId, name, staff_id: staff.id, text: b.text, at: Date.now() };
    const answer = await store.staffReply(decodeURIComponent(id), messageId, print, events, entry);
    if (Array.isArray(answer)) {
      await admin.record({ ...staff, name }, 'reply', decodeURIComponent(id), { message_id: messageId });
      return sendJson(res, 200, { applied: true, seq: answer.at(-1).seq });
    }
    if (answer === 'known') return sendJson(res, 200, { applied: false, duplicate: true });
    if (answer === 'gone') return sendError(res, 404, 'no_conversation', 'No such conversation is held.');
    if (answer === 'conflict') return sendError(res, 422, 'message_id_reused', 'This message_id was already used with another text.');
    return sendError(res, 409, 'not_in_control', 'Take the conversation over before replying.');
  }

  async function note(res, id, b, name, staff) {
    if (typeof b.text !== 'string' || checkText(b.text)) return sendError(res, 400, 'bad_text', '"text" must be 1 to 4000 characters.');
    const kept = await store.addStaffEntry(decodeURIComponent(id), { kind: 'note', name, staff_id: staff.id, text: b.text, at: Date.now() });
    if (!kept) return sendError(res, 404, 'no_conversation', 'No such conversation is held.');
    await admin.record({ ...staff, name }, 'note', decodeURIComponent(id));
    return sendJson(res, 200, { saved: true });
  }

  // A lead staff record from a conversation (docs/record.md, "Leads"):
  // {lead_id (the same on every retry: recorded once), kind, note?}. From a
  // conversation held here it is queued like every live record event; from
  // a past one (the console's History: the session is gone, the record holds
  // it) it is written before the answer, so the History read next shows it
  // (the shopper is gone: no reply waits on it). Both keep the id
  // `staff:<lead_id>`, so a retry that finds the session gone is still one
  // lead. With the record off a lead has nowhere to be kept: 404 record_off,
  // as the record's own calls answer, never a "recorded" that kept nothing.
  async function lead(res, id, b, name, staff) {
    if (!recorder.enabled) return sendError(res, 404, 'record_off', 'Leads are not kept here: the record is off (NATTER_RECORD=off).');
    const leadId = b.lead_id;
    if (typeof leadId !== 'string' || leadId === '' || leadId.length > 128) {
      return sendError(res, 400, 'bad_lead_id', '"lead_id" must be a string of 1 to 128 characters, the same on every retry.');
    }
    if (b.note !== undefined && (typeof b.note !== 'string' || b.note.length > 500)) return sendError(res, 400, 'bad_note', '"note" must be text of at most 500 characters.');
    const checked = checkLead({ kind: b.kind, data: b.note ? { note: b.note } : null });
    if (!checked.ok) return sendError(res, 400, 'bad_lead', checked.reason);
    const conversationId = decodeURIComponent(id);
    const row = { id: `staff:${leadId}`, source: 'staff', kind: checked.data.kind, data: { ...checked.data.data, by: name } };
    if (await store.getControl(conversationId)) recorder.lead(conversationId, row);
    else if (!(await recordHolds(res, conversationId))) return undefined;
    else if (!(await reaching(res, () => record.writeBatch([checkEvent({ type: 'lead', conversationId, at: Date.now(), ...row })])))) return undefined;
    await admin.record({ ...staff, name }, 'lead', conversationId);
    return sendJson(res, 200, { recorded: true });
  }

  // True when the record holds `conversationId`; else answered (404
  // no_conversation, or 503 while the record's database cannot be reached).
  async function recordHolds(res, conversationId) {
    const found = await reaching(res, () => record.holdsConversation(conversationId));
    if (found === false && !res.headersSent) sendError(res, 404, 'no_conversation', 'No such conversation is held or recorded.');
    return found === true;
  }
  // `call()`'s answer, or false once answered 503 record_unavailable.
  async function reaching(res, call) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RecordUnavailable)) throw error;
      sendError(res, 503, 'record_unavailable', 'The record database cannot be reached; nothing was recorded. Try again shortly.', { 'Retry-After': '5' });
      return false;
    }
  }

  async function list(res) {
    const now = Date.now();
    const conversations = (await store.listControls()).map(({ id, state, by, since, position, wait_s: waitS }) => ({
      conversation_id: id, state, by, ...(position ? { position } : {}), ...(waitS ? { wait_s: waitS } : {}),
      ...(state === 'waiting' ? { waiting_ms: Math.max(0, now - since) } : {}),
    }));
    const order = { waiting: 0, person: 1, ai: 2 }; // who needs someone first
    conversations.sort((a, b) => order[a.state] - order[b.state] || (b.waiting_ms ?? 0) - (a.waiting_ms ?? 0));
    return sendJson(res, 200, { conversations });
  }

  async function one(res, id) {
    const conversationId = decodeURIComponent(id);
    const control = await store.getControl(conversationId);
    if (!control) return sendError(res, 404, 'no_conversation', 'No such conversation is held.');
    const entries = await store.staffEntries(conversationId);
    return sendJson(res, 200, {
      conversation_id: conversationId, control,
      visitor: await store.getVisitor(conversationId), // who the shop said the shopper is, or null
      context: await store.getContext(conversationId), // where the shopper was at their newest turn, or null
      handoff: entries.filter((e) => e.kind === 'handoff').at(-1) ?? null, // the summary, to read first
      // The shopper's entries list the photos their message named (`attachments`;
      // each served by GET /staff/conversations/{id}/attachments/{attachment id}).
      transcript: await store.recentTranscript(conversationId), entries,
      // Actions the page ran for the agent (POST /api/action/result), the last 50, oldest first.
      actions: (await store.actionResults(conversationId)).map(({ id: actionId, name, result }) => ({ id: actionId, name, result })),
    });
  }

  // The record: any staff member reads it; exporting and erasing need the
  // admin role and are audited (without the id erased: the audit outlives it).
  async function recordCall(req, res, pathname, staff) {
    const action = pathname === '/staff/record/erase' ? 'record_erase'
      : pathname === '/staff/record/export' || pathname.endsWith('/export') ? 'record_export'
        : pathname === '/staff/record/events/replay' ? 'record_events_replay' : null;
    if (action && staff.role !== 'admin') return sendError(res, 403, 'forbidden', 'This needs the admin role.');
    await recordApi(req, res, pathname, new URL(req.url, 'http://x'), staff);
    if (action && res.statusCode === 200) await admin.record(staff, action, null);
    return undefined;
  }

  async function handle(req, res, pathname) {
    if (!auth.enabled) return sendError(res, 404, 'not_found', 'Not found.');
    if (await serveConsole(req, res, pathname)) return undefined; // the page itself: no data, no token
    const { verdict, staff } = await auth.check(req);
    if (verdict !== 'ok') {
      log(`[server] ${req.method} ${pathname} refused: staff credential ${verdict}`);
      return sendError(res, 401, 'unauthorized', `Staff credential ${verdict}.`, { 'WWW-Authenticate': 'Bearer' });
    }
    if ((pathname.startsWith(RECORD_PREFIX) || pathname === '/staff/revocations') && overBudget('costly', staff, req, res, pathname)) return undefined;
    if (pathname.startsWith(RECORD_PREFIX)) return recordCall(req, res, pathname, staff);
    if (req.method === 'GET' && pathname === '/staff/conversations') return list(res);
    if (req.method === 'GET' && pathname === '/staff/audit') return admin.audit(res, staff, new URL(req.url, 'http://x'));
    const photo = PHOTO.exec(pathname);
    if (req.method === 'GET' && photo) return servePhoto(res, store, decodeURIComponent(photo[1]), photo[2]);
    const single = ONE.exec(pathname);
    if (req.method === 'GET' && single) return one(res, single[1]);
    const route = ROUTE.exec(pathname);
    const revocation = pathname === '/staff/revocations';
    if (req.method !== 'POST' || !(route || revocation || pathname === '/staff/presence')) return sendError(res, 404, 'not_found', 'Not found.');
    if (route && WRITES.has(route[2]) && overBudget('writes', staff, req, res, pathname)) return undefined; // before the body: nothing read, nothing written
    const b = await body(req, res);
    if (!b) return undefined;
    if (revocation) return admin.revoke(res, staff, b);
    // A per-person token names its holder; only the deprecated shared token
    // lets the body say who is writing.
    const name = staff.name ?? nameOf(b.name, res);
    if (!name) return undefined;
    await store.markStaffPresent(name);
    if (!route) return sendJson(res, 200, { present: true });
    const [, id, action] = route;
    if (action === 'take') return change(res, id, 'take', name, staff);
    if (action === 'hand-back') return change(res, id, 'hand_back', name, staff);
    if (action === 'reply') return reply(res, id, b, name, staff);
    if (action === 'typing') return presence.typing(res, decodeURIComponent(id), name);
    if (action === 'read') return presence.read(res, decodeURIComponent(id), name);
    if (action === 'leads') return lead(res, id, b, name, staff);
    return note(res, id, b, name, staff);
  }

  // handle.budget.clear() forgets every credential's windows (the test controls' reset).
  handle.budget = { clear: () => { for (const b of Object.values(budgets)) b.budget.clear(); } };
  return handle;
}
