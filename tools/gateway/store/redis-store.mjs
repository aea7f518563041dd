// The shared store (store/README.md) on Redis, for several gateway
// instances and restarts: NATTER_REDIS_URL. Every check-and-write is one
// Lua script (redis-scripts.mjs). Live notices travel by pub/sub (kicks of
// replaced connections, "this run changed"), which is at-most-once: nothing
// depends on a notice arriving, because every write is fenced in Redis and
// every reader also polls (waitRun's timeout, the heartbeat's touch).
// This file holds the connections, the epoch, the sessions, their logs and
// who controls them; the agent runs (redis-runs.mjs), continue links
// (redis-continue-links.mjs) and presence (redis-presence.mjs) are parts it
// delegates to, sharing its connection, its scripts and its key names
// (redis-keys.mjs).
import { createHash, randomBytes } from 'node:crypto';
import { authRefusal, connectOrRefuse, redisAddress, redisConnection, startDeadline } from './redis-connection.mjs';
import { limitsWith } from './limits.mjs';
import { ACTION_NOTE_CALLS, ATTACHMENT_CALLS, OWNERSHIP_CALLS, PRESENCE_CALLS, RUN_CALLS, STAFF_LEDGER_CALLS, WINDOW_BUDGET_CALLS, forwardToPart } from './part-methods.mjs';
import { MAX_VOICE_CALLS, newResumeToken } from './session-tokens.mjs';
import { SCRIPTS } from './redis-scripts.mjs';
import { CONTINUE_SCRIPTS } from './redis-continue-scripts.mjs';
import { RedisContinueLinks } from './redis-continue-links.mjs';
import { RedisPresence } from './redis-presence.mjs';
import { RedisStaffLedger } from './redis-staff-ledger.mjs';
import { RedisActionNotes } from './redis-action-notes.mjs';
import { ATTACHMENT_SCRIPTS, RedisAttachments } from './redis-attachments.mjs';
import { WINDOW_BUDGET_SCRIPTS, RedisWindowBudgets } from './redis-window-budgets.mjs';
import { RedisOwnership } from './redis-ownership.mjs';
import { RedisRuns } from './redis-runs.mjs';
import { EPOCH_KEY, KICK_CHANNEL, LOG_CHANNEL, PICKUPS_KEY, WAITING_KEY, sessionKeys, staffKeys } from './redis-keys.mjs';
import { MAX_PICKUPS, perPlaceMs, waitSeconds } from '../control/wait-estimate.mjs';
import { MAX_ENTRIES, transcriptEntries } from '../agents/transcripts.mjs';
import { MAX_STAFF_ENTRIES, TRANSITIONS } from '../control/transitions.mjs';

const TRANSITIONS_JSON = JSON.stringify(TRANSITIONS);
const EPOCH_CHECK_MS = 1000;
const START_TIMEOUT_MS = 30000; // NATTER_REDIS_START_TIMEOUT_MS's default
const STREAMING = new Set(['APPEND_RUN', 'RENEW_RUN', 'END_RUN', 'READ_RUN', 'EMIT']);

export class RedisStore {
  kind = 'redis';
  epoch = '';
  #client;
  #stream; // a second connection for the reply streams, so a burst of events never queues a hello or an ack behind it
  #sub;
  #shas = new Map();
  #kickers = new Set();
  #epochListeners = new Set();
  #appendListeners = new Set();
  #runs; // redis-runs.mjs
  #continue; // redis-continue-links.mjs
  #presence; // redis-presence.mjs
  #staff; // redis-staff-ledger.mjs
  #actionNotes; // redis-action-notes.mjs
  #attachments; // redis-attachments.mjs
  #ownership; // redis-ownership.mjs
  #budgets; // redis-window-budgets.mjs
  #epochTimer = null;
  #epochCheckMs;
  #log;
  #sentinel;
  #started = false;
  #startTimeoutMs;
  #address;

  // epochCheckMs: how often the epoch is polled (tests stretch it to stand
  // for an instance whose check has not fired yet).
  // sentinel: {name, nodes} instead of url (redis-connection.mjs).
  // startTimeoutMs: how long start() waits for Redis (NATTER_REDIS_START_TIMEOUT_MS).
  constructor({ url, sentinel = null, limits = {}, log = () => {}, epochCheckMs = EPOCH_CHECK_MS, startTimeoutMs = START_TIMEOUT_MS } = {}) {
    this.limits = limitsWith(limits);
    this.#startTimeoutMs = startTimeoutMs;
    this.#address = redisAddress({ url, sentinel });
    this.#log = log;
    this.#epochCheckMs = epochCheckMs;
    this.#client = redisConnection({ url, sentinel });
    this.#stream = redisConnection({ url, sentinel });
    this.#sub = redisConnection({ url, sentinel });
    this.#sentinel = sentinel;
    // A refused password is the start's one error line (connectOrRefuse), not a log line per retry.
    // While starting, one line for the first failure to reach Redis, not one per retry.
    let told = false;
    const quiet = (e) => !this.#started && (authRefusal(e, { sentinel }) || told);
    for (const c of [this.#client, this.#stream, this.#sub]) {
      c.on('error', (e) => {
        if (quiet(e)) return;
        const starting = !this.#started ? ` (starting: retrying for up to ${this.#startTimeoutMs / 1000} s)` : '';
        told = !this.#started;
        this.#log(`[store] redis: ${e?.message ?? e}${starting}`);
      });
    }
    const part = { client: this.#client, run: (name, keys, args) => this.#run(name, keys, args), limits: this.limits };
    this.#runs = new RedisRuns(part);
    this.#continue = new RedisContinueLinks(part);
    this.#presence = new RedisPresence(part);
    this.#staff = new RedisStaffLedger(part);
    this.#ownership = new RedisOwnership(part);
    this.#actionNotes = new RedisActionNotes(part);
    this.#attachments = new RedisAttachments(part);
    this.#budgets = new RedisWindowBudgets(part);
  }

  async start() {
    const deadline = startDeadline(this.#startTimeoutMs, this.#address);
    const connected = (async () => {
      for (const c of [this.#client, this.#stream, this.#sub]) await connectOrRefuse(c, { sentinel: this.#sentinel });
    })();
    connected.catch(() => {}); // settles after a deadline's destroy, or never: the race below has answered
    try {
      await Promise.race([connected, deadline.expired]);
    } catch (error) {
      for (const c of [this.#client, this.#stream, this.#sub]) { try { c.destroy(); } catch { /* never connected */ } }
      throw error;
    } finally {
      deadline.clear();
    }
    this.#started = true;
    for (const [name, text] of Object.entries({ ...SCRIPTS, ...CONTINUE_SCRIPTS, ...ATTACHMENT_SCRIPTS, ...WINDOW_BUDGET_SCRIPTS })) {
      this.#shas.set(name, { text, sha: createHash('sha1').update(text).digest('hex') });
    }
    await this.#sub.subscribe(KICK_CHANNEL, (message) => {
      try {
        const { id, gen, reason } = JSON.parse(message);
        for (const fn of this.#kickers) fn(id, gen, reason);
      } catch { /* not ours */ }
    });
    await this.#runs.subscribe(this.#sub);
    await this.#sub.subscribe(LOG_CHANNEL, (id) => { for (const fn of this.#appendListeners) fn(id); });
    await this.#presence.subscribe(this.#sub);
    this.epoch = await this.#currentEpoch();
    this.#epochTimer = setInterval(() => this.#checkEpoch(), this.#epochCheckMs);
    this.#epochTimer.unref();
    return this;
  }

  // Readiness (ops/health.mjs): fails at once while Redis is unreachable (no offline queue).
  async ping() { return this.#client.ping(); }

  // Conversations waiting for a person (the staff queue's length, /metrics).
  async waitingCount() { return this.#client.zCard(WAITING_KEY); }

  async close() {
    clearInterval(this.#epochTimer);
    this.#runs.wakeAll();
    await Promise.allSettled([this.#client, this.#stream, this.#sub].map((c) => (c.close ? c.close() : c.quit())));
  }

  // The epoch key, minted when missing (first start, or Redis lost its data).
  async #currentEpoch() {
    await this.#client.set(EPOCH_KEY, this.#candidateEpoch(), { NX: true });
    return this.#client.get(EPOCH_KEY);
  }

  #candidateEpoch() { return randomBytes(6).toString('base64url'); }

  async #checkEpoch() {
    let now;
    try { now = await this.#currentEpoch(); } catch { return; } // unreachable: try again next tick
    this.#sawEpoch(now);
  }

  // Every epoch Redis reports (the timer's, and each hello's own, read in the
  // same script that stamps or checks the session) is compared here, so a
  // hello on an instance whose timer has not fired yet still learns of a
  // data loss before its session is written.
  #sawEpoch(now) {
    if (!now || now === this.epoch) return;
    this.#log(`[store] epoch changed ${this.epoch} -> ${now}: Redis lost its data`);
    this.epoch = now;
    for (const fn of this.#epochListeners) fn(now);
  }

  // fn(epoch) when the store's data was lost: connections attached under an
  // older epoch must start fresh. createSession/resumeSession return the
  // epoch each session was attached under.
  onEpochChange(fn) { this.#epochListeners.add(fn); }

  async #run(name, keys, args) {
    const { text, sha } = this.#shas.get(name);
    const client = STREAMING.has(name) ? this.#stream : this.#client;
    const argv = args.map(String);
    try {
      return await client.sendCommand(['EVALSHA', sha, String(keys.length), ...keys, ...argv]);
    } catch (error) {
      if (!String(error?.message).startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', text, String(keys.length), ...keys, ...argv]);
    }
  }

  // --- sessions ---

  #liveTtl() { return 2 * this.limits.resumeWindowMs; }

  async createSession(id, { tabId = '', instance = '', ifAbsent = false } = {}) {
    const reply = JSON.parse(await this.#run('CREATE', [...sessionKeys(id), EPOCH_KEY],
      [id, tabId, instance, newResumeToken(), this.#candidateEpoch(), this.#liveTtl(), this.limits.maxSessions, ifAbsent ? 1 : 0]));
    if (reply.full) return { full: true };
    if (reply.held) return { held: true };
    this.#sawEpoch(reply.epoch);
    await this.#client.zRem(WAITING_KEY, id); // a fresh session starts with the AI (CREATE dropped its control)
    return {
      token: reply.token, gen: reply.gen, seq: 0, acked: [], prev: reply.prev || null, line: 'first', revoked: false,
      epoch: reply.epoch,
    };
  }

  async resumeSession(id, token, { tabId = '', instance = '', rotate = false, revoke = false } = {}) {
    const reply = JSON.parse(await this.#run('RESUME', [...sessionKeys(id), EPOCH_KEY],
      [id, tabId, instance, token, this.#candidateEpoch(), this.#liveTtl(), rotate ? 1 : 0, newResumeToken(), revoke ? 1 : 0]));
    this.#sawEpoch(reply.epoch);
    if (reply.token === undefined) return null; // unknown, unproven, or from before a data loss
    return {
      token: reply.token, gen: reply.gen, seq: reply.seq, acked: Array.isArray(reply.acked) ? reply.acked : [],
      prev: reply.prev || null, line: reply.line, revoked: reply.revoked === true, epoch: reply.epoch,
    };
  }

  // --- continue on another device (redis-continue-links.mjs) ---

  async mintContinue(id, link) { return this.#continue.mintContinue(id, link); }
  async redeemContinue(proof) { return this.#continue.redeemContinue(proof); }
  async takeContinueAttempt(key, max, windowMs) { return this.#continue.takeContinueAttempt(key, max, windowMs); }
  async refundContinueAttempt(key) { return this.#continue.refundContinueAttempt(key); }

  onKick(fn) { this.#kickers.add(fn); return () => this.#kickers.delete(fn); }

  async kick(id, gen, reason) {
    await this.#client.publish(KICK_CHANNEL, JSON.stringify({ id, gen, reason }));
  }

  async touchSession(id, gen) {
    return this.#run('TOUCH', sessionKeys(id), [id, gen, this.#liveTtl(), 1]);
  }

  async detachSession(id, gen) {
    await this.#run('TOUCH', sessionKeys(id), [id, gen, this.limits.resumeWindowMs, 0]);
  }

  async eventsAfter(id, seq) {
    const list = await this.#run('EVENTS_AFTER', sessionKeys(id).slice(0, 2), [seq]);
    return list === null ? null : list.map((text) => JSON.parse(text));
  }

  async acceptMsg(id, gen, turn, print) {
    return this.#run('ACCEPT', sessionKeys(id).slice(0, 5),
      [gen, turn.message_id, print, JSON.stringify(turn), this.limits.maxTurns, this.limits.maxAcked]);
  }

  async headTurn(id) {
    const [s, , , , t] = sessionKeys(id);
    const reply = await this.#run('HEAD_TURN', [s, t], []);
    return reply === null ? null : { turn: JSON.parse(reply[0]), cursor: Number(reply[1]) };
  }

  async emitEvent(id, gen, messageId, cursor, event) {
    const frames = await this.emitEvents(id, gen, messageId, cursor, [event]);
    return typeof frames === 'string' ? frames : frames[0];
  }

  async emitEvents(id, gen, messageId, cursor, events) {
    const tails = events.map(({ event, data }) => JSON.stringify({ reply_to: messageId, event, data }).slice(1));
    const reply = await this.#run('EMIT', sessionKeys(id).slice(0, 5), [gen, messageId, cursor, this.limits.maxEvents, ...tails]);
    return typeof reply === 'string' ? reply : reply.map((frame) => JSON.parse(frame)); // 'stale' | 'skip' | 'held'
  }

  async appendEvent(id, replyTo, { event, data }) {
    const tail = JSON.stringify({ reply_to: replyTo, event, data }).slice(1);
    const [s, l] = sessionKeys(id);
    const reply = await this.#run('APPEND_EVENT', [s, l], [tail, this.limits.maxEvents]);
    return reply === 'gone' ? null : JSON.parse(reply);
  }

  // --- who controls the conversation (control/transitions.mjs) ---

  async getControl(id) {
    const [s] = sessionKeys(id);
    const [exists, [ctl, by, at]] = await Promise.all([
      this.#client.exists(s), this.#client.hmGet(s, ['ctl', 'ctlby', 'ctlat'])]);
    if (!exists) return null;
    return this.#control(id, ctl, by, at);
  }

  async #control(id, ctl, by, at) {
    const state = ctl ?? 'ai';
    const control = { state, by: by ? { name: by } : null, since: Number(at ?? 0) };
    if (state === 'waiting') {
      const [rank, perPlace] = await Promise.all([this.#client.zRank(WAITING_KEY, id), this.#perPlaceMs()]);
      control.position = (rank ?? 0) + 1;
      const waitS = waitSeconds(control.position, perPlace);
      if (waitS) control.wait_s = waitS;
    }
    return control;
  }

  // The median time one place in the queue took lately (wait-estimate.mjs).
  // The pickups' `at` is Redis's clock; an instance's clock a few seconds off
  // does not matter against a window of hours.
  async #perPlaceMs() {
    const list = await this.#client.lRange(PICKUPS_KEY, 0, MAX_PICKUPS - 1);
    const pickups = list.map((text) => { try { return JSON.parse(text); } catch { return null; } }).filter(Boolean);
    return perPlaceMs(pickups, Date.now());
  }

  async changeControl(id, event, { name = '', entry = null } = {}) {
    const [s, l] = sessionKeys(id);
    const perPlace = event === 'request' ? await this.#perPlaceMs() : 0;
    const reply = JSON.parse(await this.#run('CONTROL', [s, l, WAITING_KEY, staffKeys(id)[0], PICKUPS_KEY],
      [id, event, name, TRANSITIONS_JSON, this.limits.maxEvents, entry ? JSON.stringify(entry) : '', MAX_STAFF_ENTRIES,
        perPlace, MAX_PICKUPS]));
    if (!reply.ok) return { ok: false, code: reply.code, ...(reply.from ? { from: reply.from } : {}) };
    const frame = JSON.parse(reply.frame);
    const control = { state: frame.data.state, by: name ? { name } : null, since: reply.since };
    if (reply.position) control.position = reply.position;
    if (reply.wait_s) control.wait_s = reply.wait_s;
    await this.#client.publish(LOG_CHANNEL, id);
    if (reply.from === 'waiting') await this.#queueMoved();
    return { ok: true, control, frame };
  }

  // A step out of the queue moves everyone behind it: each conversation still
  // waiting is told its new place (QUEUE_PLACE checks and writes in one step).
  async #queueMoved() {
    const [waiting, perPlace] = await Promise.all([this.#client.zRange(WAITING_KEY, 0, -1), this.#perPlaceMs()]);
    for (const other of waiting) {
      const [s, l] = sessionKeys(other);
      const told = await this.#run('QUEUE_PLACE', [s, l, WAITING_KEY], [other, perPlace, this.limits.maxEvents]);
      if (told) await this.#client.publish(LOG_CHANNEL, other);
    }
  }

  async holdTurn(id, gen, messageId, entry) {
    return this.#run('HOLD_TURN', [...sessionKeys(id).slice(0, 5), staffKeys(id)[0]],
      [gen, messageId, JSON.stringify(entry), MAX_STAFF_ENTRIES, this.limits.maxEvents])
      .then(async (verdict) => {
        if (verdict === 'held') await this.#client.publish(LOG_CHANNEL, id); // the `held` event is in the log
        return verdict;
      });
  }

  async staffReply(id, messageId, print, events, entry) {
    const [s, l] = sessionKeys(id);
    const [sl, si] = staffKeys(id);
    const reply = await this.#run('STAFF_REPLY', [s, l, si, sl], [
      messageId, print, this.limits.maxEvents, JSON.stringify(entry), MAX_STAFF_ENTRIES, `staff-${messageId}`,
      ...events.flatMap(({ event, data }) => [event, JSON.stringify(data)])]);
    if (typeof reply === 'string') return reply;
    await this.#client.publish(LOG_CHANNEL, id);
    return reply.map((frame) => JSON.parse(frame));
  }

  async addStaffEntry(id, entry) {
    return (await this.#run('STAFF_ENTRY', [sessionKeys(id)[0], staffKeys(id)[0]],
      [JSON.stringify(entry), MAX_STAFF_ENTRIES])) === 1;
  }

  async staffEntries(id) {
    if (!(await this.#client.exists(sessionKeys(id)[0]))) return null;
    return (await this.#client.lRange(staffKeys(id)[0], 0, -1)).map((text) => JSON.parse(text));
  }

  // Every held session (nt:sessions), with who controls it.
  async listControls() {
    const ids = await this.#client.zRangeByScore('nt:sessions', Date.now(), '+inf');
    const out = [];
    for (const id of ids) {
      const [exists, [ctl, by, at]] = await Promise.all([
        this.#client.exists(sessionKeys(id)[0]), this.#client.hmGet(sessionKeys(id)[0], ['ctl', 'ctlby', 'ctlat'])]);
      if (exists) out.push({ id, ...(await this.#control(id, ctl, by, at)) });
    }
    return out;
  }

  onAppend(fn) { this.#appendListeners.add(fn); return () => this.#appendListeners.delete(fn); }

  async finishTurn(id, gen, messageId) {
    const [s, , , , t] = sessionKeys(id);
    return (await this.#run('FINISH_TURN', [s, t], [gen, messageId])) === 1;
  }

  async saveVoiceCall(id, callId, record) {
    const keys = sessionKeys(id);
    await this.#run('SAVE_VOICE', [keys[0], keys[6], keys[7]], [callId, JSON.stringify(record), MAX_VOICE_CALLS]);
  }

  async loadVoiceCall(id, callId) {
    const text = await this.#client.hGet(sessionKeys(id)[6], callId);
    return text == null ? null : JSON.parse(text);
  }

  async setVisitor(id, visitor) {
    const key = `nt:{${id}}:visitor`;
    if (visitor === null) await this.#client.del(key);
    else await this.#client.set(key, JSON.stringify(visitor), { PX: this.limits.runTtlMs });
  }

  async getVisitor(id) {
    const text = await this.#client.get(`nt:{${id}}:visitor`);
    return text === null ? null : JSON.parse(text);
  }

  // The page context of the conversation's newest accepted turn, for staff.
  async setContext(id, context) {
    await this.#client.set(`nt:{${id}}:context`, JSON.stringify(context), { PX: this.limits.runTtlMs });
  }

  async getContext(id) {
    const text = await this.#client.get(`nt:{${id}}:context`);
    return text === null ? null : JSON.parse(text);
  }

  // A list per conversation, trimmed to its last MAX_ENTRIES entries in the
  // same transaction, kept as long as an idempotency record. The
  // conversation's key (redis-ownership.mjs) lives as long: a live session's
  // turns keep it, not only its POSTs and hellos.
  async addTranscriptTurn(id, shopperText, agentText, cards = [], attachments = []) {
    const key = `nt:{${id}}:transcript`;
    await this.#client.multi()
      .rPush(key, transcriptEntries(shopperText, agentText, cards, attachments).map((e) => JSON.stringify(e)))
      .lTrim(key, -MAX_ENTRIES, -1)
      .pExpire(key, this.limits.runTtlMs)
      .pExpire(`nt:{${id}}:ckey`, this.limits.runTtlMs)
      .exec();
  }

  async recentTranscript(id) {
    return (await this.#client.lRange(`nt:{${id}}:transcript`, 0, -1)).map((text) => JSON.parse(text));
  }

  // --- figures and test controls ---

  async counts() {
    const [sessions, runs] = await Promise.all([this.#client.zCard('nt:sessions'), this.#client.zCard('nt:runs')]);
    return { sessions, runs };
  }

  // Test controls only: forgets everything this store wrote (one database).
  async clear() {
    await this.#client.flushDb();
    this.epoch = await this.#currentEpoch();
  }

  // Runs, the staff ledger and presence: their calls are forwarded to the
  // part as they are (part-methods.mjs).
  static {
    forwardToPart(this, (store) => store.#runs, RUN_CALLS);
    forwardToPart(this, (store) => store.#staff, STAFF_LEDGER_CALLS);
    forwardToPart(this, (store) => store.#ownership, OWNERSHIP_CALLS);
    forwardToPart(this, (store) => store.#actionNotes, ACTION_NOTE_CALLS);
    forwardToPart(this, (store) => store.#attachments, ATTACHMENT_CALLS);
    forwardToPart(this, (store) => store.#budgets, WINDOW_BUDGET_CALLS);
    forwardToPart(this, (store) => store.#presence, PRESENCE_CALLS);
  }
}
