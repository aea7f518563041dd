// types/natter.d.ts: it parses as TypeScript (esbuild's parser, no
// compiler needed), and it declares exactly the commands and events the
// widget has: shim/host-api.js's command table plus the loader's own
// 'init', and shim/listeners.js's EVENT_NAMES.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { createHostApi } from '../../shim/host-api.js';
import { EVENT_NAMES } from '../../shim/listeners.js';
import { KEYS } from '../../shim/config-check.js';

const dts = readFileSync(new URL('../../types/natter.d.ts', import.meta.url), 'utf8');
const loader = readFileSync(new URL('../../web/loader.js', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

// The command table, as the running widget reports it to a bad call.
function hostCommands() {
  const errors = [];
  const run = createHostApi({ panel: {}, dispatch() {}, listeners: {}, manifest: {}, core: {}, log: {},
    console: { error: (m) => errors.push(m) } });
  run(['no-such-command']);
  return errors[0].match(/\(known: (.*)\)/)[1].split(', ');
}

test('package.json points at the declarations', () => {
  assert.equal(pkg.types, 'types/natter.d.ts');
});

test('the declarations parse as TypeScript', async () => {
  await esbuild.transform(dts, { loader: 'ts' });
});

test('every command is declared, and nothing else', () => {
  const loaderOnly = [...loader.matchAll(/args\[0\] ===? '([a-z_]+)'\) return/g)].map((m) => m[1]);
  const want = new Set([...hostCommands(), ...loaderOnly]);
  const declared = new Set([...dts.matchAll(/\(command: ([^)]*?)(?:\)|,)/g)]
    .flatMap((m) => [...m[1].matchAll(/'([a-z_]+)'/g)].map((x) => x[1])));
  assert.deepEqual([...declared].sort(), [...want].sort());
});

test('every event has a payload type, and nothing else', () => {
  const body = dts.match(/interface NatterEvents \{([^}]*)\}/)[1];
  const declared = [...body.matchAll(/^\s*([a-z_]+):/gm)].map((m) => m[1]);
  assert.deepEqual(declared.sort(), [...EVENT_NAMES].sort());
});

test('NatterInitOptions declares exactly the keys the configuration check knows (shim/config-check.js)', () => {
  const body = dts.match(/export interface NatterInitOptions \{([\s\S]*?)\n\}/)[1];
  const declared = [...body.matchAll(/^\s+([A-Za-z]+)\?:/gm)].map((m) => m[1]).sort();
  assert.doesNotMatch(body, /\[[a-z]+: string\]/, 'no index signature: unknown keys are rejected');
  assert.deepEqual(declared, Object.keys(KEYS).sort());
});
