// Injected faults (test controls only), two FIFO queues: each POST /api/chat
// takes the next `chat` fault, if any, when it arrives; each WebSocket upgrade
// of /api/session takes the next `session` fault (see session/session-faults.mjs).
//
// Chat actions:
// Actions:
//   {action: 'reset_before_response'}            the request is handled (the agent
//       run starts and is stored), then the socket is destroyed before any
//       response byte: "it reached the server but the answer was lost"
//   {action: 'reset_mid_stream', after_events: N} send N events, then destroy the socket
//   {action: 'status', status: 503, retry_after_s?: 1}  answer that status (with
//       Retry-After when given) without running the agent
//   {action: 'delay_ms', ms: 500}                 wait before handling the request
//   {action: 'agent_text', text: '...'}           if this request starts the run,
//       the agent replies with exactly this text (and no cards)

import { checkSessionFault, upgradeFaultResponse } from './session-faults.mjs';

const PROBE_MS = 30_000; // how long a refused upgrade's status waits for the diagnosis probe

const CHECKS = {
  reset_before_response: () => null,
  reset_mid_stream: (f) => (Number.isInteger(f.after_events) && f.after_events >= 0
    ? null : 'after_events must be an integer >= 0'),
  status: (f) => {
    if (!Number.isInteger(f.status) || f.status < 400 || f.status > 599) return 'status must be 400..599';
    if (f.retry_after_s !== undefined && !(Number.isInteger(f.retry_after_s) && f.retry_after_s >= 0)) {
      return 'retry_after_s must be an integer >= 0';
    }
    return null;
  },
  delay_ms: (f) => (Number.isFinite(f.ms) && f.ms >= 0 && f.ms <= 60_000 ? null : 'ms must be 0..60000'),
  agent_text: (f) => (typeof f.text === 'string' ? null : 'text must be a string'),
};

// Returns null when `fault` is well formed, else why not.
export function checkFault(fault) {
  if (!fault || typeof fault !== 'object') return 'a fault must be an object';
  const check = CHECKS[fault.action];
  if (!check) return `unknown action ${JSON.stringify(fault.action)}`;
  return check(fault);
}

const QUEUES = { chat: checkFault, session: checkSessionFault };

export class FaultQueue {
  #queues = { chat: [], session: [] };
  #probe = null; // { answer, until }: what the next plain GET /api/session gets
  #now;

  constructor({ now = Date.now } = {}) { this.#now = now; }

  // Appends faults from a `{chat?: [...], session?: [...]}` body (at least
  // one list). All or nothing: returns an error string (and queues none)
  // when any fault is malformed.
  add(spec) {
    const lists = spec && typeof spec === 'object' ? Object.keys(QUEUES).filter((k) => k in spec) : [];
    if (lists.length === 0) return 'expected {"chat": [...]} and/or {"session": [...]}';
    for (const name of lists) {
      if (!Array.isArray(spec[name])) return `"${name}" must be a list`;
      for (const [i, fault] of spec[name].entries()) {
        const problem = QUEUES[name](fault);
        if (problem) return `${name}[${i}]: ${problem}`;
      }
    }
    for (const name of lists) this.#queues[name].push(...spec[name].map((f) => ({ ...f })));
    return null;
  }

  takeChat() { return this.#queues.chat.shift() ?? null; }

  takeSession() { return this.#queues.session.shift() ?? null; }

  // What an upgrade answers for a taken session fault, or null when the
  // fault is not an upgrade fault (the session endpoint stays free of
  // test-only code: it reaches the faults through this queue).
  upgradeResponse(fault) { return upgradeFaultResponse(fault); }

  // A refused upgrade's response, kept for the next diagnosis probe.
  rememberProbe(answer) { this.#probe = { answer, until: this.#now() + PROBE_MS }; }

  takeProbe() {
    const probe = this.#probe;
    this.#probe = null;
    return probe && this.#now() < probe.until ? probe.answer : null;
  }

  get pending() { return this.#queues.chat.length + this.#queues.session.length; }

  clear() {
    this.#queues.chat.length = 0;
    this.#queues.session.length = 0;
    this.#probe = null;
  }
}
