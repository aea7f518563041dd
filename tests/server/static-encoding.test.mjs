// Shipped files go out compressed: the build's precompressed siblings
// (tools/bundle/precompress.mjs) chosen by Accept-Encoding
// (tools/gateway/static/encoding.mjs), each encoding with its own ETag, Vary on
// every answer that could differ, and the file as it is when no sibling
// fits (none accepted, none written, or one older than its file).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { makeSiteFixture, startTestServer } from './helpers.mjs';
import { withSiblings, isCompressible } from '../../tools/bundle/precompress.mjs';
import { acceptedEncodings } from '../../tools/gateway/static/encoding.mjs';

const WASM = 'natter.core.0123abcd4567.wasm';
const CORE = 'natter.core.0123abcd4567.js';
// Compressible, and long enough that every encoding is smaller.
const wasmBytes = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(4000, 7)]);

let site;
let server;
before(async () => {
  site = makeSiteFixture();
  for (const [name, data] of withSiblings(WASM, wasmBytes)) writeFileSync(path.join(site.distDir, name), data);
  server = await startTestServer({ distDir: site.distDir, webDir: site.webDir });
});
after(async () => {
  await server.close();
  rmSync(site.root, { recursive: true, force: true });
});

// The raw bytes as sent, undecoded.
function get(pathname, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    http.request(new URL(pathname, server.url), { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

test('acceptedEncodings: brotli before gzip, q=0 refuses, * stands for the rest, no header means none', () => {
  assert.deepEqual(acceptedEncodings('gzip, deflate, br'), ['br', 'gzip']);
  assert.deepEqual(acceptedEncodings('gzip'), ['gzip']);
  assert.deepEqual(acceptedEncodings('br;q=0, gzip;q=0.5'), ['gzip']);
  assert.deepEqual(acceptedEncodings('br;q=0, *'), ['gzip']);
  assert.deepEqual(acceptedEncodings('*;q=0'), []);
  assert.deepEqual(acceptedEncodings('identity'), []);
  assert.deepEqual(acceptedEncodings(''), []);
  assert.deepEqual(acceptedEncodings(undefined), []);
  assert.deepEqual(acceptedEncodings('GZIP ; Q=1'), ['gzip']);
});

test('withSiblings: text and WebAssembly get .br and .gz that decode to the file; images none', () => {
  const [[name, data], [br, brData], [gz, gzData], ...rest] = withSiblings(WASM, wasmBytes);
  assert.deepEqual([name, br, gz, rest.length], [WASM, `${WASM}.br`, `${WASM}.gz`, 0]);
  assert.ok(data.equals(wasmBytes));
  assert.ok(brotliDecompressSync(brData).equals(wasmBytes));
  assert.ok(gunzipSync(gzData).equals(wasmBytes));
  assert.deepEqual(withSiblings('logo.png', Buffer.alloc(10)).map(([n]) => n), ['logo.png']);
  assert.ok(isCompressible('a.js') && isCompressible('a.json') && isCompressible('a.html') && !isCompressible('a.woff2'));
});

test('the .gz sibling is made by zopfli: ordinary gzip, smaller than gzip -9 of the same file', () => {
  const script = readFileSync(new URL('../../shim/boot.js', import.meta.url));
  const [, , [, gzData]] = withSiblings(CORE, script);
  assert.ok(gunzipSync(gzData).equals(script));
  const level9 = gzipSync(script, { level: 9 }).length;
  assert.ok(gzData.length < level9 * 0.99, `.gz ${gzData.length} B against gzip -9 ${level9} B`);
});

test('a browser accepting br gets the brotli sibling, with its own ETag, Vary, and the usual headers', async () => {
  const res = await get(`/${WASM}`, { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-encoding'], 'br');
  assert.equal(res.headers.vary, 'Accept-Encoding');
  assert.equal(res.headers['content-type'], 'application/wasm');
  assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.equal(Number(res.headers['content-length']), res.body.length);
  assert.ok(res.body.length < wasmBytes.length, `${res.body.length} B on the wire for ${wasmBytes.length}`);
  assert.ok(brotliDecompressSync(res.body).equals(wasmBytes), 'decodes to the file (what SRI checks)');
  const plain = await get(`/${WASM}`);
  assert.notEqual(res.headers.etag, plain.headers.etag, 'each encoding its own ETag');
  const again = await get(`/${WASM}`, { 'Accept-Encoding': 'br', 'If-None-Match': res.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.headers['content-encoding'], 'br');
});

test('gzip only gets the gzip sibling; no Accept-Encoding gets the file as it is, still with Vary', async () => {
  const gz = await get(`/${WASM}`, { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(gz.body).equals(wasmBytes));
  const plain = await get(`/${WASM}`);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers.vary, 'Accept-Encoding');
  assert.ok(plain.body.equals(wasmBytes));
  const head = await get(`/${WASM}`, { 'Accept-Encoding': 'br' }, 'HEAD');
  assert.equal(head.headers['content-encoding'], 'br');
  assert.equal(head.body.length, 0);
});

test('a file with no sibling goes as it is; a sibling older than its file is not used', async () => {
  const core = await get(`/${CORE}`, { 'Accept-Encoding': 'br, gzip' });
  assert.equal(core.headers['content-encoding'], undefined);
  assert.equal(core.body.toString(), 'export const core = 1;');

  const loader = path.join(site.distDir, 'natter.js');
  for (const [name, data] of withSiblings('natter.js', Buffer.from('console.log("old loader");'))) {
    writeFileSync(path.join(site.distDir, name), data);
  }
  writeFileSync(loader, 'console.log("new loader");'); // rewritten in place, its siblings not yet
  const past = new Date(Date.now() - 60_000);
  for (const suffix of ['.br', '.gz']) utimesSync(`${loader}${suffix}`, past, past);
  const res = await get('/natter.js', { 'Accept-Encoding': 'br, gzip' });
  assert.equal(res.headers['content-encoding'], undefined);
  assert.equal(res.body.toString(), 'console.log("new loader");');
});

test('files from web/ (the storefront) are not given Vary or an encoding', async () => {
  const res = await get('/styles.css', { 'Accept-Encoding': 'br, gzip' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-encoding'], undefined);
  assert.equal(res.headers.vary, undefined);
});
