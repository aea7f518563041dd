// The map (docs/ARCHITECTURE.md, docs/boundary.md, the folders' READMEs), the
// contributor's guide and the decisions name files in backticks; a file that moved or was renamed must not leave
// the map pointing at nothing. Every backticked repo path must exist:
//   - `a/b/c.mjs`, `a/b/` (a folder), `a/b/c.*` or `a/b/*-x.mjs` (a glob, at
//     least one match), `a/b.cpp:40-52` (the line range is ignored), when its
//     first folder is one of the repository's own;
//   - a bare source file name (`voice_ladder.hpp`, `rtc-link.js`) somewhere
//     in the tree.
// Placeholders (`<engine>`, `<hash>`), brace lists and the build's outputs
// (`natter.*.js`, `dist/`, `build/`) are not files of the tree and are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP_DIRS = new Set(['node_modules', '.git', 'build', 'dist', 'release']);
const SOURCE_EXT = /\.(mjs|js|cpp|hpp|c|h|md|json|sh|cmake|html|css|txt|py|svg)$/;
const BUILD_OUTPUT = /^(natter|worklet|i18n)\.|^(dist|build)\//;

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(e.name) && dir === REPO) continue;
    if (e.name === 'node_modules' || e.name === '.git') continue;
    const p = path.join(dir, e.name);
    const rel = path.relative(REPO, p).split(path.sep).join('/');
    if (e.isDirectory()) { out.push(`${rel}/`); walk(p, out); } else out.push(rel);
  }
  return out;
}

const globRe = (glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);

// The backticked tokens of `markdown` that name repo files, and whether each exists.
export function missingPaths(markdown, tree, topDirs) {
  const missing = [];
  const names = new Set(tree.map((f) => f.replace(/\/$/, '').split('/').pop()));
  for (const [, raw] of markdown.matchAll(/`([^`\n]+)`/g)) {
    const token = raw.replace(/:\d+(-\d+)?$/, '');
    if (/[<>{}\s=,()'"]/.test(token) || BUILD_OUTPUT.test(token)) continue;
    if (token.includes('/')) {
      if (!topDirs.has(token.split('/')[0])) continue;
      const re = globRe(token);
      if (!tree.some((f) => re.test(f))) missing.push(raw);
    } else if (/^[a-z_]/.test(token) && (SOURCE_EXT.test(token) || /\.\*$/.test(token))) {
      const re = globRe(token);
      if (![...names].some((n) => re.test(n))) missing.push(raw);
    }
  }
  return [...new Set(missing)];
}

const tree = walk(REPO);
const topDirs = new Set(readdirSync(REPO, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)).map((e) => e.name));

const DOCS = ['docs/ARCHITECTURE.md', 'docs/boundary.md', 'CONTRIBUTING.md', 'tests/native/sim/README.md',
  'shim/voice/README.md', 'shim/frame/README.md', 'tools/gateway/README.md', 'tools/gateway/agents/README.md',
  'tools/gateway/voice/README.md', 'tools/gateway/store/README.md',
  ...readdirSync(path.join(REPO, 'docs/decisions')).filter((f) => f.endsWith('.md')).map((f) => `docs/decisions/${f}`)];

for (const doc of DOCS) {
  test(`every file ${doc} names exists`, () => {
    assert.deepEqual(missingPaths(readFileSync(path.join(REPO, doc), 'utf8'), tree, topDirs), [], `${doc} names files that are not in the tree`);
  });
}

test('the check itself finds a wrong path, a wrong glob and a wrong bare name, and skips outputs', () => {
  const fakeTree = ['wasm/', 'wasm/src/', 'wasm/src/session/', 'wasm/src/session/token_keeper.cpp', 'shim/', 'shim/keyboard.js'];
  const md = '`wasm/src/session/token_keeper.cpp:10-20` `wasm/src/session/token_keeper.*` `wasm/src/session/` `shim/keyboard.js` '
    + '`wasm/src/token_keeper.cpp` `shim/voice/*.js` `voice_ladder.hpp` `keyboard.js` `natter.core.<hash>.wasm` `dist/natter.js` `kSetupMs`';
  assert.deepEqual(missingPaths(md, fakeTree, new Set(['wasm', 'shim'])), ['wasm/src/token_keeper.cpp', 'shim/voice/*.js', 'voice_ladder.hpp']);
  assert.ok(existsSync(path.join(REPO, 'docs/ARCHITECTURE.md')));
});
