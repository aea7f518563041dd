// A throwaway PostgreSQL cluster for tests and benches: initdb in a fresh
// temporary folder, postgres on a free loopback port (unix socket in that
// folder too), no fsync, removed by stop(). PostgreSQL refuses to run as
// root: as root the cluster belongs to `nobody` (uid/gid 65534 on Debian),
// otherwise to the calling user. Binaries: Debian's postgresql (15).
// startPostgres() resolves { url, port, stop(), down(), up() }: down()
// stops the server and keeps its data, up() starts it again on the same
// port (a database that goes away and comes back).
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../redis/redis-server.mjs';

const BIN = process.env.NATTER_PG_BIN || '/usr/lib/postgresql/15/bin';
const NOBODY = 65534;

function asUser() {
  return process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
}

async function spawnPostgres(dir, port) {
  const child = spawn(path.join(BIN, 'postgres'), [
    '-D', dir, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-F',
    '-c', 'max_connections=40', '-c', 'shared_buffers=16MB',
  ], { stdio: ['ignore', 'pipe', 'pipe'], ...asUser() });
  let out = '';
  child.stderr.setEncoding('utf8');
  child.stdout.setEncoding('utf8');
  const collect = (chunk) => { out += chunk; };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  while (!out.includes('ready to accept connections')) {
    const [chunk] = await Promise.race([once(child.stderr, 'data'), once(child, 'exit').then(() => [null])]);
    if (chunk === null) throw new Error(`postgres exited: ${out}`);
  }
  return child;
}

async function stopPostgres(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGINT'); // fast shutdown: clients are disconnected, data kept
  await exited;
}

export async function startPostgres({ user = 'natter' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-pg-'));
  const owner = asUser();
  if (owner.uid !== undefined) fs.chownSync(dir, owner.uid, owner.gid);
  fs.chmodSync(dir, 0o700);
  execFileSync(path.join(BIN, 'initdb'), ['-D', dir, '-U', user, '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C'], {
    stdio: 'pipe', ...owner,
  });
  const port = await freePort();
  let child = await spawnPostgres(dir, port);
  return {
    port,
    url: `postgres://${user}@127.0.0.1:${port}/postgres`,
    async down() { await stopPostgres(child); child = null; },
    async up() { child = await spawnPostgres(dir, port); },
    async stop() {
      await stopPostgres(child);
      child = null;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
