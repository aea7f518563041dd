// Injected faults for /api/chat (test controls only). A FIFO queue: each
// POST /api/chat takes the next fault, if any, when it arrives.
//
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

export class FaultQueue {
  #chat = [];

  // Appends faults from a `{chat: [...]}` body. All or nothing: returns an
  // error string (and queues none) when any fault is malformed.
  add(spec) {
    if (!spec || typeof spec !== 'object' || !Array.isArray(spec.chat)) return 'expected {"chat": [...]}';
    for (const [i, fault] of spec.chat.entries()) {
      const problem = checkFault(fault);
      if (problem) return `chat[${i}]: ${problem}`;
    }
    this.#chat.push(...spec.chat.map((f) => ({ ...f })));
    return null;
  }

  takeChat() { return this.#chat.shift() ?? null; }

  get pending() { return this.#chat.length; }

  clear() { this.#chat.length = 0; }
}
