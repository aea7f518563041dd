// A throwaway redis-server for tests and benches: a free loopback port
// (never 6379, where Debian's package runs the system service), no
// persistence (--save '' --appendonly no), stopped by its user.
// startRedis({args}) resolves { url, port, stop(), restartEmpty() } (args:
// more redis-server options, e.g. --requirepass or --user): restartEmpty
// ({downMs}) kills it and, downMs later, starts a new empty one on the same
// port (Redis lost its data, or was away a while).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function spawnRedis(port, args) {
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { out += chunk; });
  while (!out.includes('Ready to accept connections')) {
    const [chunk] = await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [null])]);
    if (chunk === null) throw new Error(`redis-server exited: ${out}`);
  }
  return child;
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

export async function startRedis({ args = [] } = {}) {
  const port = await freePort();
  if (port === 6379) throw new Error('refusing port 6379 (the system redis service)');
  let child = await spawnRedis(port, args);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() { await stopChild(child); },
    async restartEmpty({ downMs = 0 } = {}) {
      await stopChild(child);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await spawnRedis(port, args);
    },
  };
}

