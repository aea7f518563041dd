// The gateway's Prometheus metrics (prom-client; docs/operating.md lists
// each with its meaning). One registry per gateway, so several in one
// process (tests) never share counts. Labels are only names from this
// code (error codes, store method names, limit names): never a
// conversation id, a message text or an address.
import { performance } from 'node:perf_hooks';
import client from 'prom-client';

const CODE_PATTERN = /^[a-z_]{1,40}$/;
const MAX_ERROR_CODES = 60; // the gateway answers about 30 codes; more means a bug, folded into "other"
const MAX_PENDING_RUNS = 10_000; // start times of runs not yet finished: bounded like request-stats.mjs

// The per-client bounds a client can run into, by the HTTP error code that answers them.
const LIMIT_BY_CODE = {
  rate_limited: 'http_rate_limited', body_too_large: 'http_body_too_large', too_large: 'http_body_too_large',
  body_timeout: 'http_body_timeout', over_capacity: 'http_over_capacity',
};
// ...by the live session (RequestStats.countLimitHit, session/session-endpoint.mjs)...
const WS_LIMITS = ['ws_connections', 'ws_sockets_per_address', 'ws_slow_reader', 'ws_hello_timeout', 'ws_messages_rate_limited', 'ws_frame_rate'];
// ...and by the voice gateway's totals (voice-gateway.mjs), read at each scrape.
const LIMIT_BY_VOICE_TOTAL = {
  packets_over_rate: 'voice_packets_over_rate', calls_flooded: 'voice_calls_flooded', recognitions_refused: 'voice_recogniser_queue_full',
};
// The record's voice minutes merged rather than written (voice/call-time.mjs), by reason.
const MERGED_BY_VOICE_TOTAL = { voice_time_stretches_merged: 'stretch', voice_time_calls_merged: 'session_rows' };

// `openSessions()` → number of live sessions on this instance;
// `voice` ({calls(), totals()}); `store` (waitingCount()); `instance`.
export function createGatewayMetrics({ instance, openSessions, voice, store, defaults = true }) {
  const registry = new client.Registry();
  // Not `instance`: Prometheus sets that to the scrape target itself.
  registry.setDefaultLabels({ gateway: instance });
  if (defaults) {
    client.collectDefaultMetrics({ register: registry, prefix: 'natter_' });
    // Three of prom-client's defaults are gauges named *_total, which
    // promtool (and Prometheus's naming rules) reject; their per-type
    // siblings (natter_nodejs_active_handles{type}, ...) say the same.
    for (const kind of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`natter_nodejs_active_${kind}_total`);
  }
  const on = { registers: [registry] };

  new client.Gauge({
    ...on, name: 'natter_sessions_live', help: 'Live sessions with a current WebSocket on this instance.',
    collect() { this.set(openSessions()); },
  });
  const messages = new client.Counter({
    ...on, name: 'natter_messages_received_total',
    help: 'Shopper messages received (POST /api/chat and msg frames), retries included.',
  });
  const runsStarted = new client.Counter({ ...on, name: 'natter_agent_runs_started_total', help: 'Agent runs started on this instance.' });
  const runsFinished = new client.Counter({
    ...on, name: 'natter_agent_runs_finished_total', help: 'Agent runs that ended on this instance, by outcome.', labelNames: ['outcome'],
  });
  const runSeconds = new client.Histogram({
    ...on, name: 'natter_agent_run_seconds', help: 'Time from an agent run starting to its reply being complete.',
    labelNames: ['outcome'], buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80],
  });
  const errors = new client.Counter({
    ...on, name: 'natter_http_errors_total', help: 'HTTP error answers ({"error": {"code"}}), by status and code.',
    labelNames: ['status', 'code'],
  });
  const storeSeconds = new client.Histogram({
    ...on, name: 'natter_store_operation_seconds', help: 'Time the store took per operation, by method and result.',
    labelNames: ['op', 'result'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  new client.Gauge({
    ...on, name: 'natter_voice_calls_live', help: 'Voice calls open on this instance.',
    collect() { this.set(voice.calls().filter((c) => c.open).length); },
  });
  new client.Gauge({
    ...on, name: 'natter_staff_queue_length', help: 'Conversations waiting for a person (the whole store, every instance).',
    async collect() {
      try { this.set(await store.waitingCount()); } catch { /* store unreachable: keep the last value; /readyz says why */ }
    },
  });
  const limitsHit = new client.Counter({
    ...on, name: 'natter_limits_hit_total', help: 'Times a client ran into a per-client bound, by bound.', labelNames: ['limit'],
  });
  const voiceTimeMerged = new client.Counter({
    ...on, name: 'natter_voice_time_merged_total', labelNames: ['reason'],
    help: 'Voice call stretches whose time was added to a record row rather than written at their end: stretch (to its call\'s row), session_rows (to another call\'s: the session had its rows).',
  });
  for (const reason of Object.values(MERGED_BY_VOICE_TOTAL)) voiceTimeMerged.inc({ reason }, 0);
  for (const outcome of ['done', 'failed']) runsFinished.inc({ outcome }, 0);
  for (const limit of [...new Set(Object.values(LIMIT_BY_CODE)), ...WS_LIMITS, ...Object.values(LIMIT_BY_VOICE_TOTAL)]) {
    limitsHit.inc({ limit }, 0);
  }

  // The voice totals are reset by the test controls; a counter only grows,
  // so each scrape adds what grew since the last one.
  const lastVoice = {};
  const addGrowth = (totals, names, counter, label) => {
    for (const [name, value] of Object.entries(names)) {
      const now = totals[name] ?? 0;
      const before = lastVoice[name] ?? 0;
      const grew = now >= before ? now - before : now;
      if (grew > 0) counter.inc({ [label]: value }, grew);
      lastVoice[name] = now;
    }
  };
  const voiceCollect = () => {
    const totals = voice.totals();
    addGrowth(totals, LIMIT_BY_VOICE_TOTAL, limitsHit, 'limit');
    addGrowth(totals, MERGED_BY_VOICE_TOTAL, voiceTimeMerged, 'reason');
  };

  const codes = new Set();
  const started = new Map(); // message id -> start time, until the run ends
  return {
    registry,
    contentType: registry.contentType,
    async text() { voiceCollect(); return registry.metrics(); },
    observeStore(op, result, seconds) { storeSeconds.observe({ op, result }, seconds); },
    // res closed: counts the error code sendError (http-util.mjs) put on it.
    countResponse(res) {
      const given = res.natterErrorCode;
      if (!given) return;
      let code = CODE_PATTERN.test(given) ? given : 'other';
      if (!codes.has(code)) { if (codes.size >= MAX_ERROR_CODES) code = 'other'; else codes.add(code); }
      errors.inc({ status: String(res.statusCode), code });
      if (LIMIT_BY_CODE[code]) limitsHit.inc({ limit: LIMIT_BY_CODE[code] });
    },
    // Wraps RequestStats (request-stats.mjs), which both chat paths and the
    // agent runs already report to, so nothing is counted twice in the code.
    instrumentStats(stats) {
      const { countRequest, countAgentRun, countAgentRunEnd, countLimitHit } = stats;
      stats.countRequest = (...args) => { messages.inc(); return countRequest.apply(stats, args); };
      stats.countAgentRun = (key, ...rest) => {
        runsStarted.inc();
        started.delete(key);
        started.set(key, performance.now());
        if (started.size > MAX_PENDING_RUNS) started.delete(started.keys().next().value);
        return countAgentRun.call(stats, key, ...rest);
      };
      stats.countAgentRunEnd = (key, outcome) => {
        runsFinished.inc({ outcome });
        const t0 = started.get(key);
        if (t0 !== undefined) {
          started.delete(key);
          runSeconds.observe({ outcome }, (performance.now() - t0) / 1000);
        }
        return countAgentRunEnd.call(stats, key, outcome);
      };
      stats.countLimitHit = (name) => {
        limitsHit.inc({ limit: WS_LIMITS.includes(name) ? name : 'other' });
        return countLimitHit.call(stats, name);
      };
      return stats;
    },
  };
}
