// A forward proxy that maps the deployment tier's test names (shop.test,
// cdn.test, agent.test) to 127.0.0.1, for an engine with no host-resolver
// switch of its own (WebKitGTK: MiniBrowser --proxy). It only tunnels
// CONNECT (https:// and wss://) to the named hosts; anything else is refused,
// so a page can never reach beyond loopback through it.
import net from 'node:net';

export async function startHostsProxy(hosts) {
  const allowed = new Set(hosts);
  const open = new Set(); // every socket, ended at stop (a browser's keep-alive never would)
  const track = (sock) => { open.add(sock); sock.on('close', () => open.delete(sock)); return sock; };
  const server = net.createServer((client) => {
    track(client);
    let head = '';
    const onData = (chunk) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) { if (head.length > 8192) client.destroy(); return; }
      client.off('data', onData);
      const [method, target] = head.slice(0, head.indexOf('\r\n')).split(' ');
      const [host, port] = (target ?? '').split(':');
      if (method !== 'CONNECT' || !allowed.has(host) || !/^\d+$/.test(port ?? '')) {
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const upstream = track(net.connect(Number(port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      }));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    };
    client.on('data', onData);
    client.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      for (const sock of open) sock.destroy();
    }),
  };
}
