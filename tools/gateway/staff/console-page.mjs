// The operator console's files (staff/console/): a static page for shop
// staff at /staff/console, its modules and stylesheet under
// /staff/console/<name>. Served only while the staff API is on (the caller
// answers 404 otherwise). The page holds no data and no secret: staff type
// the token into its sign-in form and every call it makes goes through the
// bearer-checked staff API. A strict policy: scripts, styles and calls from
// this origin only, nothing inline, no eval, no framing, no form posts;
// images also from blob: (a shopper's photo is fetched with the Bearer
// header and shown from a blob: URL the page itself made, console/photos.js).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentTypeFor } from '../static/static-files.mjs';

export const CONSOLE_PATH = '/staff/console';
const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'console');
const ASSET = /^\/staff\/console\/([a-z][a-z0-9-]*\.(?:js|css|svg))$/; // flat folder, no traversal

export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
  + "img-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HEADERS = Object.freeze({
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
});

const notFound = (res) => { res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }); res.end('Not found\n'); };

// True when `pathname` is the console's; then the answer has been sent.
export async function serveConsole(req, res, pathname) {
  if (pathname !== CONSOLE_PATH && !pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return true;
  }
  if (pathname === `${CONSOLE_PATH}/`) { // typed with a slash: the page's relative URLs need none
    res.writeHead(308, { Location: CONSOLE_PATH });
    res.end();
    return true;
  }
  const name = pathname === CONSOLE_PATH ? 'index.html' : ASSET.exec(pathname)?.[1];
  if (!name) { notFound(res); return true; }
  let content;
  try { content = await readFile(path.join(DIR, name)); } catch { notFound(res); return true; }
  res.writeHead(200, { ...HEADERS, 'Content-Type': contentTypeFor(name), 'Content-Length': content.length });
  res.end(req.method === 'HEAD' ? undefined : content);
  return true;
}
