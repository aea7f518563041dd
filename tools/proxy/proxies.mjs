// Starts a real reverse proxy (Debian's nginx or haproxy) as a child
// process with its own temp prefix, listening on 127.0.0.1:<free port> in
// front of `upstreamPort`. For tests: everything lives in a temp dir that
// stop() removes, and nothing outlives stop().
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NGINX = '/usr/sbin/nginx';
export const HAPROXY = '/usr/sbin/haproxy';

// A port nobody listens on right now (bound then released).
export async function freePort() {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function fill(template, values, text = readFileSync(path.join(here, template), 'utf8')) {
  return text
    .replace(/\{\{(\w+)\}\}/g, (_, key) => String(values[key]));
}

async function waitForPort(port, child, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`proxy not listening on ${port} within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// `kind`: a template here, 'nginx-good' | 'nginx-bad' | 'nginx-cdn' (nginx,
// <kind>.conf.tmpl) or 'haproxy' | 'haproxy-tls' (<kind>.cfg.tmpl).
// `readTimeout`: nginx's proxy_read_timeout (e.g. '180s', '1s'). `values`:
// more placeholders (the TLS and CDN templates name theirs). `templateText`:
// a template of the same kind given as text instead (a shipped example with
// its listener and servers swapped for placeholders). `upstreamPorts`
// (haproxy): several instances, balanced round robin. Resolves
// { url, port, prefix, errorLog(), stop() }.
export async function startProxy(kind, {
  upstreamPort, upstreamPorts = [upstreamPort], readTimeout = '180s', values: extra = {}, templateText,
}) {
  const prefix = mkdtempSync(path.join(os.tmpdir(), `natter-${kind}-`));
  chmodSync(prefix, 0o755); // nginx workers may run as nobody when the test runs as root
  const port = await freePort();
  const values = { PREFIX: prefix, LISTEN: `127.0.0.1:${port}`, UPSTREAM: `127.0.0.1:${upstreamPort}`,
    READ_TIMEOUT: readTimeout,
    SERVERS: upstreamPorts.map((p, i) => `  server app${i} 127.0.0.1:${p} check inter 200ms fall 1 rise 1`).join('\n'),
    ...extra };
  let child;
  if (kind.startsWith('haproxy')) {
    writeFileSync(path.join(prefix, 'haproxy.cfg'), fill(`${kind}.cfg.tmpl`, values, templateText));
    child = spawn(HAPROXY, ['-db', '-f', path.join(prefix, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  } else {
    for (const dir of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      mkdirSync(path.join(prefix, 'tmp', dir), { recursive: true, mode: 0o777 });
      chmodSync(path.join(prefix, 'tmp', dir), 0o777);
    }
    writeFileSync(path.join(prefix, 'nginx.conf'), fill(`${kind}.conf.tmpl`, values, templateText));
    child = spawn(NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'),
      '-g', `daemon off; pid ${path.join(prefix, 'nginx.pid')};`], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => { stderr += c; });
  const exited = once(child, 'exit');
  // A test process that dies without stop() must not leave its proxy running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));
  try {
    await waitForPort(port, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${kind} did not start: ${error.message}\n${stderr}`);
  }

  let stopping = null;
  function stop() {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(prefix, { recursive: true, force: true });
    })();
    return stopping;
  }

  const errorLog = () => {
    try { return readFileSync(path.join(prefix, 'error.log'), 'utf8') + stderr; } catch { return stderr; }
  };
  return { url: `http://127.0.0.1:${port}/`, port, prefix, errorLog, stop };
}
