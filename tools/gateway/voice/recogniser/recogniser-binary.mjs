// The resident recogniser's program (natter-recogniser.c), compiled on first
// use into the build cache outside the repository ($NATTER_CACHE or
// ~/.cache/natter, as tools/fetch-opus.sh), one folder per version of the
// source, so every later start finds it ready. Needs a C compiler and
// Debian's libpocketsphinx-dev (tools/setup.sh installs both); without them
// recogniserBinary() says why and the gateway starts pocketsphinx once per
// utterance instead (stt-pocketsphinx.mjs).
//
// recogniserBinary() → {path} | {path: null, reason}
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./natter-recogniser.c', import.meta.url));

let result = null;

function compile(source, target) {
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'pocketsphinx', 'sphinxbase'], { encoding: 'utf8' })
    .trim().split(/\s+/);
  // Built beside and renamed in: another process may be starting the same program.
  const part = `${target}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    execFileSync('cc', ['-O2', '-o', part, source, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(part, target);
  } finally {
    rmSync(part, { force: true });
  }
}

export function recogniserBinary() {
  if (result) return result;
  const source = readFileSync(SOURCE);
  const version = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cache = process.env.NATTER_CACHE || path.join(homedir(), '.cache/natter');
  const dir = path.join(cache, 'recogniser', version);
  const target = path.join(dir, 'natter-recogniser');
  if (!existsSync(target)) {
    try {
      mkdirSync(dir, { recursive: true });
      compile(SOURCE, target);
    } catch (error) {
      const detail = String(error.stderr ?? error.message ?? error).trim().split('\n')[0];
      result = { path: null, reason: `could not build ${path.basename(SOURCE)} (${detail}); needs cc and libpocketsphinx-dev` };
      return result;
    }
  }
  result = { path: target };
  return result;
}
