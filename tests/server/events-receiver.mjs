// The shop's endpoint for events out (docs/record.md, "Events out") in
// server tests: a real HTTP server on loopback that records each post.
import http from 'node:http';

// The shop's endpoint: records each post; `refuse` answers 500 to an event id's first post.
export async function startReceiver() {
  const posts = [];
  const refuseOnce = new Set();
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const id = req.headers['natter-event-id'];
    posts.push({ id, type: req.headers['natter-event-type'], signature: req.headers['natter-signature'], body, json: JSON.parse(body) });
    if (refuseOnce.delete(id)) { res.writeHead(500).end(); return; }
    res.writeHead(204).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/natter-events`, posts, refuseOnce,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

