// The welcome names the build the server serves now (distDir's manifest,
// read at each hello), so a client of an older release can reload itself
// when nothing would be lost (wasm/src/client.cpp, reload_if_safe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';

test('the welcome carries the served build, and follows a release swapped under the server', async () => {
  const distDir = mkdtempSync(path.join(tmpdir(), 'natter-dist-'));
  const server = await startTestServer({ distDir });
  try {
    const none = await joinSession(server.url, { session: 'b-none' });
    assert.equal(none.welcome.build, '', 'no manifest: no build named');
    writeFileSync(path.join(distDir, 'manifest.json'), JSON.stringify({ build: 'aaaaaaaaaaaa', files: {} }));
    assert.equal((await joinSession(server.url, { session: 'b-a' })).welcome.build, 'aaaaaaaaaaaa');
    writeFileSync(path.join(distDir, 'manifest.json'), JSON.stringify({ build: 'bbbbbbbbbbbb', files: {} }));
    assert.equal((await joinSession(server.url, { session: 'b-b' })).welcome.build, 'bbbbbbbbbbbb');
  } finally {
    closeAllSockets();
    await server.close();
    rmSync(distDir, { recursive: true, force: true });
  }
});
