// shim/core-api.js over the core's C exports (wasm/bindings/core_api.cpp):
// text crosses as UTF-8 both ways, memory growth during a call does not
// garble the answer, and a deleted core says so instead of touching freed
// memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from './load-core.mjs';

const { wasm, NatterCore } = await loadCore();
const CONFIG = JSON.stringify({ chat_url: 'http://agent.test/api/chat', seed_hi: '1', seed_lo: '2' });

test('non-ASCII text reaches the core and comes back unchanged', () => {
  const core = new NatterCore(CONFIG);
  try {
    const text = 'Grüße aus Köln 👋 — مرحبا';
    const effects = JSON.parse(core.handle(JSON.stringify({ type: 'send_clicked', text }), 1000));
    const shown = effects.filter((e) => e.text === text);
    assert.ok(shown.length >= 1, JSON.stringify(effects));
    assert.match(core.conversationId(), /\S/);
  } finally {
    core.delete();
  }
});

test('an event that makes memory grow still gets a readable answer', () => {
  const core = new NatterCore(CONFIG);
  try {
    const before = wasm.memory.buffer.byteLength;
    const text = 'x'.repeat(before); // larger than all of memory now
    const effects = JSON.parse(core.handle(JSON.stringify({ type: 'send_clicked', text }), 1000));
    assert.ok(wasm.memory.buffer.byteLength > before, 'memory grew');
    assert.ok(Array.isArray(effects) && effects.length > 0);
    assert.equal(JSON.parse(core.statsJson()).messages_sent, 0, 'over the limit: not sent');
  } finally {
    core.delete();
  }
});

test('a deleted core refuses calls with a clear error', () => {
  const core = new NatterCore(CONFIG);
  core.delete();
  core.delete(); // twice is harmless
  assert.throws(() => core.handle('{"type":"tick"}', 0), /NatterCore used after delete\(\)/);
  assert.throws(() => core.nextDeadline(), /after delete/);
});

test('warm() runs a whole turn on a scratch core and leaves a real core as it was', () => {
  const run = (warmBetween) => {
    const core = new NatterCore(CONFIG);
    try {
      const out = [core.handle(JSON.stringify({ type: 'send_clicked', text: 'hello' }), 1000)];
      if (warmBetween) assert.equal(NatterCore.warm(), true, 'the scratch turn reached its reply');
      out.push(core.handle('{"type":"http_responded","request_id":1,"status":200}', 1010));
      out.push(core.handle(JSON.stringify({ type: 'http_body', request_id: 1, chunk: 'event: delta\ndata: {"text":"Yes."}\n\nevent: done\ndata: {}\n\n' }), 1020));
      return out;
    } finally {
      core.delete();
    }
  };
  assert.deepEqual(run(true), run(false));
});
