// The "Gateway" section of docs/benchmarks.md, from measureGateway()
// (gateway.mjs).
export const GATEWAY_HEADING = '## Gateway';

const kib = (bytes) => (bytes === null ? '—' : `${(bytes / 1024).toFixed(1)} KiB`);
const ms = (value) => (value === undefined || Number.isNaN(value) ? '—' : `${value.toFixed(1)} ms`);
const label = (row) => `${row.store === 'memory' ? 'in memory' : 'Redis'}, ${row.instances} instance${row.instances > 1 ? 's' : ''}`;

export function renderGatewaySection(gateway) {
  const { rows, failover, idleSeconds, rate, messageSeconds } = gateway;
  const base = (row) => rows.find((r) => r.store === 'memory' && r.instances === 1 && r.sessions === row.sessions);
  const ratio = (row, pick) => {
    const b = pick(base(row));
    return b > 0 ? `${(pick(row) / b).toFixed(2)}×` : '—';
  };
  const lines = rows.map((row) => `| ${label(row)} | ${row.sessions} | ${row.live} | ${kib(row.gatewayBytesPerSession)} | ${kib(row.redisBytesPerSession)} | `
    + `${row.idleCpuMsPer1kPerMin.toFixed(0)} ms | ${ms(row.messages.ack.p50)} / ${ms(row.messages.ack.p99)} | `
    + `${ms(row.messages.first.p50)} / ${ms(row.messages.first.p99)} | ${ratio(row, (r) => r.messages.first.p50)} |`);
  return `${GATEWAY_HEADING}

The reference gateway (\`tools/gateway/\`) under many live sessions
(\`tools/bench/gateway.mjs\`). Each gateway instance and the load generator
(\`gateway-load.mjs\`: ws clients speaking the real protocol, a ping per
session every 15 s) run in their own processes, with a redis-server of
their own (loopback, no persistence) for the Redis rows. Per row: the
sessions open and go live; memory per session is the instances' RSS after a
full GC (and Redis's \`used_memory\`) minus the same before, divided by the
sessions; idle CPU is the instances' user + system CPU over ${idleSeconds} s of
heartbeats only, per 1,000 sessions per minute; then ${rate} messages per
second for ${messageSeconds} s across the sessions (each to a session with no reply
in progress): ack and first-token latency p50 / p99 from the load
generator's clock. The agent waits 20 ms before each token (as \`npm
start\`), so first-token latency includes that 20 ms. Ratio: first-token p50
against in memory, 1 instance, same session count, same run.

**Bound by the machine:** the load generator, the instances, Redis and (for
two instances) both gateways share this machine's cores, so the latency
figures include queueing behind the load generator's own work; they are
upper bounds for the gateway, and the idle CPU figures are the gateway's
alone.

| store | sessions | live | gateway memory / session | Redis memory / session | idle CPU per 1k sessions per min | ack p50 / p99 | first token p50 / p99 | first token vs memory |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}

**Failover:** two instances on Redis with ${failover.sessions * 2} sessions split
between them; one is killed with SIGKILL and its ${failover.sessions} sessions reconnect to
the other (each after a random 0–1.2 s, as the widget's first attempt, and
resume). 99 % of them were live again ${failover.ms === null ? 'not within 60 s' : `after ${(failover.ms / 1000).toFixed(2)} s`}.
`;
}
