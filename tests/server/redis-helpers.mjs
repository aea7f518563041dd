// Redis and gateway processes for the server tests: startRedis (tools/redis/
// redis-server.mjs), and a gateway instance a test may SIGKILL.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { stopChild } from '../../tools/redis/redis-server.mjs';

export { startRedis, freePort } from '../../tools/redis/redis-server.mjs';

// A gateway instance in a child process (gateway-child.mjs) that a test may
// SIGKILL. Resolves { url, port, child, kill(), stop(), log() }.
export async function startGatewayProcess(options) {
  const { fileURLToPath } = await import('node:url');
  const script = fileURLToPath(new URL('./gateway-child.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { out += chunk; });
  child.stderr.on('data', (chunk) => { err += chunk; });
  while (!/listening (\S+)\n/.test(out)) {
    const [chunk] = await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [null])]);
    if (chunk === null) throw new Error(`gateway exited: ${err}`);
  }
  const url = out.match(/listening (\S+)\n/)[1];
  return {
    url, port: Number(new URL(url).port), child, log: () => err,
    kill: () => stopChild(child),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
