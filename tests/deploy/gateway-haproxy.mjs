// The agent's origin: HAProxy terminating TLS (tools/proxy/haproxy-tls.cfg.tmpl)
// in front of the reference gateway's plain-HTTP loopback port, so pages
// reach it as https:// and the live session as wss://.
// Resolves {origin, port, errorLog(), stop()}.
import { startProxy } from '../../tools/proxy/proxies.mjs';

export async function startGatewayProxy({ upstreamPort, host, leaf }) {
  const haproxy = await startProxy('haproxy-tls', { upstreamPort, values: { PEM: leaf.pem } });
  return { origin: `https://${host}:${haproxy.port}`, port: haproxy.port, errorLog: haproxy.errorLog, stop: haproxy.stop };
}
