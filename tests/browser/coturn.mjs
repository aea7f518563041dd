// A throwaway coturn (Debian's `coturn`, never its system service) on a free
// loopback port for the WebRTC voice tests: TURN REST credentials
// (--use-auth-secret, the gateway mints them), loopback peers allowed (the
// gateway's werift listens on 127.0.0.1), and with `tcpOnly` no UDP between
// the browser and the relay. With `tls` the relay is reached over TLS only
// (no UDP, plain TCP or DTLS listener) on a self-signed certificate for
// 127.0.0.1 made here with openssl; Chromium accepts it with
// `--ignore-certificate-errors-spki-list=${turn.spki}` (its public key's
// SHA-256, base64). Flags: CONTRIBUTING.md's toolchain table, coturn's
// examples/etc/turnserver.conf.
//
//   const turn = await startCoturn({ secret, tcpOnly: true });
//   turn.urls: ['turn:127.0.0.1:P?transport=tcp']; await turn.stop();
//   const udp = await startCoturn({ secret, tcpOnly: false });
//   udp.urls: ['turn:127.0.0.1:P?transport=udp']
//   const tls = await startCoturn({ secret, tls: true });
//   tls.urls: ['turns:127.0.0.1:P?transport=tcp'], tls.spki
import { spawn, execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// A throwaway self-signed certificate for 127.0.0.1 (Node's crypto reads
// certificates but does not make them). Returns its files and the base64
// SHA-256 of its SubjectPublicKeyInfo, what Chromium's
// --ignore-certificate-errors-spki-list takes.
function selfSignedCert(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
  { stdio: 'ignore' });
  const spkiDer = new X509Certificate(readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' });
  return { cert, key, spki: createHash('sha256').update(spkiDer).digest('base64') };
}

export async function startCoturn({ secret, tcpOnly = true, tls = false }) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-coturn-'));
  const certs = tls ? selfSignedCert(dir) : null;
  const listeners = tls
    ? ['--no-udp', '--no-tcp', '--no-dtls', `--tls-listening-port=${port}`, `--cert=${certs.cert}`, `--pkey=${certs.key}`]
    : [`--listening-port=${port}`, '--no-tls', '--no-dtls', ...(tcpOnly ? ['--no-udp'] : [])];
  const args = [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', ...listeners,
    '--allow-loopback-peers', '--no-cli', '--realm=natter.test',
    '--use-auth-secret', `--static-auth-secret=${secret}`, `--userdb=${path.join(dir, 'turndb')}`,
    `--pidfile=${path.join(dir, 'turnserver.pid')}`, `--log-file=${path.join(dir, 'turn.log')}`, '--simple-log',
    '--min-port=49160', '--max-port=49960',
  ];
  const child = spawn('turnserver', args, { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => { exited = true; });
  for (let i = 0; i < 200 && !exited; i++) {
    if (await accepts(port)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  if (exited) throw new Error('turnserver exited at start (is Debian\'s coturn installed? tools/setup.sh)');
  return {
    port,
    urls: [`${tls ? 'turns' : 'turn'}:127.0.0.1:${port}?transport=${tls || tcpOnly ? 'tcp' : 'udp'}`],
    spki: certs?.spki ?? null,
    log: path.join(dir, 'turn.log'),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await new Promise((r) => { if (exited) r(); else child.once('exit', r); });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
