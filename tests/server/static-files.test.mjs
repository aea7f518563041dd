// The storefront's files: where each path comes from, its content type and
// cache headers, revalidation, and that nothing outside dist/ and web/ leaks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeSiteFixture, request, startTestServer } from './helpers.mjs';
import { isHashedName, resolveInside, FRAME_CSP } from '../../tools/gateway/static/static-files.mjs';

let site;
let server;
before(async () => {
  site = makeSiteFixture();
  server = await startTestServer({ distDir: site.distDir, webDir: site.webDir });
});
after(async () => {
  await server.close();
  rmSync(site.root, { recursive: true, force: true });
});

test('the root path serves the demo storefront page as uncached HTML', async () => {
  const res = await request(server.url, { path: '/' });
  assert.equal(res.status, 200);
  assert.equal(res.body, '<!doctype html><title>Demo shop</title>');
  assert.match(res.headers['content-type'], /^text\/html/);
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.ok(res.headers.etag);
});

test('the root path serves a placeholder while web/demo/index.html is missing', async () => {
  const bare = await startTestServer({ distDir: site.distDir, webDir: site.distDir });
  try {
    const res = await request(bare.url, { path: '/' });
    assert.equal(res.status, 200);
    assert.match(res.body, /Natter demo storefront/);
  } finally {
    await bare.close();
  }
});

test('the stable loader is served no-cache with an ETag and CORS headers for embedding', async () => {
  const res = await request(server.url, { path: '/natter.js' });
  assert.equal(res.status, 200);
  assert.equal(res.body, 'console.log("loader");');
  assert.equal(res.headers['content-type'], 'application/javascript; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.match(res.headers.etag, /^"[^"]+"$/);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
});

test('a repeat request with the ETag is answered 304 with no body', async () => {
  const first = await request(server.url, { path: '/manifest.json' });
  assert.match(first.headers['content-type'], /^application\/json/);
  const again = await request(server.url, { path: '/manifest.json', headers: { 'If-None-Match': first.headers.etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
  assert.equal(again.headers.etag, first.headers.etag);
  const stale = await request(server.url, { path: '/manifest.json', headers: { 'If-None-Match': '"other"' } });
  assert.equal(stale.status, 200);
});

test('content-hashed core files are immutable for a year with the right types', async () => {
  const js = await request(server.url, { path: '/natter.core.0123abcd4567.js' });
  assert.equal(js.status, 200);
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(js.headers['content-type'], 'application/javascript; charset=utf-8');
  const wasm = await request(server.url, { path: '/natter.core.0123abcd4567.wasm' });
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  assert.equal(wasm.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(wasm.headers['cross-origin-resource-policy'], 'cross-origin');
});

test('the core frame page gets its own CSP that allows compiling WebAssembly, and nosniff', async () => {
  const res = await request(server.url, { path: '/natter.frame.0123abcd4567.html' });
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/html/);
  assert.equal(res.headers['content-security-policy'], FRAME_CSP);
  assert.match(FRAME_CSP, /default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'/);
  assert.doesNotMatch(FRAME_CSP, /frame-ancestors/, 'any shop page may frame it');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], undefined);
  assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  const page = await request(server.url, { path: '/' });
  assert.equal(page.headers['content-security-policy'], undefined, "the shop's own pages keep their headers");
  const js = await request(server.url, { path: '/natter.core.0123abcd4567.js' });
  assert.equal(js.headers['content-security-policy'], undefined);
});

// A page on another origin fetches the worklets in CORS mode (addModule)
// and frames the voice frame (docs/deploying.md, "Headers"): public files,
// never credentialed, so `*` and never Allow-Credentials.
test('the audio worklets and the voice frame carry the headers a page on another origin needs', async () => {
  writeFileSync(path.join(site.distDir, 'worklet.capture.0123abcd4567.js'), 'registerProcessor("x", class {});');
  writeFileSync(path.join(site.distDir, 'natter.voiceframe.0123abcd4567.html'), '<!doctype html><title>voice</title>');
  const worklet = await request(server.url, { path: '/worklet.capture.0123abcd4567.js', headers: { Origin: 'https://shop.example' } });
  assert.equal(worklet.status, 200);
  assert.equal(worklet.headers['access-control-allow-origin'], '*');
  assert.equal(worklet.headers['cross-origin-resource-policy'], 'cross-origin');
  assert.equal(worklet.headers['content-type'], 'application/javascript; charset=utf-8');
  const frame = await request(server.url, { path: '/natter.voiceframe.0123abcd4567.html', headers: { Origin: 'https://shop.example' } });
  assert.equal(frame.status, 200);
  assert.equal(frame.headers['content-security-policy'], FRAME_CSP, 'script-src self: its own script and worker');
  assert.equal(frame.headers['x-frame-options'], undefined);
  for (const res of [worklet, frame]) assert.equal(res.headers['access-control-allow-credentials'], undefined);
});

test('only names with 8+ hex digits between dots count as hashed', () => {
  assert.equal(isHashedName('natter.core.0123abcd.js'), true);
  assert.equal(isHashedName('natter.core.0123abc.js'), false);
  assert.equal(isHashedName('natter.js'), false);
  assert.equal(isHashedName('natter.core.0123ABCD.js'), false);
});

test('files missing from dist/ come from web/, and dist/ wins when both have one', async () => {
  const worklet = await request(server.url, { path: '/worklets/mic.js' });
  assert.equal(worklet.status, 200);
  assert.match(worklet.body, /registerProcessor/);
  assert.equal(worklet.headers['cross-origin-resource-policy'], undefined);
  const svg = await request(server.url, { path: '/logo.svg' });
  assert.equal(svg.headers['content-type'], 'image/svg+xml');
  const css = await request(server.url, { path: '/shared.css' });
  assert.equal(css.body, '.from-dist{}');
  assert.match(css.headers['content-type'], /^text\/css/);
  assert.equal((await request(server.url, { path: '/styles.css' })).body, 'body{}');
});

test('HEAD gives the headers without the body', async () => {
  const res = await request(server.url, { method: 'HEAD', path: '/natter.js' });
  assert.equal(res.status, 200);
  assert.equal(res.body, '');
  assert.equal(res.headers['content-length'], String('console.log("loader");'.length));
});

test('unknown files and directories are 404', async () => {
  assert.equal((await request(server.url, { path: '/nope.js' })).status, 404);
  assert.equal((await request(server.url, { path: '/worklets' })).status, 404);
  assert.equal((await request(server.url, { path: '/demo/' })).status, 404);
});

// Sends a request line byte for byte (clients normalise "..", so use a raw socket).
function rawGet(port, target) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (c) => { data += c; });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

test('path traversal out of dist/ and web/ is refused', async () => {
  for (const target of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt',
    '/worklets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00natter.js', '/%E0%A4%A']) {
    const response = await rawGet(server.port, target);
    assert.doesNotMatch(response, /top secret/, target);
    assert.match(response, /^HTTP\/1\.1 (400|404) /, target);
  }
});

test('a symbolic link whose target lies outside the served folder is refused; one inside is served', async () => {
  symlinkSync(path.join(site.root, 'secret.txt'), path.join(site.distDir, 'leak.txt'));
  symlinkSync(site.root, path.join(site.webDir, 'up'));
  symlinkSync(path.join(site.root, 'secret.txt'), path.join(site.distDir, 'natter.js.gz')); // a precompressed sibling
  mkdirSync(path.join(site.distDir, 'inner'));
  symlinkSync(path.join(site.distDir, 'shared.css'), path.join(site.distDir, 'inner', 'same.css'));
  try {
    for (const target of ['/leak.txt', '/up/secret.txt', '/up/dist/natter.js']) {
      const res = await request(server.url, { path: target });
      assert.equal(res.status, 404, target);
      assert.doesNotMatch(res.body, /top secret/, target);
    }
    const loader = await request(server.url, { path: '/natter.js', headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(loader.status, 200);
    assert.equal(loader.headers['content-encoding'], undefined, 'the linked sibling is not sent');
    assert.doesNotMatch(loader.body, /top secret/);
    assert.equal((await request(server.url, { path: '/inner/same.css' })).body, '.from-dist{}', 'a link inside is fine');
  } finally {
    for (const f of [path.join(site.distDir, 'leak.txt'), path.join(site.webDir, 'up'), path.join(site.distDir, 'natter.js.gz'), path.join(site.distDir, 'inner')]) {
      rmSync(f, { recursive: true, force: true });
    }
  }
});

test('resolveInside keeps every path inside its root', () => {
  assert.equal(resolveInside('/srv/dist', '/a/b.js'), '/srv/dist/a/b.js');
  assert.equal(resolveInside('/srv/dist', '/../etc/passwd'), null);
  assert.equal(resolveInside('/srv/dist', '/a/..%2f..%2fetc'), null);
  assert.equal(resolveInside('/srv/dist', '/'), null);
});
