// Counters the tests read through GET /__natter/stats: requests received
// and agent runs started, per message id (Idempotency-Key over HTTP, a `msg`
// frame over the live session: both count as requests), and live-session
// replacements. `openConnections()` is asked for the live figure
// `ws_connections_open` ({session_id: 1} per session with a current connection),
// `voiceTotals()` for `voice` (the voice gateway's counters, voice-gateway.mjs).
export class RequestStats {
  requests = new Map();
  agentRuns = new Map();
  totalRequests = 0;
  replacements = 0;

  constructor({ openConnections = () => ({}), voiceTotals = () => ({}) } = {}) {
    this.openConnections = openConnections;
    this.voiceTotals = voiceTotals;
  }

  countRequest(key) {
    this.totalRequests += 1;
    if (key) this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  countAgentRun(key) { this.agentRuns.set(key, (this.agentRuns.get(key) ?? 0) + 1); }

  countReplacement() { this.replacements += 1; }

  toJSON() {
    return {
      requests: Object.fromEntries(this.requests),
      agent_runs: Object.fromEntries(this.agentRuns),
      total_requests: this.totalRequests,
      ws_connections_open: this.openConnections(),
      replacements: this.replacements,
      voice: this.voiceTotals(),
    };
  }

  clear() {
    this.requests.clear();
    this.agentRuns.clear();
    this.totalRequests = 0;
    this.replacements = 0;
  }
}
