// The widget's CDN origin: Debian's nginx serving a release folder over
// HTTPS with the headers docs/deploying.md recommends
// (tools/proxy/nginx-cdn.conf.tmpl). Resolves {origin, port, errorLog(), stop()}.
import { startProxy } from '../../tools/proxy/proxies.mjs';

export async function startCdn({ releaseDir, host, leaf }) {
  const nginx = await startProxy('nginx-cdn', { values: { ROOT: releaseDir, CERT: leaf.cert, KEY: leaf.key } });
  return { origin: `https://${host}:${nginx.port}`, port: nginx.port, errorLog: nginx.errorLog, stop: nginx.stop };
}
