// The figures behind the test suite's checks, measured in one run and
// written as the "Checks" section of docs/benchmarks.md: seeds per run of
// the seeded simulation (CI and bench), simulated minutes per second, each
// planted bug's catching invariant and seeds-to-catch, and fuzz executions.
//   node tools/bench/checks.mjs   (after a native Release build in
//     build/native and, for the fuzz figures, the fuzz build in build/fuzz;
//     NATTER_BENCH_SIM_SEEDS=10000, NATTER_BENCH_FUZZ_SECONDS=600)
// Also run by run.mjs after it writes the report.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from './doc-section.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHECKS_HEADING = '## Checks';
// What CI runs (tools/run-tests.sh): the Release suite's default seed count,
// the sanitized suite's NATTER_SIM_SEEDS and the fuzz suite's seconds.
const CI = { seeds: 10000, sanitizedSeeds: 1000, fuzzSeconds: 30 };

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

// {seeds, simulatedMinutes, wallSeconds, perSecond, canaries: [{name, invariant, seed}], http}
export function measureSimulation({ seeds }) {
  const bin = path.join(repoRoot, 'build/native/tests/native/natter_tests');
  if (!existsSync(bin)) throw new Error(`${path.relative(repoRoot, bin)} missing: build the native suite first`);
  const r = run(bin, ['--gtest_filter=Simulation/TenThousandSeeded*:Simulation/Canaries.*:SendTriggers.ANewId*'], { NATTER_SIM_SEEDS: String(seeds) });
  if (r.status !== 0) throw new Error(`the simulation failed:\n${r.out.slice(-4000)}`);
  // The seeds run in quarters (one after another here): add them up.
  const quarters = [...r.out.matchAll(/\[sim\] seeds (\d+)\.\.(\d+): (\d+) simulated minutes in ([\d.]+) s/g)];
  if (!quarters.length) throw new Error(`no simulation figures in its output:\n${r.out.slice(-2000)}`);
  const sum = (f) => quarters.reduce((total, q) => total + f(q), 0);
  const sim = [null, sum((q) => Number(q[2]) - Number(q[1]) + 1), sum((q) => Number(q[3])), sum((q) => Number(q[4]))];
  const canaries = [...r.out.matchAll(/\[canary\] (\S+)(?: \(HTTP\))? caught by (?:the )?(\S+?)(?: check)? at seed (\d+)/g)]
    .map(([line, name, invariant, seed]) => ({ name: line.includes('(HTTP)') ? `${name} (HTTP path)` : name, invariant, seed: Number(seed) }));
  return { seeds: Number(sim[1]), simulatedMinutes: Number(sim[2]), wallSeconds: Number(sim[3]),
    perSecond: Number(sim[2]) / Number(sim[3]), canaries };
}

// {seconds, executions, perSecond, coverage} of one libFuzzer run on a scratch corpus.
export function measureFuzz({ seconds }) {
  const bin = path.join(repoRoot, 'build/fuzz/tests/fuzz/frame_decoder_fuzz');
  if (!existsSync(bin)) return { error: `${path.relative(repoRoot, bin)} missing (tools/run-tests.sh builds it)` };
  const corpus = mkdtempSync(path.join(tmpdir(), 'natter-fuzz-'));
  try {
    const r = run(bin, [`-max_total_time=${seconds}`, '-print_final_stats=1', corpus, 'tests/fuzz/corpus']);
    if (r.status !== 0) return { error: `the fuzzer failed: ${r.out.slice(-400)}` };
    const executions = Number(/stat::number_of_executed_units:\s*(\d+)/.exec(r.out)?.[1]);
    const coverage = [...r.out.matchAll(/cov: (\d+) ft: (\d+)/g)].pop();
    return { seconds, executions, perSecond: executions / seconds, coverage: coverage ? { edges: Number(coverage[1]), features: Number(coverage[2]) } : null };
  } finally {
    rmSync(corpus, { recursive: true, force: true });
  }
}

const n = (v) => Math.round(v).toLocaleString('en-GB');

export function renderChecksSection({ sim, fuzz, date }) {
  const fuzzCi = fuzz.error ? `not measured: ${fuzz.error}` : `${n(fuzz.perSecond * CI.fuzzSeconds)} executions (${n(fuzz.perSecond)} per second × ${CI.fuzzSeconds} s)`;
  const fuzzBench = fuzz.error ? `not measured: ${fuzz.error}` : `${n(fuzz.executions)} executions in ${fuzz.seconds} s${fuzz.coverage ? `, ${n(fuzz.coverage.edges)} edges and ${n(fuzz.coverage.features)} features covered` : ''}`;
  return `${CHECKS_HEADING}

Measured by \`node tools/bench/checks.mjs\` on ${date}, every figure from that run.

- Seeded simulation (\`tests/native/simulation_test.cpp\`): ${n(CI.seeds)} seeds per CI run in the
  Release suite and ${n(CI.sanitizedSeeds)} in the sanitized suite; this run: ${n(sim.seeds)} seeds,
  ${n(sim.simulatedMinutes)} simulated minutes in ${sim.wallSeconds.toFixed(1)} s of wall time, so
  **${n(sim.perSecond)} simulated minutes per second** (Release build, one core).
- Fuzzing (\`tests/fuzz/frame_decoder_fuzz.cpp\`): per CI run ${fuzzCi}; this run: ${fuzzBench}.

Planted bugs (\`Canary\` in \`wasm/src/client.hpp\`): the invariant that caught
each first and the first seed that did (the test requires that invariant
within the bound it states).

| canary | caught by | at seed |
|---|---|---:|
${sim.canaries.map((c) => `| \`${c.name}\` | ${c.invariant} | ${c.seed} |`).join('\n')}
`;
}

export function writeChecksSection(section) {
  writeSection(CHECKS_HEADING, section);
}

export function measureAndWriteChecks() {
  const seeds = Number(process.env.NATTER_BENCH_SIM_SEEDS ?? 10000);
  const seconds = Number(process.env.NATTER_BENCH_FUZZ_SECONDS ?? 600);
  console.log(`[bench] checks: ${seeds} simulated seeds, ${seconds} s of fuzzing`);
  const sim = measureSimulation({ seeds });
  const fuzz = measureFuzz({ seconds });
  writeChecksSection(renderChecksSection({ sim, fuzz, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }));
  console.log('[bench] wrote the checks section of docs/benchmarks.md');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try { measureAndWriteChecks(); } catch (err) { console.error(`[bench] failed: ${err.stack ?? err}`); process.exit(1); }
}
