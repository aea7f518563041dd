// Events out over HTTPS, as a shop deploys them (docs/record.md, "Events
// out"): `npm run gateway` as its own process, its record in SQLite, posting
// to the shop's https:// endpoint whose certificate comes from the shop's
// own CA, which the gateway is told to trust the way Node is told
// (NODE_EXTRA_CA_CERTS). While the endpoint shows a certificate from a CA
// nobody trusts, nothing is posted: each attempt fails, the log says why
// once, and the event waits. Once the endpoint shows its proper
// certificate, the next retry delivers the event, signed, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCertificates } from './ca.mjs';
import { freePort } from '../server/redis-helpers.mjs';
import { eventually, request } from '../server/helpers.mjs';
import { closeAllSockets, connect, helloFrame } from '../server/session-helpers.mjs';
import { verifyNatterSignature } from '../../examples/shop-webhook/verify-signature.mjs';

const mainPath = fileURLToPath(new URL('../../tools/gateway/main.mjs', import.meta.url));
const SECRET = 'whsec_events_tls_0123456789abcdef';
const STAFF_TOKEN = 'staff-token-for-events-tls-0123456789';
const SHOP = 'https://shop.example';
const HOST = '127.0.0.1';

// The shop's endpoint on HTTPS: records each post, answers 204.
async function startReceiver(leaf) {
  const posts = [];
  const server = https.createServer({ cert: readFileSync(leaf.cert), key: readFileSync(leaf.key) }, async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    posts.push({ id: req.headers['natter-event-id'], type: req.headers['natter-event-type'], signature: req.headers['natter-signature'], body });
    res.writeHead(204).end();
  });
  await new Promise((r) => server.listen(0, HOST, r));
  return {
    posts, url: `https://${HOST}:${server.address().port}/natter-events`,
    showCertificate: (l) => server.setSecureContext({ cert: readFileSync(l.cert), key: readFileSync(l.key) }),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

async function startGateway({ work, port, eventsUrl, caCert }) {
  const distDir = path.join(work, 'dist');
  mkdirSync(distDir);
  writeFileSync(path.join(distDir, 'manifest.json'), JSON.stringify({ build: 'events-tls-test' }));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NATTER_') && name !== 'PORT'));
  const child = spawn(process.execPath, [mainPath, '--gateway'], {
    env: {
      ...env, PORT: String(port), NODE_EXTRA_CA_CERTS: caCert, NATTER_STORE: 'memory', NATTER_AGENT: 'webhook',
      NATTER_WEBHOOK_URL: 'http://127.0.0.1:9/never-asked', NATTER_WEBHOOK_SECRET: SECRET, NATTER_ALLOWED_ORIGINS: SHOP,
      NATTER_VOICE_STT: 'off', NATTER_DIST_DIR: distDir, NATTER_RECORD: `sqlite:${path.join(work, 'record.sqlite')}`,
      NATTER_EVENTS_URL: eventsUrl, NATTER_EVENTS_SECRET: SECRET, NATTER_STAFF_TOKEN: STAFF_TOKEN, NATTER_METRICS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', (c) => { out += c; });
  const exited = once(child, 'exit');
  await eventually(() => /Natter gateway: http/.test(out) || child.exitCode !== null, 15_000, 'the gateway to listen');
  if (child.exitCode !== null) throw new Error(`the gateway exited: ${out}`);
  return {
    url: `http://${HOST}:${port}/`, out: () => out,
    stop: async () => { if (child.exitCode === null) { child.kill('SIGTERM'); await exited; } },
  };
}

const metric = (text, name) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)$`, 'm'))?.[1] ?? NaN);

test('events out to an https endpoint: refused while its certificate is untrusted, delivered once signed when it is', { timeout: 60_000 }, async (t) => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'natter-events-tls-'));
  const caIn = (name) => {
    const dir = path.join(work, name);
    mkdirSync(dir);
    return makeCertificates(dir, [HOST]);
  };
  const shopCa = caIn('shop-ca');
  const strangerCa = caIn('stranger-ca'); // the same name, a CA nobody told the gateway of
  const receiver = await startReceiver(strangerCa.leaves[HOST]);
  const gateway = await startGateway({ work, port: await freePort(), eventsUrl: receiver.url, caCert: shopCa.caCert });
  t.after(async () => {
    closeAllSockets();
    await gateway.stop();
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  });

  const socket = await connect(gateway.url, { headers: { Origin: SHOP } });
  socket.send({ ...helloFrame({ session: 'events-tls' }), features: ['handoff'] });
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send({ type: 'handoff.email', email_id: 'e-1', email: 'sam@example.com' });
  await socket.waitFor((f) => f.type === 'handoff.email_saved');

  // Untrusted: the posts fail in TLS, before a byte of an event leaves.
  const metrics = async () => (await request(gateway.url, { path: '/metrics' })).body;
  await eventually(async () => metric(await metrics(), 'natter_events_out_failed_attempts_total') >= 2, 15_000, 'two failed attempts');
  assert.equal(receiver.posts.length, 0, 'nothing reached the endpoint');
  assert.equal(metric(await metrics(), 'natter_events_out_delivered_total'), 0);
  const refusals = gateway.out().match(/events out: posting to https:\/\/127\.0\.0\.1:\d+ failed \(([A-Z_]+)\)/g) ?? [];
  assert.equal(refusals.length, 1, `said once, not per attempt: ${gateway.out()}`);
  assert.match(refusals[0], /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
  const waiting = await request(gateway.url, { path: '/staff/record/events', headers: { Authorization: `Bearer ${STAFF_TOKEN}` } });
  assert.ok(JSON.parse(waiting.body).events.pending >= 2, waiting.body);

  // The shop fixes its certificate: the retries deliver each event once, signed.
  receiver.showCertificate(shopCa.leaves[HOST]);
  const email = await eventually(() => receiver.posts.find((p) => p.type === 'email.left'), 20_000, 'the email.left post');
  assert.equal(verifyNatterSignature(email.body, email.signature, SECRET), true);
  assert.equal(JSON.parse(email.body).data.email, 'sam@example.com');
  await eventually(() => receiver.posts.some((p) => p.type === 'conversation.started'), 20_000, 'the conversation.started post');
  await eventually(async () => metric(await metrics(), 'natter_events_out_delivered_total') === receiver.posts.length, 5000, 'delivered counted');
  assert.equal(new Set(receiver.posts.map((p) => p.id)).size, receiver.posts.length, 'each event once');
  await eventually(() => /events out: https:\/\/127\.0\.0\.1:\d+ accepts events again/.test(gateway.out()), 5000, 'the recovery logged');
});
