// GET/HEAD for files: `/` is the demo storefront (web/demo/index.html, or a
// placeholder until it exists); any other path is looked up in releaseDir
// (a folder laid out by tools/release/release.mjs), then distDir, then
// webDir. Never serves anything outside those roots.
//
// /demo/live.html and /demo/element.html are made from the storefront page
// (demo-pages.mjs).
//
// pageHeaders: {'/csp/': {'Content-Security-Policy': …}} serves the pages
// under a prefix (the prefix stripped: /csp/ is the storefront,
// /csp/demo/live.html its live version) with extra headers; tests use it
// to run the storefront under a strict policy.
//
// fileHeaders: {'/worklet.': {'Access-Control-Allow-Origin': null}} changes
// the headers of shipped files (releaseDir, distDir) whose path starts with
// a prefix; null removes one. Tests use it to serve files as a
// misconfigured CDN would.
//
// Caching: a name carrying a content hash (".<8+ hex>.") is immutable for a
// year; everything else (the loader natter.js, HTML, manifest.json) is
// `no-cache` and revalidated by ETag (304 on a matching If-None-Match).
// Files from distDir are embedded on other origins, so they also carry CORS
// and Cross-Origin-Resource-Policy headers: a page on another origin loads
// the chunks with SRI and fetches the .wasm in CORS mode, and addModule
// always fetches the audio worklets in CORS mode. `*`, never
// Allow-Credentials: these are public files no one requests with cookies
// (docs/deploying.md, "Headers"). The only HTML a release ships is the two
// frames (natter.frame.<hash>.html, shim/frame/README.md;
// natter.voiceframe.<hash>.html, "Voice across origins"): they get their
// own Content-Security-Policy, which allows compiling WebAssembly and
// same-origin scripts and workers and nothing else, and no frame-ancestors
// limit (any shop's page frames them).
//
// Compression: a shipped file with precompressed siblings (<file>.br,
// <file>.gz, written by the build: tools/bundle/precompress.mjs) is sent as
// the best one the request accepts (encoding.mjs), with Content-Encoding,
// its own ETag and `Vary: Accept-Encoding`; SRI still holds, as browsers
// check the decoded bytes. A sibling older than its file is not used.
import { readFile, realpath, stat } from 'node:fs/promises';
import { demoVariant, DEMO_VARIANTS } from './demo-pages.mjs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { acceptedEncodings } from './encoding.mjs';
import { ENCODINGS, isCompressible } from '../../bundle/precompress.mjs';

export const CONTENT_TYPES = Object.freeze({
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
});

const HASHED_NAME = /\.[0-9a-f]{8,}\./;
const IMMUTABLE = 'public, max-age=31536000, immutable';

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Natter demo storefront</title></head>
<body><h1>Natter demo storefront</h1>
<p>The demo page (web/demo/index.html) is not there yet. The chat API is at <code>/api/chat</code>.</p>
</body></html>
`;

export function contentTypeFor(file) {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export function isHashedName(file) {
  return HASHED_NAME.test(path.basename(file));
}

// Maps a URL pathname to a path inside `root`, or null when the pathname is
// malformed or escapes the root (.., encoded slashes, NUL, absolute tricks).
export function resolveInside(root, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter(Boolean);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const base = path.resolve(root);
  const full = path.resolve(base, ...segments);
  return full.startsWith(base + path.sep) ? full : null;
}

// The file's stat when it is a regular file no older than notOlderThan
// whose real path (symbolic links followed) is still inside `root`, else
// null: a link in a served folder never serves what lies outside it.
async function regularFile(root, file, notOlderThan = 0) {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!realFile.startsWith(realRoot + path.sep)) return null;
    const info = await stat(realFile);
    return info.isFile() && info.mtimeMs >= notOlderThan ? info : null;
  } catch {
    return null;
  }
}

async function readRegularFile(root, file) {
  return (await regularFile(root, file)) ? readFile(file).catch(() => null) : null;
}

// The request's best precompressed sibling of `file` (whose mtime is
// mtimeMs): {content, encoding}, or null (then the file goes as it is).
async function precompressed(req, root, file, mtimeMs) {
  const accepted = acceptedEncodings(req.headers['accept-encoding']);
  for (const { name, suffix } of ENCODINGS) {
    if (!accepted.includes(name) || !(await regularFile(root, file + suffix, mtimeMs))) continue;
    const content = await readFile(file + suffix).catch(() => null);
    if (content) return { content, encoding: name };
  }
  return null;
}

function etagOf(content) {
  return `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;
}

function matchesEtag(header, etag) {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

// encoding: the Content-Encoding `content` is in (null: as the file is);
// vary: the answer depends on Accept-Encoding.
function send(req, res, { content, file, headers, encoding = null, vary = false }) {
  const etag = etagOf(content);
  const common = {
    'Cache-Control': isHashedName(file) ? IMMUTABLE : 'no-cache',
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
    ...(vary ? { Vary: 'Accept-Encoding' } : {}),
    ...(encoding ? { 'Content-Encoding': encoding } : {}),
    ...headers,
  };
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, { ...common, 'Content-Type': contentTypeFor(file), 'Content-Length': content.length });
  res.end(req.method === 'HEAD' ? undefined : content);
}

function notFound(res) {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
  res.end('Not found\n');
}

const DIST_HEADERS = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
});

export const FRAME_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
  + "base-uri 'none'; form-action 'none'";
const FRAME_HEADERS = Object.freeze({ ...DIST_HEADERS, 'Content-Security-Policy': FRAME_CSP });

// A demo page made from web/demo/index.html (demo-pages.mjs), or null.
async function demoPage(webDir, file) {
  const name = file.replace(/^\/+/, '');
  if (!DEMO_VARIANTS.includes(name)) return null;
  const index = await readRegularFile(webDir, path.join(webDir, 'demo', 'index.html'));
  return index && Buffer.from(demoVariant(name, index.toString('utf8')));
}

// Returns a handler for GET/HEAD of files.
// headers with fileHeaders' changes for pathname applied (null removes).
function changedHeaders(headers, fileHeaders, pathname) {
  const out = { ...headers };
  for (const [prefix, change] of Object.entries(fileHeaders)) {
    if (!pathname.startsWith(prefix)) continue;
    for (const [name, value] of Object.entries(change)) {
      if (value === null) delete out[name];
      else out[name] = value;
    }
  }
  return out;
}

export function createStaticHandler({ releaseDir, distDir, webDir, pageHeaders = {}, fileHeaders = {} }) {
  return async function handleStatic(req, res, pathname) {
    const prefix = Object.keys(pageHeaders).find((p) => pathname.startsWith(p) && p.endsWith('/'));
    if (prefix) {
      const page = pathname.slice(prefix.length - 1);
      const file = page === '/' ? 'demo/index.html' : page.endsWith('.html') ? page : null;
      const full = file && webDir ? resolveInside(webDir, file) : null;
      const content = full && ((await demoPage(webDir, file)) ?? (await readRegularFile(webDir, full)));
      if (!content) return notFound(res);
      return send(req, res, { content, file: full, headers: pageHeaders[prefix] });
    }
    if (pathname === '/' || pathname === '/index.html') {
      const file = webDir ? path.join(webDir, 'demo', 'index.html') : null;
      const content = (file && (await readRegularFile(webDir, file))) ?? Buffer.from(PLACEHOLDER);
      send(req, res, { content, file: 'index.html', headers: {} });
      return;
    }
    const variant = webDir && (await demoPage(webDir, pathname.slice(1)));
    if (variant) return send(req, res, { content: variant, file: pathname, headers: {} });
    const roots = [[releaseDir, DIST_HEADERS], [distDir, DIST_HEADERS], [webDir, {}]];
    for (const [root, headers] of roots) {
      if (!root) continue;
      const file = resolveInside(root, pathname);
      if (file === null) return notFound(res);
      const info = await regularFile(root, file);
      if (!info) continue;
      const shipped = headers === DIST_HEADERS && path.extname(file).toLowerCase() === '.html';
      const own = shipped ? FRAME_HEADERS : headers;
      const vary = headers === DIST_HEADERS && isCompressible(file);
      // A sibling sent instead: the file itself is never read for it.
      const packed = vary ? await precompressed(req, root, file, info.mtimeMs) : null;
      const content = packed?.content ?? (await readFile(file).catch(() => null));
      if (!content) continue;
      return send(req, res, {
        content, encoding: packed?.encoding, vary, file,
        headers: headers === DIST_HEADERS ? changedHeaders(own, fileHeaders, pathname) : own,
      });
    }
    notFound(res);
  };
}
