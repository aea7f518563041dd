// The welcome names the build the server serves now (distDir's manifest,
// read at each hello: for diagnosis, clients do not reload on it) and what
// the server still serves: the oldest protocol and widget release, which
// make an older client reload once (wasm/src/session/release_watch.hpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request, startTestServer } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame, joinSession } from './session-helpers.mjs';

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

// What the server still serves (docs/protocol.md, "Releases and reloads").
test('every welcome names the oldest protocol and widget release served; an older hello v is refused with both ends', async () => {
  const server = await startTestServer({ serves: { minClient: '1.2.0' } });
  try {
    const { welcome } = await joinSession(server.url, { session: 'sv-1' });
    assert.equal(welcome.min_protocol, 1);
    assert.equal(welcome.min_client, '1.2.0');
    // Retire protocol 1 on the running server: the next hello is refused, the open session is left alone.
    const changed = await request(server.url, { method: 'POST', path: '/__natter/session/serves', body: JSON.stringify({ min_protocol: 2 }) });
    assert.deepEqual(JSON.parse(changed.body), { min_protocol: 2, min_client: '1.2.0' });
    const socket = await connect(server.url);
    socket.send(helloFrame({ session: 'sv-2' }));
    const error = await socket.waitFor((f) => f.type === 'error');
    assert.equal(error.code, 'unsupported_version');
    assert.equal(error.min_protocol, 2);
    assert.equal(error.max_protocol, 1);
    assert.deepEqual(await socket.waitClosed(), { code: 4001, reason: 'unsupported version' });
    assert.equal(socket.frames.some((f) => f.type === 'welcome'), false);
    const bad = await request(server.url, { method: 'POST', path: '/__natter/session/serves', body: JSON.stringify({ min_client: 'latest' }) });
    assert.equal(bad.status, 400);
    await request(server.url, { method: 'POST', path: '/__natter/reset' });
    const again = await joinSession(server.url, { session: 'sv-3' });
    assert.equal(again.welcome.min_protocol, 1, 'reset restores what the server started with');
    assert.equal(again.welcome.min_client, '1.2.0');
  } finally {
    closeAllSockets();
    await server.close();
  }
});

test('a server started without minimums says protocol 1 and any release', async () => {
  const server = await startTestServer();
  try {
    const { welcome } = await joinSession(server.url, { session: 'sv-none' });
    assert.equal(welcome.min_protocol, 1);
    assert.equal(welcome.min_client, '');
    await assert.rejects(startTestServer({ serves: { minClient: 'newest' } }), /minClient must be a release version/);
  } finally {
    closeAllSockets();
    await server.close();
  }
});
