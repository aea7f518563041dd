// Installs the pinned commerce engine (package.json + package-lock.json
// here) into a cache outside the clone, once per lock file: a second run,
// or a second clone on the same machine, finds it there. `npm ci` into a
// temporary folder renamed into place, so a run stopped half-way leaves
// nothing that looks installed.
//
//   const dir = ensureVendureInstall();   // the folder whose node_modules hold @vendure/core
//   node tools/vendure/install.mjs        // the same, from a shell (tools/setup.sh)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const FILES = ['package.json', 'package-lock.json'];

export function vendureCacheRoot(env = process.env) {
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'natter');
}

// The install's folder: named by the lock file's hash, so a new pin is a new folder.
export function vendureInstallDir(env = process.env) {
  const hash = createHash('sha256');
  for (const f of FILES) hash.update(readFileSync(path.join(here, f)));
  return path.join(vendureCacheRoot(env), `vendure-${hash.digest('hex').slice(0, 12)}`);
}

export function ensureVendureInstall({ env = process.env, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const dir = vendureInstallDir(env);
  if (existsSync(path.join(dir, 'node_modules/@vendure/core/package.json'))) return dir;
  mkdirSync(path.dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}.staging-`);
  try {
    for (const f of FILES) copyFileSync(path.join(here, f), path.join(staging, f));
    log(`[vendure] installing the pinned engine into ${dir} (npm ci, once per lock file)`);
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: staging, stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) throw new Error(`npm ci for the commerce engine failed (exit ${r.status ?? r.signal})`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return dir;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(ensureVendureInstall());
}
