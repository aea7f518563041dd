// The agent's text reaches espeak-ng as text, never as an option
// (tools/gateway/voice/speech/tts-espeak.mjs): a reply starting with '-'
// (an LLM's answer may) is spoken, not obeyed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { speak } from '../../tools/gateway/voice/speech/tts-espeak.mjs';

const missing = ['/usr/bin/espeak-ng', '/usr/bin/sox'].find((p) => !existsSync(p));

test('text that looks like an option is spoken, not obeyed', { skip: missing && `${missing} is not installed` }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'natter-tts-'));
  try {
    const target = path.join(dir, 'written.wav');
    for (const text of [`-w${target}`, '--version', '-h']) {
      const pcm = await speak(text);
      assert.ok(pcm.length > 4800, `${JSON.stringify(text)} was spoken (${pcm.length} samples)`);
    }
    assert.equal(existsSync(target), false, 'no file written');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
