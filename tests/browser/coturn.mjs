// A throwaway coturn (Debian's `coturn`, never its system service) on a free
// loopback port for the WebRTC voice tests: TURN REST credentials
// (--use-auth-secret, the gateway mints them), loopback peers allowed (the
// gateway's werift listens on 127.0.0.1), and with `tcpOnly` no UDP between
// the browser and the relay. Flags: /work/shared/TOOLCHAIN.md, coturn's
// examples/etc/turnserver.conf.
//
//   const turn = await startCoturn({ secret, tcpOnly: true });
//   turn.urls: ['turn:127.0.0.1:P?transport=tcp']; await turn.stop();
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

export async function startCoturn({ secret, tcpOnly = true }) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-coturn-'));
  const args = [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
    '--allow-loopback-peers', '--no-cli', '--no-tls', '--no-dtls', '--realm=natter.test',
    '--use-auth-secret', `--static-auth-secret=${secret}`, `--userdb=${path.join(dir, 'turndb')}`,
    `--pidfile=${path.join(dir, 'turnserver.pid')}`, `--log-file=${path.join(dir, 'turn.log')}`, '--simple-log',
    '--min-port=49160', '--max-port=49960', ...(tcpOnly ? ['--no-udp'] : []),
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
    urls: [`turn:127.0.0.1:${port}?transport=tcp`],
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
