// The gateway's layering (tools/gateway/README.md): production code never
// imports test-only code (testing/ is loaded with import() only when test
// controls are on), nothing in the gateway imports the browser shim, and
// the request layers never know which store implementation is open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const gatewayDir = path.join(repoRoot, 'tools/gateway');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

// Each relative specifier of a file, resolved to a repo-relative path, and
// whether it is static (import/export ... from, bare import) or import().
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  const forms = [
    [/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"](\.[^'"]+)['"]/gm, 'static'],
    [/^\s*import\s*['"](\.[^'"]+)['"]/gm, 'static'],
    [/\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g, 'dynamic'],
  ];
  for (const [re, kind] of forms) {
    for (const m of text.matchAll(re)) {
      found.push({ target: path.relative(repoRoot, path.resolve(path.dirname(file), m[1])), kind });
    }
  }
  return found;
}

const files = sources(gatewayDir).map((full) => ({ full, rel: path.relative(repoRoot, full) }));

test('the scan sees the gateway and its imports', () => {
  assert.ok(files.length > 80, `found ${files.length} sources`);
  const server = files.find((f) => f.rel === 'tools/gateway/server.mjs');
  assert.ok(importsOf(server.full).some((i) => i.target === 'tools/gateway/http/chat-endpoint.mjs'));
});

test('production code imports testing/ only with import(), never statically', () => {
  const offenders = files.filter((f) => !f.rel.startsWith('tools/gateway/testing/')).flatMap((f) =>
    importsOf(f.full).filter((i) => i.kind === 'static' && i.target.startsWith('tools/gateway/testing/'))
      .map((i) => `${f.rel} -> ${i.target}`));
  assert.deepEqual(offenders, []);
});

test('the gateway never imports the browser shim', () => {
  const offenders = files.flatMap((f) =>
    importsOf(f.full).filter((i) => i.target.startsWith('shim/')).map((i) => `${f.rel} -> ${i.target}`));
  assert.deepEqual(offenders, []);
});

// The layers that serve requests (server.mjs, http/, session/, runs/) work
// with whichever store is open; open-store.mjs picks it.
const STORE_USERS = /^tools\/gateway\/(server\.mjs|http\/|session\/|runs\/)/;

test('the request layers never import one store implementation', () => {
  const offenders = files.filter((f) => STORE_USERS.test(f.rel)).flatMap((f) =>
    importsOf(f.full).filter((i) => /^tools\/gateway\/store\/(redis|memory)-/.test(i.target))
      .map((i) => `${f.rel} -> ${i.target}`));
  assert.deepEqual(offenders, []);
});
