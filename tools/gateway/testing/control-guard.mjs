// Who may use the test controls under /__natter/ (test-controls.mjs), even
// where they are on. Only a test tool on this machine, speaking straight to
// the gateway's loopback port:
//   - from a loopback address, to a loopback host name AND the port this
//     socket listens on (a DNS-rebound name like evil.example pointing at
//     127.0.0.1 is refused, and so is a proxy that passes its own Host on:
//     its port is not ours);
//   - with no proxy forwarding header: a reverse proxy on the same host
//     reaches the gateway from 127.0.0.1 too, and would otherwise hand the
//     controls to the whole internet;
//   - not from another site: a browser marks cross-site requests with
//     Sec-Fetch-Site and Origin, which a page cannot remove;
//   - a POST (every control that changes anything) carries the header
//     CONTROL_HEADER. A page can send a cross-site POST with a text/plain
//     body and no preflight, but not with a custom header: that needs a
//     CORS preflight, which the controls never allow.
// refusal(req) returns null (allowed) or {status, code, message}. Anything
// that cannot be a local test tool gets 404, as if the controls were absent.

export const CONTROL_HEADER = 'natter-test-control';

// 127.0.0.0/8, ::1, and IPv4-mapped loopback.
export function isLoopback(address = '') {
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

// A Host header naming this machine without DNS, at `port` (this socket's).
function isOwnLoopbackHost(host = '', port) {
  const match = /^(\[::1\]|[^:\[\]]+)(?::(\d+))?$/.exec(host);
  if (!match) return false;
  const [, name, given = '80'] = match;
  const loopback = name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
  return loopback && Number(given) === port;
}

// Headers a proxy adds when it forwards a request (RFC 7239 and the common
// de facto ones).
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'];

const ABSENT = { status: 404, code: 'not_found', message: 'Not found.' };

export function refusal(req) {
  const h = req.headers ?? {};
  if (!isLoopback(req.socket?.remoteAddress)) return ABSENT;
  if (!isOwnLoopbackHost(h.host, req.socket?.localPort)) return ABSENT;
  if (FORWARDING_HEADERS.some((name) => h[name] !== undefined)) return ABSENT;
  const site = h['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return ABSENT;
  if (h.origin !== undefined && h.origin !== `http://${h.host}`) return ABSENT;
  if (req.method !== 'GET' && req.method !== 'HEAD' && h[CONTROL_HEADER] !== '1') {
    return {
      status: 403, code: 'control_header_required',
      message: `Test controls that change state need the header ${CONTROL_HEADER}: 1.`,
    };
  }
  return null;
}
