// keyboard.js's enterConsumedByCore is what the page uses when the core
// runs in the core frame and its consume_key answer comes too late to
// cancel the keydown. It must say exactly what the real WASM core says, for
// every combination of the facts an Enter carries, in a plain chat and
// during a voice call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadCore, coreWasmPath } from './load-core.mjs';
import { enterConsumedByCore } from '../../shim/keyboard.js';

const skip = existsSync(coreWasmPath) ? false : 'WASM core not built (npm run build)';
const BASE = { chat_url: 'http://shop.test/api/chat', conversation_id: 'conv-1', seed_hi: '1', seed_lo: '2' };
const SESSION = { ...BASE, session_url: 'ws://shop.test/api/session' };

function* combinations() {
  for (const shift of [false, true]) {
    for (const composing of [false, true]) {
      for (const repeat of [false, true]) {
        for (const text of ['', '   ', 'do you have PS5 games?']) yield { shift, composing, repeat, text };
      }
    }
  }
}

// A fresh core per press, so one press's send cannot block the next.
function coreSays(NatterCore, config, setup, facts) {
  const core = new NatterCore(JSON.stringify(config));
  try {
    for (const event of setup) core.handle(JSON.stringify(event), 1000);
    const effects = JSON.parse(core.handle(JSON.stringify({ type: 'enter_pressed', ...facts }), 1001));
    return { consumed: effects.some((e) => e.type === 'consume_key'), stats: JSON.parse(core.statsJson()) };
  } finally {
    core.delete();
  }
}

const modes = [
  { name: 'a plain chat', config: BASE, setup: [] },
  { name: 'a live session', config: SESSION, setup: [{ type: 'session_wanted' }] },
  { name: 'a voice call', config: SESSION, setup: [{ type: 'voice_start_clicked' }], voice: true },
];

for (const mode of modes) {
  test(`enterConsumedByCore agrees with the core on every Enter during ${mode.name}`, { skip }, async () => {
    const { NatterCore } = await loadCore();
    let checked = 0;
    for (const facts of combinations()) {
      const { consumed, stats } = coreSays(NatterCore, mode.config, mode.setup, facts);
      if (mode.voice) assert.equal(stats.voice_calls, 1, 'the call really started');
      assert.equal(enterConsumedByCore({ type: 'enter_pressed', ...facts }), consumed, JSON.stringify(facts));
      checked += 1;
    }
    assert.equal(checked, 24);
  });
}

test('the rule consumes plain Enter and leaves Shift+Enter and IME Enter to the browser', () => {
  assert.equal(enterConsumedByCore({ shift: false, composing: false, repeat: false, text: '' }), true);
  assert.equal(enterConsumedByCore({ shift: true, composing: false, repeat: false, text: 'x' }), false);
  assert.equal(enterConsumedByCore({ shift: false, composing: true, repeat: false, text: 'x' }), false);
});
