// What the widget's small POST endpoints (POST /api/feedback, /api/action,
// /api/action/result: http/widget-post.mjs) answer before they look at the
// body's fields: a body over the size limit 413 body_too_large, a gateway
// that requires shop tokens 401 unauthorized without one (with
// WWW-Authenticate), text that is not JSON 400; each with the CORS headers a
// shop page on another origin needs to read it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request, startTestServer } from './helpers.mjs';

const SECRET = 'a-test-secret-of-enough-length-0123456789';
const PATHS = ['/api/feedback', '/api/action', '/api/action/result'];
const dir = mkdtempSync(path.join(tmpdir(), 'natter-widget-post-'));
// A record, so feedback is kept (without one it answers 404 record_off first).
const record = (name) => ({ setting: { kind: 'sqlite', file: path.join(dir, `${name}.sqlite`) } });
let open;
let gated;
before(async () => {
  open = await startTestServer({ record: record('open') });
  gated = await startTestServer({ requireToken: { secret: SECRET }, record: record('gated') });
});
after(async () => {
  await open?.close();
  await gated?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (server, urlPath, body) => request(server.url, {
  method: 'POST', path: urlPath, headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example' }, body,
});
const codeOf = (r) => JSON.parse(r.body).error.code;

for (const urlPath of PATHS) {
  test(`${urlPath}: too large, no shop token, not JSON: each refused with its code and CORS headers`, async () => {
    const big = await post(open, urlPath, JSON.stringify({ pad: 'x'.repeat(64 * 1024) }));
    assert.equal(big.status, 413);
    assert.equal(codeOf(big), 'body_too_large');
    assert.ok(big.headers['access-control-allow-origin'], 'CORS headers on the 413');

    const unsigned = await post(gated, urlPath, JSON.stringify({ conversation_id: 'c1' }));
    assert.equal(unsigned.status, 401);
    assert.equal(codeOf(unsigned), 'unauthorized');
    assert.equal(unsigned.headers['www-authenticate'], 'Bearer');
    assert.ok(unsigned.headers['access-control-allow-origin'], 'CORS headers on the 401');

    const garbled = await post(open, urlPath, '{not json');
    assert.equal(garbled.status, 400);
    assert.ok(garbled.headers['access-control-allow-origin'], 'CORS headers on the 400');
  });
}
