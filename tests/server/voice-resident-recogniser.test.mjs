// The resident recogniser's process handling (tools/gateway/voice/recogniser/
// resident-recogniser.mjs), with a stand-in program (fixtures/
// fake-recogniser.mjs) so each failure can be made to happen: every utterance
// gets its own words, a process that dies or hangs fails only its own
// utterance and the next one gets a new process, utterances past the waiting
// queue's cap fail at once, and idle processes do not keep node running. That the real decoder hears what pocketsphinx_continuous
// hears: voice-stt.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MAX_WAITING, RECOGNISER_BUSY, createResidentRecogniser } from '../../tools/gateway/voice/recogniser/resident-recogniser.mjs';

const FAKE = fileURLToPath(new URL('./fixtures/fake-recogniser.mjs', import.meta.url));
const fake = (mode = '', options = {}) => createResidentRecogniser({ binary: process.execPath, args: [FAKE, mode], ...options });
const samples = (n) => Buffer.alloc(n * 2);

test('each utterance gets its own words, more utterances than processes wait their turn', { timeout: 15_000 }, async () => {
  const r = fake('', { processes: 2 });
  const sizes = [160, 3200, 16, 48000, 1, 800, 0];
  const words = await Promise.all(sizes.map((n) => r.hear(samples(n))));
  assert.deepEqual(words, sizes.map((n) => `samples ${n}`));
  r.close();
  await assert.rejects(r.hear(samples(1)), /closed/);
});

test('a process that dies fails only its utterance; the next gets a new process', { timeout: 15_000 }, async () => {
  const r = fake('die-on-2', { processes: 1 });
  assert.equal(await r.hear(samples(10)), 'samples 10');
  await assert.rejects(r.hear(samples(20)), /natter-recogniser exited 3: planted failure/);
  assert.equal(await r.hear(samples(30)), 'samples 30');
  r.close();
});

test('a process that does not answer is stopped after the time limit; the next utterance is heard', { timeout: 15_000 }, async () => {
  // The limit is long enough for a node process to start on a loaded machine.
  const r = fake('hang-on-2', { processes: 1, timeoutMs: 3000 });
  assert.equal(await r.hear(samples(10)), 'samples 10');
  const hanging = r.hear(samples(20));
  const next = r.hear(samples(30)); // waits behind the hanging one
  await assert.rejects(hanging, /natter-recogniser exited SIGKILL/);
  assert.equal(await next, 'samples 30');
  r.close();
});

test('past the waiting cap an utterance fails at once with recogniser_busy; those accepted are heard', { timeout: 15_000 }, async () => {
  assert.ok(MAX_WAITING >= 2 * 200, 'by default twice the calls an instance holds');
  const r = fake('', { processes: 1, maxWaiting: 2 });
  const accepted = [r.hear(samples(1)), r.hear(samples(2)), r.hear(samples(3))]; // one decoding, two waiting
  const refused = r.hear(samples(4));
  await assert.rejects(refused, (error) => error.code === RECOGNISER_BUSY && /2 utterances already wait/.test(error.message));
  assert.deepEqual(await Promise.all(accepted), ['samples 1', 'samples 2', 'samples 3']);
  assert.equal(await r.hear(samples(5)), 'samples 5', 'once the queue has drained, utterances are taken again');
  r.close();
});

test('idle recogniser processes do not keep node running', { timeout: 15_000 }, async () => {
  const script = `
    import { createResidentRecogniser } from ${JSON.stringify(new URL('../../tools/gateway/voice/recogniser/resident-recogniser.mjs', import.meta.url).href)};
    const r = createResidentRecogniser({ binary: process.execPath, args: [${JSON.stringify(FAKE)}] });
    console.log(await r.hear(Buffer.alloc(8)));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code, signal] = await new Promise((resolve) => child.on('exit', (...a) => resolve(a)));
  clearTimeout(timer);
  assert.equal(signal, null, 'the process was still running after 10 s');
  assert.equal(code, 0);
  assert.equal(out.trim(), 'samples 4');
});
