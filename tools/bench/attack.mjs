// The attack bench (docs/benchmarks.md, "Under attack"; docs/security.md):
// one hostile client at full speed on one vector (attack-client.mjs: voice
// packet flood, continue.offer flood, POST /api/chat flood, sockets that
// never say hello), in its own process, while well-behaved shoppers (the
// Gateway bench's load generator: live sessions speaking the real protocol)
// chat and ping the same gateway instance (its own process, in memory, the
// default per-client bounds). Per vector, runs with and without the attacker
// interleaved (without, with, without, with, ...): the shoppers' ping round
// trip and first-token latency p50 / p99 in each, and the ratio of each
// attacked run to the clean run before it; min and median of those ratios.
// Target: <= 1.5x.
//   node tools/bench/attack.mjs   (after node tools/bundle/build.mjs: the voice
//                                  vector needs build/wasm; NATTER_BENCH_ATTACK_PAIRS=3,
//                                  NATTER_BENCH_ATTACK_SECONDS=4, NATTER_BENCH_ATTACK_SESSIONS=50,
//                                  NATTER_BENCH_ATTACK_VECTORS=voice,offer: only those)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { measureAlone } from './doc-section.mjs';
import { startInstance, startLoad } from './gateway.mjs';
import { median, percentile } from './stats.mjs';

export const ATTACK_HEADING = '## Under attack';
export const VECTORS = [
  ['voice', 'voice packets, seq + 25 each, as fast as the socket takes them'],
  ['offer', 'continue.offer frames as fast as the socket takes them'],
  ['post', 'POST /api/chat, 16 in flight, a new conversation each'],
  ['nohello', 'WebSockets that never say hello, reopened as they close'],
];
const MESSAGE_RATE = 20; // shopper messages per second across the sessions
const PING_EVERY_MS = 100;
const WARMUP_MS = 1000; // the attacker runs this long before the shoppers are measured

const here = (rel) => fileURLToPath(new URL(rel, import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startAttacker(url, vector) {
  const child = fork(here('./attack-client.mjs'), [JSON.stringify({ url, vector })], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await once(child, 'message');
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
}

const figures = (r) => ({
  pingP50: percentile(r.pings, 50), pingP99: percentile(r.pings, 99),
  firstP50: percentile(r.firsts, 50), firstP99: percentile(r.firsts, 99),
  sent: r.sent, answered: r.firsts.length, pings: r.pings.length,
});

async function measureVector(vector, { pairs, seconds, sessions, log }) {
  const instance = await startInstance({ tokenDelayMs: 20, instance: `attack-${vector}`, bounds: {} });
  const load = await startLoad();
  try {
    await load.run('open', { urls: [instance.url], n: sessions, prefix: `attack-${vector}` });
    const shoppers = () => load.run('messages', { rate: MESSAGE_RATE, seconds, pingEveryMs: PING_EVERY_MS });
    await shoppers(); // warm-up, not counted
    const runs = [];
    for (let i = 0; i < pairs; i += 1) {
      const clean = figures(await shoppers());
      const stop = await startAttacker(instance.url, vector);
      await sleep(WARMUP_MS);
      let attacked;
      try { attacked = figures(await shoppers()); } finally { await stop(); }
      await sleep(500); // what the attacker left queued drains before the next clean run
      runs.push({ clean, attacked });
      log(`[bench] attack ${vector} ${i + 1}/${pairs}: ping p50 ${clean.pingP50.toFixed(1)} -> ${attacked.pingP50.toFixed(1)} ms, `
        + `first token p50 ${clean.firstP50.toFixed(1)} -> ${attacked.firstP50.toFixed(1)} ms`);
    }
    return { vector, runs };
  } finally {
    await load.run('close').catch(() => {});
    await load.stop();
    await instance.stop();
  }
}

export async function measureAttack({
  pairs = Number(process.env.NATTER_BENCH_ATTACK_PAIRS ?? 3),
  seconds = Number(process.env.NATTER_BENCH_ATTACK_SECONDS ?? 4),
  sessions = Number(process.env.NATTER_BENCH_ATTACK_SESSIONS ?? 50),
  only = (process.env.NATTER_BENCH_ATTACK_VECTORS ?? '').split(',').filter(Boolean),
  log = console.log,
} = {}) {
  const vectors = [];
  for (const [vector] of VECTORS.filter(([v]) => only.length === 0 || only.includes(v))) vectors.push(await measureVector(vector, { pairs, seconds, sessions, log }));
  return { pairs, seconds, sessions, vectors };
}

const KEYS = [['pingP50', 'ping p50'], ['pingP99', 'ping p99'], ['firstP50', 'first token p50'], ['firstP99', 'first token p99']];

// min and median over the pairs of attacked / clean, per figure.
export function ratios(runs) {
  const out = {};
  for (const [key] of KEYS) {
    const each = runs.map((r) => r.attacked[key] / r.clean[key]);
    out[key] = { min: Math.min(...each), median: median(each), cleanMedian: median(runs.map((r) => r.clean[key])),
      attackedMedian: median(runs.map((r) => r.attacked[key])) };
  }
  return out;
}

const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '—');
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');

export function renderAttackSection(r) {
  const rows = r.vectors.map(({ vector, runs }) => {
    const q = ratios(runs);
    const what = VECTORS.find(([v]) => v === vector)[1];
    const lost = runs.reduce((n, p) => n + (p.attacked.sent - p.attacked.answered), 0);
    return `| ${what} | ${KEYS.map(([k]) => `${ms(q[k].cleanMedian)} → ${ms(q[k].attackedMedian)}: ${x(q[k].min)} / ${x(q[k].median)}`).join(' | ')} | ${lost} |`;
  });
  return `${ATTACK_HEADING}

One hostile client at full speed on each vector (\`tools/bench/attack-client.mjs\`,
its own process) while ${r.sessions} well-behaved shoppers (the Gateway bench's
load generator, real protocol, one process) send ${MESSAGE_RATE} messages a
second between them and 10 of them ping every ${PING_EVERY_MS} ms, against one
gateway instance in memory (its own process, the default per-client bounds,
the agent waiting 20 ms before each token). Per vector, ${r.pairs} pairs of
${r.seconds} s runs, interleaved: without the attacker, then with it (started
${WARMUP_MS} ms before the window). Each cell: the shoppers' median over the
clean runs → over the attacked runs, then min / median over the pairs of
attacked ÷ the clean run just before. Target: ≤ 1.5×. Everything shares this
machine's cores, so the attacker's own CPU is part of what the shoppers feel.

| vector | ping p50 | ping p99 | first token p50 | first token p99 | messages unanswered under attack |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measureAlone('attack.mjs', ATTACK_HEADING, () => measureAttack(), renderAttackSection)
    .catch((err) => { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); });
}
