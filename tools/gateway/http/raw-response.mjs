// A plain HTTP answer to an upgrade request the gateway will not take
// (origin refused, no such endpoint, shutting down, an injected test
// fault): the socket was never handed to the HTTP layer, so the response is
// written by hand.
import http from 'node:http';

// Writes a complete HTTP/1.1 response on a raw (not upgraded) socket and ends it.
export function writeRawResponse(socket, status, headers, body = '') {
  const head = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Status'}`];
  const all = { ...headers, 'Content-Length': Buffer.byteLength(body), Connection: 'close' };
  for (const [name, value] of Object.entries(all)) head.push(`${name}: ${value}`);
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
