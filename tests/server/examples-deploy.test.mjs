// The deployment files shipped in examples/deploy/ are checked by the tools
// that will read them: the systemd unit by `systemd-analyze verify` (any
// warning fails: systemd ignores a bad line with only a warning), the
// nginx site by `nginx -t` (its TLS lines swapped for a plain loopback
// listener), the coturn file by starting coturn with it (loopback ports;
// coturn only warns about an option it does not know, so any warning
// fails). The HAProxy example runs for real in gateway-drain.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NGINX, freePort } from '../../tools/proxy/proxies.mjs';

const examples = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../examples/deploy');

test('the systemd unit verifies without a warning and drains on SIGTERM', () => {
  const unit = path.join(examples, 'natter-gateway.service');
  const text = readFileSync(unit, 'utf8');
  const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr.trim(), '', 'systemd-analyze printed a warning');
  assert.match(text, /^ExecStart=\S+ \S+main\.mjs --gateway$/m);
  assert.match(text, /^KillSignal=SIGTERM$/m);
  // systemd must wait out the drain deadline (20 s) before its SIGKILL.
  const stopSec = Number(text.match(/^TimeoutStopSec=(\d+)$/m)?.[1]);
  assert.ok(stopSec > 20, `TimeoutStopSec=${stopSec}`);
});

test('the nginx example passes nginx -t', () => {
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'natter-nginx-example-'));
  try {
    for (const dir of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(prefix, 'tmp', dir), { recursive: true });
    const site = readFileSync(path.join(examples, 'nginx.conf'), 'utf8')
      .replace(/listen 443 ssl http2;/, 'listen 127.0.0.1:18080;')
      .replace(/^\s*ssl_certificate.*\n/gm, '');
    assert.match(site, /location = \/readyz/);
    writeFileSync(path.join(prefix, 'site.conf'), site);
    writeFileSync(path.join(prefix, 'nginx.conf'), `error_log ${prefix}/error.log;
pid ${prefix}/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body; proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi; uwsgi_temp_path ${prefix}/tmp/uwsgi; scgi_temp_path ${prefix}/tmp/scgi;
  include ${prefix}/site.conf;
}
`);
    const result = spawnSync(NGINX, ['-t', '-p', prefix, '-e', `${prefix}/error.log`, '-c', path.join(prefix, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /test is successful/);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});

test('coturn starts with the example file, knows every option, and denies private and loopback peers', async () => {
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'natter-coturn-example-'));
  const port = await freePort();
  const text = readFileSync(path.join(examples, 'turnserver.conf'), 'utf8');
  for (const range of ['10.0.0.0-10.255.255.255', '127.0.0.0-127.255.255.255', '169.254.0.0-169.254.255.255', '172.16.0.0-172.31.255.255', '192.168.0.0-192.168.255.255', '::1']) {
    assert.match(text, new RegExp(`^denied-peer-ip=${range.replace(/[.]/g, '\\.')}$`, 'm'));
  }
  // Loopback ports and addresses instead of the public ones; no TLS files here.
  const local = text.replace(/^listening-port=.*$/m, `listening-port=${port}`)
    .replace(/^tls-listening-port=.*$/m, 'no-tls\nno-dtls')
    .replace(/^external-ip=.*$/m, 'listening-ip=127.0.0.1\nrelay-ip=127.0.0.1')
    .replace(/^(cert|pkey)=.*\n/gm, '');
  writeFileSync(path.join(prefix, 'turnserver.conf'), local);
  const child = spawn('turnserver', ['-c', path.join(prefix, 'turnserver.conf'), '--log-file=stdout', '--pidfile', path.join(prefix, 'pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c) => { out += c; });
  child.stderr.setEncoding('utf8').on('data', (c) => { out += c; });
  try {
    const deadline = Date.now() + 10_000;
    while (!/Total General servers/.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(child.exitCode, null, out);
    assert.doesNotMatch(out, /Bad configuration format|CONFIG ERROR|CONFIGURATION ALERT/, out);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    rmSync(prefix, { recursive: true, force: true });
  }
});
