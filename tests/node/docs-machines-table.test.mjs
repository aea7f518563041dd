// docs/ARCHITECTURE.md's machines table is generated from the core's
// transition tables (tools/docs/machines-table.mjs); the committed one must be
// what the generator prints now. After changing a machine:
//   node tools/docs/machines-table.mjs --write
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ARCHITECTURE_MD, BEGIN, END, findTables, purposeOf, renderMachinesTable, withTable,
} from '../../tools/docs/machines-table.mjs';

test('the committed machines table is the one the transition tables give', () => {
  const doc = readFileSync(ARCHITECTURE_MD, 'utf8');
  const committed = doc.slice(doc.indexOf(BEGIN) + BEGIN.length, doc.indexOf(END)).trim();
  assert.ok(doc.includes(BEGIN) && doc.includes(END), 'docs/ARCHITECTURE.md has the generated block');
  assert.equal(committed, renderMachinesTable(),
    'docs/ARCHITECTURE.md\'s machines table is stale: node tools/docs/machines-table.mjs --write');
});

test('a table is read with its rows, through an alias too, comments ignored', () => {
  const sources = [
    { file: 'wasm/src/a.hpp', text: 'using ATransition = Transition<AState>;\n' },
    { file: 'wasm/src/a.cpp', text: 'const ATransition kATransitions[] = {\n    {S::One, S::Two, NATTER_ON("go")},\n    // {S::Two, S::Nine, NATTER_ON("commented out")},\n    {S::Two, S::One, NATTER_ON("back")},\n};\n' },
  ];
  assert.deepEqual(findTables(sources), [{ name: 'kATransitions', state: 'AState', file: 'wasm/src/a.cpp',
    rows: [{ from: 'One', to: 'Two' }, { from: 'Two', to: 'One' }] }]);
});

test('a machine is described by its header\'s first sentence, without asides', () => {
  assert.equal(purposeOf('// Which transport a call\'s frames ride: rung by rung\n// (docs/protocol.md).\n'),
    'Which transport a call\'s frames ride');
  assert.equal(purposeOf('// "Continue on your phone" (docs/protocol.md, a section; "Continue on\n// another device"): the widget\'s side.\n'),
    'Continue on your phone');
});

test('a table with no diagram in docs/ is refused, naming the table', () => {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'machines-'));
  mkdirSync(path.join(repo, 'wasm/src'), { recursive: true });
  mkdirSync(path.join(repo, 'docs'));
  writeFileSync(path.join(repo, 'wasm/src/b.hpp'), '// The b machine.\nenum class BState { Up, Down };\n');
  writeFileSync(path.join(repo, 'wasm/src/b.cpp'), 'const Transition<BState> kBTransitions[] = {\n    {S::Up, S::Down, NATTER_ON("x")},\n};\n');
  assert.throws(() => renderMachinesTable(repo), /kBTransitions \(wasm\/src\/b\.cpp\) has no diagram/);
  writeFileSync(path.join(repo, 'docs/b-states.md'), '# B\n\nGenerated from `kBTransitions` in `wasm/src/old/b.cpp` by\n');
  assert.throws(() => renderMachinesTable(repo), /says kBTransitions is in wasm\/src\/old\/b\.cpp, but it is in wasm\/src\/b\.cpp/);
  writeFileSync(path.join(repo, 'docs/b-states.md'), '# B\n\nGenerated from `kBTransitions` in `wasm/src/b.cpp` by\n');
  assert.match(renderMachinesTable(repo), /\| `wasm\/src\/b\.\*` \| The b machine \| Up, Down \| `kBTransitions` \(1 rows, `b\.cpp`\) \| \[b-states\.md\]\(b-states\.md\) \|/);
});

test('writing the table replaces only the generated block', () => {
  const doc = `before\n${BEGIN}\nold\n${END}\nafter\n`;
  assert.equal(withTable(doc, 'new'), `before\n${BEGIN}\nnew\n${END}\nafter\n`);
});
