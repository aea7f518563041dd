// Counters the tests read through GET /__natter/stats: requests received
// and agent runs started, per message id and per conversation (Idempotency-Key over HTTP, a `msg`
// frame over the live session: both count as requests), and live-session
// replacements. `openConnections()` is asked for the live figure
// `ws_connections_open` ({session_id: 1} per session with a current connection),
// `voiceTotals()` for `voice` (the voice gateway's counters, voice-gateway.mjs).
// Per-key counters keep the `maxKeys` most recently counted keys (older
// ones are forgotten), so a long-running server's counters stay bounded.
export const MAX_COUNTED_KEYS = 10_000;

function bump(map, key, maxKeys) {
  const n = (map.get(key) ?? 0) + 1;
  map.delete(key);
  map.set(key, n);
  if (map.size > maxKeys) map.delete(map.keys().next().value);
}

export class RequestStats {
  requests = new Map();
  agentRuns = new Map();
  runsByConversation = new Map(); // conversation id -> agent runs started for it
  totalRequests = 0;
  replacements = 0;
  runsEnded = {};
  limitsHit = {};

  constructor({ openConnections = () => ({}), voiceTotals = () => ({}), maxKeys = MAX_COUNTED_KEYS } = {}) {
    this.openConnections = openConnections;
    this.voiceTotals = voiceTotals;
    this.maxKeys = maxKeys;
  }

  countRequest(key) {
    this.totalRequests += 1;
    if (key) bump(this.requests, key, this.maxKeys);
  }

  countAgentRun(key, conversationId) {
    bump(this.agentRuns, key, this.maxKeys);
    if (conversationId) bump(this.runsByConversation, conversationId, this.maxKeys);
  }

  countReplacement() { this.replacements += 1; }

  // A client ran into a per-client bound the live session enforces (its
  // name, e.g. 'ws_sockets_per_address'); /metrics counts them by name.
  countLimitHit(name) { this.limitsHit[name] = (this.limitsHit[name] ?? 0) + 1; }

  // An agent run ended ('done' or 'failed'); /metrics times runs from
  // countAgentRun to here (ops/metrics.mjs).
  countAgentRunEnd(key, outcome) { this.runsEnded[outcome] = (this.runsEnded[outcome] ?? 0) + 1; }

  toJSON() {
    return {
      requests: Object.fromEntries(this.requests),
      agent_runs: Object.fromEntries(this.agentRuns),
      agent_runs_by_conversation: Object.fromEntries(this.runsByConversation),
      total_requests: this.totalRequests,
      ws_connections_open: this.openConnections(),
      replacements: this.replacements,
      voice: this.voiceTotals(),
    };
  }

  clear() {
    this.requests.clear();
    this.agentRuns.clear();
    this.runsByConversation.clear();
    this.totalRequests = 0;
    this.replacements = 0;
    this.runsEnded = {};
    this.limitsHit = {};
  }
}
