// The core .wasm in two parts (docs/decisions/
// 0006-core-split-by-first-chat-profile.md): the functions a first chat calls (core_wasm, fetched when the
// shopper shows intent) and the rest (core_rest_wasm, fetched once the
// panel opened, or at once if a call needs it first; shim/core-api.js).
//
//   const { first, rest, firstFunctions, restFunctions } = splitCore(fullWasmBytes);
//
// Which functions a first chat calls is measured, not listed: binaryen's
// wasm-split instruments the module, this runs the instrumented module in
// node through shim/core-api.js with the recorded first chats in
// tools/bundle/first-chat/ (what the shim fed the core in Chromium, over
// both transports, first and second page view: record-first-chat.mjs),
// plus every export the shim and the guard in core-api.js call, and
// wasm-split splits by that profile. A function no recording reached goes
// to the rest: a chat that needs it waits for the rest (correct, later),
// and tests/browser/core-rest.test.mjs fails if a first chat ever does.
//
// The build splits the same module twice (build.mjs): by the HTTP first
// chats alone, for pages on HTTP (the default transport), whose first chat
// never reaches the live session's code (12 KB gzipped of it); and by every
// recording, for pages on the live session.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_IMPORTS, natterCoreClass } from '../../shim/core-api.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIRST_CHAT_DIR = path.join(here, 'first-chat');

// [{config, steps: [{event, now}]}] from tools/bundle/first-chat/*.json,
// or only those of one transport (the files named <transport>-*.json:
// 'http' or 'session').
export function firstChatRecordings(dir = FIRST_CHAT_DIR, transport = null) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && (!transport || f.startsWith(`${transport}-`))).sort();
  if (!files.length) throw new Error(`${dir} holds no recorded first chat${transport ? ` over ${transport}` : ''}`);
  return files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
}

// The core shares its stack pointer, a mutable global, with the rest.
function wasmSplit(args) {
  const r = spawnSync('wasm-split', ['--enable-mutable-globals', ...args], { encoding: 'utf8' });
  if (r.error) throw new Error(`wasm-split could not start (${r.error.code}): install binaryen (npm run setup)`);
  if (r.status !== 0) throw new Error(`wasm-split ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// What the shim calls in the recorded first chats, on cores of NatterCore
// (shim/core-api.js): warming, then each recording's core, its events and
// the accessors host-api.js reads.
export function runFirstChats(NatterCore, recordings = firstChatRecordings()) {
  NatterCore.warm();
  for (const { config, steps } of recordings) {
    const core = new NatterCore(config);
    for (const { event, now } of steps) {
      core.handle(event, now);
      core.nextDeadline();
    }
    core.conversationId();
    core.statsJson();
    core.identityJson();
    // Not delete(): a first chat never frees its core (a dispose before the
    // rest came frees it once the rest is in).
  }
}

function wasmOpt(args) {
  const r = spawnSync('wasm-opt', ['--enable-mutable-globals', ...args], { encoding: 'utf8' });
  if (r.error) throw new Error(`wasm-opt could not start (${r.error.code}): install binaryen (npm run setup)`);
  if (r.status !== 0) throw new Error(`wasm-opt ${args.join(' ')} failed: ${r.stderr}`);
}

// Runs the recordings on an instrumented module; returns its profile bytes.
function profile(instrumented, recordings) {
  const { exports: ex } = new WebAssembly.Instance(new WebAssembly.Module(instrumented), CORE_IMPORTS);
  ex._initialize();
  // What core-api.js's guard calls around every call while the rest loads.
  ex.natter_core_live_memory();
  ex.stackRestore(ex.stackSave());
  runFirstChats(natterCoreClass(ex), recordings);
  const size = 1 << 16;
  const at = ex.malloc(size);
  const length = ex.__write_profile(at, size);
  if (length > size) throw new Error('the split profile did not fit its buffer');
  return Buffer.from(new Uint8Array(ex.memory.buffer, at, length));
}

export function splitCore(full, { recordings = firstChatRecordings() } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-split-'));
  try {
    const at = (name) => path.join(dir, name);
    writeFileSync(at('full.wasm'), full);
    wasmSplit([at('full.wasm'), '--instrument', '-o', at('instrumented.wasm')]);
    writeFileSync(at('profile'), profile(readFileSync(at('instrumented.wasm')), recordings));
    // One-letter namespaces for the placeholders ("p", shim/core-api.js)
    // and for what the rest imports from the first part ("a"): 325 B gz.
    const log = wasmSplit([at('full.wasm'), `--profile=${at('profile')}`, '-v',
      '--placeholder-namespace=p', '--import-namespace=a', '-o1', at('first.wasm'), '-o2', at('rest.wasm')]);
    // wasm-split leaves both parts as it cut them; -Oz again: 1.1 KB gz.
    for (const part of ['first.wasm', 'rest.wasm']) wasmOpt([at(part), '-Oz', '-o', at(part)]);
    const count = (label) => (new RegExp(`${label}: (.*)`).exec(log)?.[1].split(',').length ?? 0);
    return {
      first: readFileSync(at('first.wasm')),
      rest: readFileSync(at('rest.wasm')),
      firstFunctions: count('Keeping functions'),
      restFunctions: count('Splitting out functions'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
