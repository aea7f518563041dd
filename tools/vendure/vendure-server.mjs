// Starts the commerce test tier's shop: Vendure (installed by install.mjs,
// used unmodified) on a free loopback port, on its own copy of a seeded
// SQLite database, and stops it after. Seeding takes ~15 s, so it is done
// once per install and seed and kept beside the install as a template;
// each server starts from a fresh copy of it (a few seconds).
//
//   const shop = await startVendure();
//   shop.shopApiUrl    http://127.0.0.1:<port>/shop-api  (what a storefront calls)
//   shop.adminApiUrl   http://127.0.0.1:<port>/admin-api
//   await shop.stop()
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../redis/redis-server.mjs';
import { ensureVendureInstall } from './install.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PROCESS = path.join(here, 'vendure-process.mjs');
const READY_MS = 120_000;

function seedHash() {
  const hash = createHash('sha256');
  for (const f of [PROCESS, ...readdirSync(path.join(here, 'seed')).sort().map((f) => path.join(here, 'seed', f))]) hash.update(readFileSync(f));
  return hash.digest('hex').slice(0, 12);
}

// Runs vendure-process.mjs; resolves {child, output} once it printed `until`.
function run(installDir, database, port, args, until) {
  // Telemetry off (tests must not call home), and run beside the database
  // so nothing the engine writes to its working folder lands in the clone.
  const child = spawn(process.execPath, [PROCESS, installDir, database, String(port), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], cwd: path.dirname(database), env: { ...process.env, VENDURE_DISABLE_TELEMETRY: 'true' },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`Vendure did not print "${until}" within ${READY_MS} ms:\n${output.slice(-2000)}`)); }, READY_MS);
    const take = (chunk) => {
      output += chunk;
      if (output.length > 200_000) output = output.slice(-100_000);
      if (output.includes(`${until}\n`)) { clearTimeout(timer); resolve({ child, output }); }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Vendure exited (${code ?? signal}) before "${until}":\n${output.slice(-2000)}`));
    });
  });
}

async function ensureTemplate(installDir) {
  const template = path.join(installDir, `shop-${seedHash()}.sqlite`);
  if (existsSync(template)) return template;
  const work = mkdtempSync(path.join(tmpdir(), 'natter-vendure-seed-'));
  try {
    const database = path.join(work, 'shop.sqlite');
    const { child } = await run(installDir, database, await freePort(), ['--populate'], 'populated');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    renameSync(database, `${template}.part`);
    renameSync(`${template}.part`, template);
    return template;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function startVendure() {
  const installDir = ensureVendureInstall();
  const template = await ensureTemplate(installDir);
  const work = mkdtempSync(path.join(tmpdir(), 'natter-vendure-'));
  const database = path.join(work, 'shop.sqlite');
  copyFileSync(template, database);
  const port = await freePort();
  let child;
  try {
    ({ child } = await run(installDir, database, port, [], 'ready'));
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    shopApiUrl: `${base}/shop-api`,
    adminApiUrl: `${base}/admin-api`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
