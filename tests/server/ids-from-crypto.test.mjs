// Every id the gateway mints as a handle comes from node:crypto
// (docs/security-http.md, "Ids"): no Math.random anywhere in its sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../../tools/gateway/', import.meta.url));

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(full);
    return /\.(mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

test('no gateway source uses Math.random', () => {
  const files = sources(serverDir);
  assert.ok(files.length > 50, `found ${files.length} sources`);
  const offenders = files.filter((f) => /Math\.random\s*\(/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(serverDir, f)), []);
});
