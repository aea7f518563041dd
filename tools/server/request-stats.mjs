// Counters the tests read through GET /__natter/stats: requests received
// and agent runs started, per Idempotency-Key.
export class RequestStats {
  requests = new Map();
  agentRuns = new Map();
  totalRequests = 0;

  countRequest(key) {
    this.totalRequests += 1;
    if (key) this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  countAgentRun(key) { this.agentRuns.set(key, (this.agentRuns.get(key) ?? 0) + 1); }

  toJSON() {
    return {
      requests: Object.fromEntries(this.requests),
      agent_runs: Object.fromEntries(this.agentRuns),
      total_requests: this.totalRequests,
    };
  }

  clear() {
    this.requests.clear();
    this.agentRuns.clear();
    this.totalRequests = 0;
  }
}
