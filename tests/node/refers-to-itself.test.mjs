// The project refers only to itself: its code, tests and reference docs
// point to files in the repository, never to notes outside it (the
// team's shared folder), and say what the code does rather than which
// issue added it (an issue number means nothing to whoever reads the code
// after the tracker moved). docs/decisions/ keeps the history and may
// name the issue a decision answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const TRACKED = ['shim', 'wasm', 'tools', 'tests', 'web', 'examples', 'cmake', 'types', 'docs', 'README.md', 'CONTRIBUTING.md', 'CMakeLists.txt'];
const TEXT = /\.(m?js|cjs|ts|cpp|hpp|h|c|cmake|md|sh|py|html|css|json|txt|cfg|conf|service)$|CMakeLists\.txt$/;
const HISTORY = /^docs\/decisions\//;
const SELF = 'tests/node/refers-to-itself.test.mjs';

const files = execFileSync('git', ['ls-files', '--', ...TRACKED], { cwd: repo, encoding: 'utf8' })
  .split('\n').filter((f) => TEXT.test(f) && f !== SELF);

// Every line of the tracked text files that matches `pattern`, as "file:line: text".
function linesMatching(pattern, skip = () => false) {
  const found = [];
  for (const file of files) {
    if (skip(file)) continue;
    readFileSync(new URL(file, `file://${repo}/`), 'utf8').split('\n').forEach((line, i) => {
      if (pattern.test(line)) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
    });
  }
  return found;
}

test('nothing points outside the repository', () => {
  assert.deepEqual(linesMatching(/RELIABILITY\.md|\.\.\/shared\/|\/work\/shared/), []);
});

test('code and reference docs say what the code does, not which issue added it', () => {
  assert.deepEqual(linesMatching(/\bissues? #?\d+\b/i, (f) => HISTORY.test(f)), []);
});
