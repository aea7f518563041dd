// The WASM build replays every recorded story in tests/transcripts/ and must
// answer byte for byte as the native build recorded it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadCore, repoRoot } from './load-core.mjs';

const dir = path.join(repoRoot, 'tests/transcripts');
const { NatterCore } = await loadCore();

function replay(scenario) {
  const core = new NatterCore(JSON.stringify(scenario.config));
  try {
    let out = '';
    for (const step of scenario.steps) {
      const effects = core.handle(JSON.stringify(step.event), step.now);
      out += `{"deadline":${core.nextDeadline()},"effects":${effects}}\n`;
    }
    return out;
  } finally {
    core.delete();
  }
}

const scenarios = readdirSync(path.join(dir, 'scenarios')).filter((f) => f.endsWith('.json'));

test('there are recorded scenarios to replay', () => {
  assert.ok(scenarios.length >= 4, `only ${scenarios.length} scenarios`);
});

for (const file of scenarios) {
  test(`the WASM build replays ${file} exactly as the native build recorded it`, () => {
    const scenario = JSON.parse(readFileSync(path.join(dir, 'scenarios', file), 'utf8'));
    const expected = readFileSync(path.join(dir, 'expected', file.replace(/\.json$/, '.jsonl')), 'utf8');
    assert.equal(replay(scenario), expected);
  });
}

test('a malformed event is answered with an error log and changes nothing', () => {
  const core = new NatterCore('{"seed_hi":"1","seed_lo":"2"}');
  try {
    const effects = JSON.parse(core.handle('{"type": "send_clicked", "text": 42}', 0));
    assert.equal(effects.length, 1);
    assert.equal(effects[0].type, 'log');
    assert.equal(effects[0].level, 'error');
    assert.match(effects[0].text, /text/);
    assert.equal(core.nextDeadline(), -1);
    assert.equal(JSON.parse(core.statsJson()).messages_sent, 0);
  } finally {
    core.delete();
  }
});
