// The embedded store (store/README.md): the gateway's state in this
// process's memory. The default: nothing else to run. A restart forgets
// everything (sessions, acks, event logs, idempotency records, visitors,
// the agent's transcripts),
// so a message re-sent after a restart runs the agent again. Same contract
// as redis-store.mjs, checked by tests/server/store-contract.test.mjs.
// This file holds the sessions, their logs and who controls them; the agent
// runs (memory-runs.mjs), continue links (memory-continue-links.mjs) and
// presence (memory-presence.mjs) are parts it delegates to.
import { randomBytes } from 'node:crypto';
import { limitsWith } from './limits.mjs';
import { MAX_VOICE_CALLS, newResumeToken, sameToken } from './session-tokens.mjs';
import { ACTION_NOTE_CALLS, ATTACHMENT_CALLS, OWNERSHIP_CALLS, PRESENCE_CALLS, RUN_CALLS, STAFF_LEDGER_CALLS, forwardToPart } from './part-methods.mjs';
import { MemoryActionNotes } from './memory-action-notes.mjs';
import { MemoryAttachments } from './memory-attachments.mjs';
import { MemoryOwnership } from './memory-ownership.mjs';
import { MemoryContinueLinks } from './memory-continue-links.mjs';
import { MemoryPresence } from './memory-presence.mjs';
import { MemoryStaffLedger } from './memory-staff-ledger.mjs';
import { MemoryRuns } from './memory-runs.mjs';
import { TranscriptBook } from '../agents/transcripts.mjs';
import { MAX_STAFF_ENTRIES, TRANSITIONS, controlData } from '../control/transitions.mjs';
import { MAX_PICKUPS, perPlaceMs, pickupRecord, waitSeconds } from '../control/wait-estimate.mjs';

export class MemoryStore {
  kind = 'memory';
  epoch = randomBytes(6).toString('base64url');
  #sessions = new Map(); // id -> session record
  #runs; // memory-runs.mjs
  #visitors = new Map(); // conversation id -> visitor (insertion order = age)
  #contexts = new Map(); // conversation id -> page context of its newest turn (insertion order = age)
  #transcripts;          // each conversation's recent completed turns
  #actionNotes; // memory-action-notes.mjs
  #attachments; // memory-attachments.mjs
  #ownership; // memory-ownership.mjs
  #kickers = new Set();
  #appendListeners = new Set();
  #continue; // memory-continue-links.mjs
  #presence; // memory-presence.mjs
  #staff; // memory-staff-ledger.mjs
  #pickups = []; // the newest conversations taken off the queue (control/wait-estimate.mjs)
  #now;

  constructor({ limits = {}, now = Date.now } = {}) {
    this.limits = limitsWith(limits);
    this.#now = now;
    this.#transcripts = new TranscriptBook({ max: this.limits.maxSessions });
    this.#runs = new MemoryRuns({ limits: this.limits, now: () => this.#now() });
    this.#continue = new MemoryContinueLinks({ now: () => this.#now(), openSecondLine: (id) => this.#openSecondLine(id) });
    this.#staff = new MemoryStaffLedger({ now: () => this.#now() });
    this.#ownership = new MemoryOwnership({
      limits: this.limits, live: (id) => this.#transcripts.has(id) || this.#held(id) !== null,
    });
    this.#actionNotes = new MemoryActionNotes({ limits: this.limits, now: () => this.#now() });
    this.#attachments = new MemoryAttachments({ limits: this.limits, now: () => this.#now() });
    this.#presence = new MemoryPresence({
      now: () => this.#now(),
      held: (id) => this.#held(id),
      log: (s, replyTo, event, data) => this.#log(s, replyTo, event, data),
      staffEntry: (s, entry) => this.#staffEntry(s, entry),
      appended: (id) => this.#appended(id),
    });
  }

  async start() { return this; }
  async ping() { return true; } // readiness (ops/health.mjs): always reachable
  async close() {}
  onEpochChange() {}

  // --- sessions ---

  #held(id) {
    const s = this.#sessions.get(id);
    if (!s) return null;
    if (s.expiresAt !== null && s.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return null;
    }
    return s;
  }

  #prune() {
    for (const id of [...this.#sessions.keys()]) this.#held(id);
  }

  async createSession(id, { tabId = '', instance = '', ifAbsent = false } = {}) {
    const old = this.#held(id);
    if (old && ifAbsent) return { held: true };
    if (!old && this.#sessions.size >= this.limits.maxSessions) {
      this.#prune();
      if (this.#sessions.size >= this.limits.maxSessions) return { full: true };
    }
    const prev = old?.connected ? { tabId: old.tab, instance: old.instance, line: old.line } : null;
    const s = {
      token: newResumeToken(), ptok: '', dtok: '', dptok: '', line: 'first', // dtok: the second device's line (continue-links.mjs)
      gen: (old?.gen ?? 0) + 1, tab: tabId, instance, connected: true,
      expiresAt: null, seq: 0, firstSeq: 1, log: [], acked: new Map(), turns: [], cursor: 0, voice: new Map(),
      control: { state: 'ai', by: null, since: 0 }, staffIds: new Map(), staffLog: [],
    };
    this.#sessions.set(id, s);
    return { token: s.token, gen: s.gen, seq: 0, acked: [], prev, line: 'first', revoked: false, epoch: this.epoch };
  }

  // Two token lines may prove a session: the first device's (tok, ptok) and,
  // after a continue link was redeemed, the second device's (dtok, dptok).
  // `revoke` (first line only) voids the second line in the same step.
  async resumeSession(id, token, { tabId = '', instance = '', rotate = false, revoke = false } = {}) {
    const s = this.#held(id);
    if (!s) return null;
    let line = null;
    if (sameToken(token, s.token) || sameToken(token, s.ptok)) line = 'first';
    else if (sameToken(token, s.dtok) || sameToken(token, s.dptok)) line = 'second';
    if (!line) return null;
    const prev = s.connected ? { tabId: s.tab, instance: s.instance, line: s.line } : null;
    const [cur, old] = line === 'first' ? ['token', 'ptok'] : ['dtok', 'dptok'];
    if (rotate) { // the superseded token stays good for one more hello (a welcome may be lost)
      s[old] = s[cur];
      s[cur] = newResumeToken();
    }
    const revoked = revoke && line === 'first' && s.dtok !== '';
    if (revoked) { s.dtok = ''; s.dptok = ''; }
    s.line = line;
    s.gen += 1;
    s.tab = tabId;
    s.instance = instance;
    s.connected = true;
    s.expiresAt = null;
    return { token: s[cur], gen: s.gen, seq: s.seq, acked: [...s.acked.keys()], prev, line, revoked, epoch: this.epoch };
  }

  // --- continue on another device (memory-continue-links.mjs) ---

  async mintContinue(id, link) { return this.#held(id) ? this.#continue.mintContinue(id, link) : false; }
  async redeemContinue(proof) { return this.#continue.redeemContinue(proof); }
  async takeContinueAttempt(key, max, windowMs) { return this.#continue.takeContinueAttempt(key, max, windowMs); }
  async refundContinueAttempt(key) { return this.#continue.refundContinueAttempt(key); }

  // A redeemed link's new second-device line on the session (replacing any
  // earlier one): {token, seq}, or null when the session is not held.
  #openSecondLine(id) {
    const s = this.#held(id);
    if (!s) return null;
    s.dtok = newResumeToken();
    s.dptok = '';
    return { token: s.dtok, seq: s.seq };
  }

  onKick(fn) { this.#kickers.add(fn); return () => this.#kickers.delete(fn); }
  async kick(id, gen, reason) { for (const fn of this.#kickers) fn(id, gen, reason); }

  #current(id, gen) {
    const s = this.#held(id);
    if (!s) return 'gone';
    return s.gen === gen ? s : 'stale';
  }

  async touchSession(id, gen) {
    const s = this.#current(id, gen);
    return typeof s === 'string' ? s : 'ok';
  }

  async detachSession(id, gen) {
    const s = this.#current(id, gen);
    if (typeof s === 'string') return;
    s.connected = false;
    s.expiresAt = this.#now() + this.limits.resumeWindowMs;
  }

  async eventsAfter(id, seq) {
    const s = this.#held(id);
    if (!s) return null;
    if (seq >= s.seq) return [];
    if (seq + 1 < s.firstSeq) return null;
    return s.log.slice(seq + 1 - s.firstSeq);
  }

  async acceptMsg(id, gen, turn, print) {
    const s = this.#current(id, gen);
    if (typeof s === 'string') return s;
    const known = s.acked.get(turn.message_id);
    if (known !== undefined) return known === print ? 'known' : 'conflict';
    if (s.turns.length >= this.limits.maxTurns) return 'turns_full';
    s.acked.set(turn.message_id, print);
    if (s.acked.size > this.limits.maxAcked) s.acked.delete(s.acked.keys().next().value);
    s.turns.push(turn);
    return 'accepted';
  }

  async headTurn(id) {
    const s = this.#held(id);
    if (!s || s.turns.length === 0) return null;
    return { turn: s.turns[0], cursor: s.cursor };
  }

  async emitEvent(id, gen, messageId, cursor, event) {
    const frames = await this.emitEvents(id, gen, messageId, cursor, [event]);
    return typeof frames === 'string' ? frames : frames[0];
  }

  async emitEvents(id, gen, messageId, cursor, events) {
    const s = this.#current(id, gen);
    if (typeof s === 'string') return 'stale';
    if (s.control.state === 'person') return 'held'; // a person took over: no AI event after the control event
    if (s.turns[0]?.message_id !== messageId || s.cursor !== cursor) return 'skip';
    const frames = events.map(({ event, data }) => this.#log(s, messageId, event, data));
    s.cursor += frames.length;
    return frames;
  }

  // Numbers and logs one event (the oldest dropped past maxEvents).
  #log(s, replyTo, event, data) {
    s.seq += 1;
    const frame = { type: 'event', seq: s.seq, reply_to: replyTo, event, data };
    s.log.push(frame);
    if (s.log.length > this.limits.maxEvents) {
      const drop = s.log.length - this.limits.maxEvents;
      s.log.splice(0, drop);
      s.firstSeq += drop;
    }
    return frame;
  }

  // An event outside the turn queue (a voice call's live transcript):
  // numbered and logged while the session is held, whatever its generation
  // (the call's connection may just have gone); null when it is not held.
  async appendEvent(id, replyTo, { event, data }) {
    const s = this.#held(id);
    if (!s) return null;
    return this.#log(s, replyTo, event, data);
  }

  async finishTurn(id, gen, messageId) {
    const s = this.#current(id, gen);
    if (typeof s === 'string' || s.turns[0]?.message_id !== messageId) return false;
    s.turns.shift();
    s.cursor = 0;
    return true;
  }

  // --- who controls the conversation (control/transitions.mjs) ---

  #position(id, s) {
    let ahead = 0;
    for (const [other, o] of this.#sessions) {
      if (other !== id && this.#held(other) && o.control.state === 'waiting'
        && (o.control.since < s.control.since || (o.control.since === s.control.since && other < id))) ahead += 1;
    }
    return ahead + 1;
  }

  // Every waiting conversation's place, in one pass and one sort: the
  // console lists them all and each step out of the queue tells every one,
  // so asking #position for each would walk the sessions once per waiting
  // conversation (seconds per console refresh with a few thousand waiting).
  #places() {
    const waiting = [];
    for (const id of [...this.#sessions.keys()]) {
      const s = this.#held(id);
      if (s?.control.state === 'waiting') waiting.push([s.control.since, id]);
    }
    waiting.sort(([a, x], [b, y]) => a - b || (x < y ? -1 : x > y ? 1 : 0));
    return new Map(waiting.map(([, id], i) => [id, i + 1]));
  }

  #controlOf(id, s, places = null) {
    const { state, by, since } = s.control;
    if (state !== 'waiting') return { state, by, since };
    const position = places?.get(id) ?? this.#position(id, s);
    const waitS = waitSeconds(position, perPlaceMs(this.#pickups, this.#now()));
    return { state, by, since, position, ...(waitS ? { wait_s: waitS } : {}) };
  }

  async getControl(id) {
    const s = this.#held(id);
    return s ? this.#controlOf(id, s) : null;
  }

  // One step of the table, and its `control` event in the log, together.
  // `entry` (optional): a staff-log record written in the same step. A step
  // out of the queue moves everyone behind it: each is told its new place.
  async changeControl(id, event, { name = '', entry = null } = {}) {
    const s = this.#held(id);
    if (!s) return { ok: false, code: 'gone' };
    const from = s.control.state;
    const to = TRANSITIONS[from]?.[event];
    if (!to) return { ok: false, code: 'illegal', from };
    const now = this.#now();
    if (from === 'waiting' && to === 'person') {
      this.#pickups.push(pickupRecord(now, now - s.control.since, s.control.place));
      if (this.#pickups.length > MAX_PICKUPS) this.#pickups.shift();
    }
    s.control = { state: to, by: name ? { name } : null, since: now };
    const control = this.#controlOf(id, s);
    if (to === 'waiting') s.control.place = s.control.told = control.position;
    const frame = this.#log(s, 'control', 'control', controlData(to, name, control.position, control.wait_s));
    if (entry) this.#staffEntry(s, entry);
    this.#appended(id);
    if (from === 'waiting') this.#queueMoved();
    return { ok: true, control, frame };
  }

  // Tells each waiting conversation whose place changed its new place (a
  // `control` event that repeats `waiting`: docs/protocol.md).
  #queueMoved() {
    const places = this.#places();
    for (const id of places.keys()) {
      const s = this.#sessions.get(id);
      const control = this.#controlOf(id, s, places);
      if (control.position === s.control.told) continue;
      s.control.told = control.position;
      this.#log(s, 'control', 'control', controlData('waiting', '', control.position, control.wait_s));
      this.#appended(id);
    }
  }

  // The head turn while control is not `ai`: popped, and the shopper's
  // message kept for staff, in one step. 'ai': run it as usual.
  async holdTurn(id, gen, messageId, entry) {
    const s = this.#current(id, gen);
    if (typeof s === 'string') return s;
    if (s.control.state === 'ai') return 'ai';
    if (s.turns[0]?.message_id !== messageId) return 'skip';
    s.turns.shift();
    s.cursor = 0;
    this.#staffEntry(s, entry);
    this.#log(s, messageId, 'held', {}); // the widget settles the message: no agent reply will come
    this.#appended(id);
    return 'held';
  }

  // A staff message as a reply-like start/delta/done, once per messageId.
  async staffReply(id, messageId, print, events, entry) {
    const s = this.#held(id);
    if (!s) return 'gone';
    const known = s.staffIds.get(messageId);
    if (known !== undefined) return known === print ? 'known' : 'conflict';
    if (s.control.state !== 'person') return 'not_in_control';
    s.staffIds.set(messageId, print);
    const frames = events.map(({ event, data }) => this.#log(s, `staff-${messageId}`, event, data));
    this.#staffEntry(s, entry);
    this.#appended(id);
    return frames;
  }

  #staffEntry(s, entry) {
    s.staffLog.push(entry);
    if (s.staffLog.length > MAX_STAFF_ENTRIES) s.staffLog.shift();
  }

  async addStaffEntry(id, entry) {
    const s = this.#held(id);
    if (!s) return false;
    this.#staffEntry(s, entry);
    return true;
  }

  async staffEntries(id) { return this.#held(id)?.staffLog.slice() ?? null; }

  // Conversations waiting for a person (the staff queue's length, /metrics).
  async waitingCount() { return this.#places().size; }

  async listControls() {
    const places = this.#places();
    const out = [];
    for (const id of places.size ? [...this.#sessions.keys()] : this.#sessions.keys()) {
      const s = this.#held(id);
      if (s) out.push({ id, ...this.#controlOf(id, s, places) });
    }
    return out;
  }

  // fn(id) when events were logged outside a turn's pump (a control change,
  // a staff message), so the instance holding the shopper's socket sends them.
  onAppend(fn) { this.#appendListeners.add(fn); return () => this.#appendListeners.delete(fn); }

  #appended(id) { for (const fn of this.#appendListeners) fn(id); }

  // A voice call's counters that must survive a reconnect (voice-call.mjs):
  // kept with the session, at most MAX_VOICE_CALLS per session.
  async saveVoiceCall(id, callId, record) {
    const s = this.#held(id);
    if (!s) return;
    s.voice.delete(callId);
    s.voice.set(callId, { ...record });
    if (s.voice.size > MAX_VOICE_CALLS) s.voice.delete(s.voice.keys().next().value);
  }

  async loadVoiceCall(id, callId) {
    const record = this.#held(id)?.voice.get(callId);
    return record ? { ...record } : null;
  }

  async setVisitor(id, visitor) {
    this.#visitors.delete(id);
    if (visitor === null) return;
    this.#visitors.set(id, visitor);
    if (this.#visitors.size > this.limits.maxSessions) this.#visitors.delete(this.#visitors.keys().next().value);
  }

  async getVisitor(id) { return this.#visitors.get(id) ?? null; }

  // The page context of the conversation's newest accepted turn (page-context.mjs), for staff.
  async setContext(id, context) {
    this.#contexts.delete(id);
    this.#contexts.set(id, context);
    if (this.#contexts.size > this.limits.maxSessions) this.#contexts.delete(this.#contexts.keys().next().value);
  }

  async getContext(id) { return this.#contexts.get(id) ?? null; }

  async addTranscriptTurn(id, shopperText, agentText, cards = [], attachments = []) { this.#transcripts.add(id, shopperText, agentText, cards, attachments); }

  async recentTranscript(id) { return this.#transcripts.recent(id); }

  // --- figures and test controls ---

  async counts() { return { sessions: this.#sessions.size, runs: this.#runs.size, visitors: this.#visitors.size }; }

  async clear() {
    this.#sessions.clear();
    this.#runs.clear();
    this.#visitors.clear();
    this.#transcripts.clear();
    this.#ownership.clear();
    this.#actionNotes.clear();
    this.#attachments.clear();
    this.#presence.clear();
    this.#continue.clear();
    this.#staff.clear();
    this.#pickups = [];
  }

  // Runs, the staff ledger, presence and ownership: their calls are forwarded to the
  // part as they are (part-methods.mjs).
  static {
    forwardToPart(this, (store) => store.#runs, RUN_CALLS);
    forwardToPart(this, (store) => store.#staff, STAFF_LEDGER_CALLS);
    forwardToPart(this, (store) => store.#presence, PRESENCE_CALLS);
    forwardToPart(this, (store) => store.#ownership, OWNERSHIP_CALLS);
    forwardToPart(this, (store) => store.#actionNotes, ACTION_NOTE_CALLS);
    forwardToPart(this, (store) => store.#attachments, ATTACHMENT_CALLS);
  }
}
