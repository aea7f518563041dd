// Which address a request comes from, for the per-client budgets (POST
// /api/chat's chat-budget.mjs, the live session's sockets per address, typed
// continue codes). Behind a reverse proxy every socket's peer is the proxy,
// so its X-Forwarded-For is believed, but only when the peer is one of the
// trusted proxies (NATTER_TRUSTED_PROXIES): anyone else could write any
// address there and get a fresh budget per request.
//
// Walking X-Forwarded-For from the right (each proxy appends the address it
// saw), trusted proxies are skipped and the first untrusted hop is the
// client: entries to its left were written by the client itself and prove
// nothing. If every hop is trusted, the leftmost is the client.
import net from 'node:net';

function bare(address) {
  // 127.0.0.1 seen by an IPv6 socket is ::ffff:127.0.0.1
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

// `trusted`: addresses and CIDRs (parse-value.mjs cidrs) -> a matcher.
export function trustedProxies(trusted = []) {
  const list = new net.BlockList();
  for (const entry of trusted) {
    const [address, prefix] = entry.split('/');
    const family = net.isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return {
    size: trusted.length,
    has(address) {
      const ip = bare(address);
      const family = net.isIP(ip);
      return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

// The client's address for `req` (an http request, also the upgrade's).
export function clientAddress(req, proxies) {
  const peer = bare(req.socket?.remoteAddress ?? '');
  if (!proxies?.size || !proxies.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((h) => bare(h.trim()));
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i];
    // A hop that is no address: the proxy chain is misconfigured; the
    // nearest trusted hop stands in rather than a made-up key.
    if (!net.isIP(hop)) break;
    client = hop;
    if (!proxies.has(hop)) break;
  }
  return client;
}
