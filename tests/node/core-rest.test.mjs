// The core in two parts (tools/bundle/split-core.mjs, shim/core-api.js): a
// first part that holds only what a first chat calls must answer every
// recorded story byte for byte as the whole core does, with the rest
// loaded only when a call first needs it, and a call that needs it before
// then must leave nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { coreWasmPath, repoRoot } from './load-core.mjs';
import { CoreRestPending, SPLIT_CORE_IMPORTS, initCore, natterCoreClass } from '../../shim/core-api.js';
import { FIRST_CHAT_DIR, firstChatRecordings, splitCore, runFirstChats } from '../../tools/bundle/split-core.mjs';
import { createHeadlessClient } from '../../shim/headless.js';
import { startServer } from '../../tools/gateway/server.mjs';
import { CONTROL_HEADER } from '../../tools/gateway/testing/control-guard.mjs';

// The build's two splits of the one core (tools/bundle/build.mjs): by the
// HTTP first chats alone (core_wasm, core_rest_wasm) and by every recording
// (core_session_wasm, core_session_rest_wasm).
const whole = readFileSync(coreWasmPath);
const PAIRS = Object.fromEntries([
  ['http', splitCore(whole, { recordings: firstChatRecordings(FIRST_CHAT_DIR, 'http') })],
  ['session', splitCore(whole)],
].map(([name, split]) => [name, { split, first: new WebAssembly.Module(split.first), rest: new WebAssembly.Module(split.rest) }]));
const { split, first: firstModule, rest: restModule } = PAIRS.session;
const silent = { warn() {}, error() {} };

// A first part's instance (the session pair's unless `pair` says) whose rest
// loads when asked (counted), after `failures` failed attempts (rejections).
function startSplit({ failures = 0, console = silent, pair = 'session' } = {}) {
  const loads = { asked: 0, failed: 0 };
  const instance = new WebAssembly.Instance(PAIRS[pair].first, SPLIT_CORE_IMPORTS);
  const wasm = initCore(instance, {
    load: async (imports) => {
      loads.asked++;
      if (loads.failed < failures) {
        loads.failed++;
        throw new Error('HTTP 503');
      }
      return new WebAssembly.Instance(PAIRS[pair].rest, imports);
    },
    setTimeout: (fn) => setTimeout(fn, 0),
    console,
  });
  return { wasm, loads, NatterCore: natterCoreClass(wasm) };
}

// Calls fn() until it no longer throws CoreRestPending; counts the misses.
async function settled(fn, misses) {
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof CoreRestPending)) throw err;
      misses.count++;
      await err.ready;
    }
  }
}

const dir = path.join(repoRoot, 'tests/transcripts');
const scenarios = readdirSync(path.join(dir, 'scenarios')).filter((f) => f.endsWith('.json'));

test('the first part imports the two calls out of the core and the placeholders; the rest only the first part', () => {
  assert.ok(split.firstFunctions > 0 && split.restFunctions > 0, JSON.stringify(split));
  const imports = (module) => WebAssembly.Module.imports(module);
  assert.deepEqual(imports(firstModule).filter((i) => i.module !== 'p').map((i) => `${i.module}.${i.name}`).sort(),
    ['env.emscripten_notify_memory_growth', 'wasi_snapshot_preview1.proc_exit']);
  assert.ok(imports(firstModule).some((i) => i.module === 'p'), 'placeholders for the rest');
  assert.deepEqual([...new Set(imports(restModule).map((i) => i.module))], ['a']);
});

for (const [pair, file] of Object.keys(PAIRS).flatMap((p) => scenarios.map((f) => [p, f]))) {
  test(`the core in two parts (${pair} split) replays ${file} exactly as the whole core recorded it`, async () => {
    const scenario = JSON.parse(readFileSync(path.join(dir, 'scenarios', file), 'utf8'));
    const expected = readFileSync(path.join(dir, 'expected', file.replace(/\.json$/, '.jsonl')), 'utf8');
    const { NatterCore, loads } = startSplit({ pair });
    const misses = { count: 0 };
    const core = await settled(() => new NatterCore(JSON.stringify(scenario.config)), misses);
    let out = '';
    for (const step of scenario.steps) {
      const effects = await settled(() => core.handle(JSON.stringify(step.event), step.now), misses);
      out += `{"deadline":${await settled(() => core.nextDeadline(), misses)},"effects":${effects}}\n`;
    }
    assert.equal(out, expected);
    assert.ok(loads.asked <= 1, 'the rest is downloaded once at most');
    assert.equal(loads.asked, misses.count ? 1 : 0);
  });
}

test('a story that needs the rest misses once and finds it in after', async () => {
  // The voice story calls code no first chat calls.
  const scenario = JSON.parse(readFileSync(path.join(dir, 'scenarios', 'voice_transcript.json'), 'utf8'));
  const { NatterCore } = startSplit();
  const misses = { count: 0 };
  const core = await settled(() => new NatterCore(JSON.stringify(scenario.config)), misses);
  for (const step of scenario.steps) await settled(() => core.handle(JSON.stringify(step.event), step.now), misses);
  assert.equal(misses.count, 1);
});

test('a call undone for the rest leaves the module as it found it', () => {
  const scenario = JSON.parse(readFileSync(path.join(dir, 'scenarios', 'voice_transcript.json'), 'utf8'));
  const { wasm, NatterCore } = startSplit();
  const core = new NatterCore(JSON.stringify(scenario.config));
  const live = () => {
    const [, low, high, top] = new Uint32Array(wasm.memory.buffer, wasm.natter_core_live_memory(), 4);
    const bytes = new Uint8Array(wasm.memory.buffer);
    return { data: Buffer.from(bytes.slice(0, low)), heap: Buffer.from(bytes.slice(high, top)), stack: wasm.stackSave() };
  };
  let undone = 0;
  for (const step of scenario.steps) {
    const before = live();
    try {
      core.handle(JSON.stringify(step.event), step.now);
    } catch (err) {
      if (!(err instanceof CoreRestPending)) throw err;
      undone++;
      const after = live();
      assert.equal(after.stack, before.stack);
      assert.ok(after.data.equals(before.data), `data changed by the undone ${step.event.type}`);
      assert.ok(after.heap.equals(before.heap), `heap changed by the undone ${step.event.type}`);
      break;
    }
  }
  assert.equal(undone, 1, 'the voice story reaches the rest');
});

test('a rest that fails to download is retried, with a warning, until it loads', async () => {
  const warnings = [];
  const { NatterCore, loads } = startSplit({ failures: 2, console: { warn: (m) => warnings.push(m) } });
  const scenario = JSON.parse(readFileSync(path.join(dir, 'scenarios', 'voice_transcript.json'), 'utf8'));
  const misses = { count: 0 };
  const core = await settled(() => new NatterCore(JSON.stringify(scenario.config)), misses);
  for (const step of scenario.steps) await settled(() => core.handle(JSON.stringify(step.event), step.now), misses);
  assert.equal(loads.asked, 3);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /did not load \(HTTP 503\); retrying/);
});

test('every recorded first chat runs on the session split\'s first part alone', () => {
  const { NatterCore, loads } = startSplit();
  runFirstChats(NatterCore);
  assert.equal(loads.asked, 0);
});

test('a first chat over HTTP runs on the HTTP split\'s first part alone; one over the live session does not', () => {
  const http = startSplit({ pair: 'http' });
  runFirstChats(http.NatterCore, firstChatRecordings(FIRST_CHAT_DIR, 'http'));
  assert.equal(http.loads.asked, 0);
  // What makes the HTTP pair worth shipping: the live session's code is not in it.
  const live = startSplit({ pair: 'http' });
  assert.throws(() => runFirstChats(live.NatterCore, firstChatRecordings(FIRST_CHAT_DIR, 'session')), CoreRestPending);
  assert.ok(PAIRS.http.split.first.length < PAIRS.session.split.first.length,
    `HTTP first part ${PAIRS.http.split.first.length} B, the session's ${PAIRS.session.split.first.length} B`);
});

test('a headless client on the two parts, the rest loaded first: a reply after a retry, and the agent runs once', async () => {
  const server = await startServer({ port: 0, distDir: path.join(repoRoot, 'dist'), webDir: path.join(repoRoot, 'web'), testControls: true, tokenDelayMs: 1, log: () => {} });
  const control = (p, body) => fetch(server.url.replace(/\/$/, '') + p, {
    method: body ? 'POST' : 'GET', headers: { 'Content-Type': 'application/json', [CONTROL_HEADER]: '1' }, body: body && JSON.stringify(body),
  }).then((r) => r.json());
  const { wasm, loads } = startSplit();
  await wasm.loadRest();
  const chat = createHeadlessClient({ wasm, endpoint: server.url });
  try {
    await control('/__natter/faults', { chat: [{ action: 'reset_before_response' }] });
    const reply = await chat.ask('can I trade in my old console?');
    assert.match(reply.text, /trade/i);
    const stats = await control('/__natter/stats');
    assert.equal(stats.requests[reply.messageId], 2, 'the first request and one retry');
    assert.equal(stats.agent_runs[reply.messageId], 1);
    assert.equal(loads.asked, 1);
  } finally {
    chat.dispose();
    await server.close();
  }
});
