// The widget's CDN origin: Debian's nginx serving a release folder over
// HTTPS with the headers docs/deploying.md recommends
// (tools/proxy/nginx-cdn.conf.tmpl). Resolves {origin, port, accessLog(),
// errorLog(), stop()}; accessLog() is every request nginx answered so far,
// as {method, path, status}, in order (what crossed the wire).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startProxy } from '../../tools/proxy/proxies.mjs';

// nginx's default "combined" format: … "GET /path HTTP/2.0" 304 0 "…" "…"
const REQUEST_LINE = /"(\w+) (\S+) HTTP\/[\d.]+" (\d{3}) /;

export async function startCdn({ releaseDir, host, leaf }) {
  const nginx = await startProxy('nginx-cdn', { values: { ROOT: releaseDir, CERT: leaf.cert, KEY: leaf.key } });
  const accessLog = () => {
    let text = '';
    try { text = readFileSync(path.join(nginx.prefix, 'access.log'), 'utf8'); } catch { /* nothing served yet */ }
    return text.split('\n').map((line) => REQUEST_LINE.exec(line)).filter(Boolean)
      .map(([, method, p, status]) => ({ method, path: p, status: Number(status) }));
  };
  return { origin: `https://${host}:${nginx.port}`, port: nginx.port, accessLog, errorLog: nginx.errorLog, stop: nginx.stop };
}
