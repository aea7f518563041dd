// The vocabularies the core and the gateway share are defined once on each
// side and must agree: the live session's close codes, close reasons and
// error codes, and the HTTP statuses the protocol gives a meaning
// (wasm/src/base/wire_codes.hpp against
// tools/gateway/session/wire-codes.mjs), and who may move a conversation's
// control where (the core's kControlTransitions against the gateway's
// control/transitions.mjs). Each side also uses its names: no bare close
// code in either, no bare HTTP error status in the core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as gatewayCodes from '../../tools/gateway/session/wire-codes.mjs';
import { CONTROL_STATES, TRANSITIONS } from '../../tools/gateway/control/transitions.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel) => readFileSync(path.join(repo, rel), 'utf8');

// `inline constexpr int kCloseGoingAway = 1001;` -> ['CLOSE_GOING_AWAY', 1001]
function headerConstants(text) {
  const out = {};
  for (const m of text.matchAll(/^inline constexpr (int|const char\*) k(\w+) = ([^;]+);/gm)) {
    const name = m[2].replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
    out[name] = m[1] === 'int' ? Number(m[3]) : JSON.parse(m[3]);
  }
  return out;
}

// The edges of a core transition table, states lowercased: [['ai', 'waiting'], ...].
function coreEdges(text, table, type) {
  const body = text.match(new RegExp(`${table}\\[\\] = \\{([\\s\\S]*?)\\n\\};`))[1];
  const row = new RegExp(`\\{${type}::(\\w+), ${type}::(\\w+)`, 'g');
  return [...body.matchAll(row)].map((m) => [m[1].toLowerCase(), m[2].toLowerCase()]).sort();
}

const gatewayEdges = (transitions) =>
  Object.entries(transitions).flatMap(([from, byEvent]) => Object.values(byEvent).map((to) => [from, to])).sort();

test('the close codes, close reasons, error codes and HTTP statuses are the same in the core and the gateway', () => {
  const core = headerConstants(read('wasm/src/base/wire_codes.hpp'));
  assert.ok(Object.keys(core).length >= 30, 'the header parses');
  assert.ok(Object.keys(core).some((k) => k.startsWith('HTTP_')), 'the HTTP statuses are read');
  const gateway = Object.fromEntries(Object.entries(gatewayCodes).filter(([k]) => /^(CLOSE|REASON|ERROR|HTTP)_/.test(k)));
  assert.deepEqual(gateway, core);
});

test("who controls the conversation: the core's table has the gateway's edges and states", () => {
  const cpp = read('wasm/src/people/conversation_control.cpp');
  assert.deepEqual(coreEdges(cpp, 'kControlTransitions', 'Control'), gatewayEdges(TRANSITIONS));
  const states = read('wasm/src/people/conversation_control.hpp').match(/enum class Control : \w+ \{ ([^}]*) \}/)[1];
  assert.deepEqual(states.split(',').map((s) => s.trim().toLowerCase()), [...CONTROL_STATES]);
});

const filesUnder = (dir, ext) => readdirSync(path.join(repo, dir), { recursive: true })
  .filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));

test('neither side closes or compares with a bare close code, nor the core with a bare HTTP error status', () => {
  const bare = [];
  for (const f of filesUnder('tools/gateway', '.mjs')) {
    if (f.includes('/testing/')) continue;  // fault injection closes with any code on purpose
    for (const m of read(f).matchAll(/\.close\((\d{4})\b/g)) bare.push(`${f}: close(${m[1]})`);
  }
  for (const f of filesUnder('wasm/src', '.cpp')) {
    for (const m of read(f).matchAll(/(code [!=]= |abandon_socket\()(\d{4})\b/g)) bare.push(`${f}: ${m[0]}`);
    // An HTTP error status compared or switched on (200..299, success, is not a word of the vocabulary).
    for (const m of read(f).matchAll(/(status [!=<>]=? ?|case )([45]\d\d)\b/g)) bare.push(`${f}: ${m[0]}`);
  }
  assert.deepEqual(bare, []);
});

test('the parsers read what they are given', () => {
  assert.deepEqual(headerConstants('inline constexpr int kCloseX = 4321;\ninline constexpr const char* kErrorY = "y_z";\n'),
    { CLOSE_X: 4321, ERROR_Y: 'y_z' });
  const table = 'const Transition<C> kT[] = {\n    {C::A, C::B, NATTER_ON("x")},\n    {C::B, C::A, NATTER_ON("y")},\n};\n';
  assert.deepEqual(coreEdges(table, 'kT', 'C'), [['a', 'b'], ['b', 'a']]);
  assert.deepEqual(gatewayEdges({ a: { go: 'b' }, b: { back: 'a' } }), [['a', 'b'], ['b', 'a']]);
});
