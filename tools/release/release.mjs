// npm run release: lays out a deployable release folder (docs/deploying.md).
//
//   node tools/release/release.mjs [--out release] [--version X] [--channel latest] [--no-promote]
//       builds (tools/bundle/build.mjs; version from --version, NATTER_VERSION
//       or package.json), publishes it as <out>/v/<version>/ and points the
//       channel at it
//   node tools/release/release.mjs --promote 1.4.1 [--channel latest] [--out release]
//       points the channel at a version published earlier (a rollback is
//       the same command); nothing else changes, shops' pages included
//
// Layout of <out>:
//   natter.js                 the stable loader: follows a channel, honours
//                             data-version / ?v= pins (web/loader.js with a
//                             {channel} pointer instead of a manifest)
//   channels/<channel>.json   {"version", "build", "promoted_at"}
//   v/<version>/              manifest.json, natter.js (that release's own
//                             loader) and its content-hashed files
// A published version is immutable: publishing it again with a different
// build fails (bump the version). Every file is written beside its target
// and renamed into place, so a server never serves a half-written file.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, buildLoader, VERSION_NAME } from '../bundle/build.mjs';
import { withSiblings } from '../bundle/precompress.mjs';
import { LOADER_BUDGET } from '../bench/budgets.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// bytes, gzipped (tools/bench/budgets.mjs). The channel-following loader
// carries the channel resolution on top of a release's own loader (which
// keeps LOADER_BUDGET): the intent-only download policy and the channel URL
// handed to the core took it to 2,125 B; a continue link opening the chat at
// once (+28 B) and the preload waiting for a real idle period (+26 B) to
// 2,181 B (measured each alone against the minified loader). Over the 2 KiB
// product target on purpose, for now: those bytes are to be won back.
export const STABLE_LOADER_BUDGET = LOADER_BUDGET + 144;

function writeAtomic(file, data) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

const readManifest = (dir) => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));

function checkName(kind, name) {
  if (!VERSION_NAME.test(name ?? '')) throw new Error(`${kind} ${JSON.stringify(name)} is not a valid name`);
}

// Writes <releaseDir>/natter.js and returns its gzipped size (over the
// budget is reported, not refused: a release must stay possible). It is the
// same for every version; it must keep the loader/bundle handshake that
// every version it may be pointed at expects (shim/boot.js).
export async function writeStableLoader({ releaseDir, channel = 'latest' }) {
  checkName('channel', channel);
  const loader = await buildLoader({ channel });
  if (!loader) throw new Error('web/loader.js is missing');
  const gzipped = gzipSync(loader).length;
  // The loader first, then its siblings: a server uses a sibling only when
  // it is no older than its file (precompress.mjs).
  for (const [name, data] of withSiblings('natter.js', loader)) writeAtomic(path.join(releaseDir, name), data);
  return { gzipped };
}

// Copies a built dist/ into <releaseDir>/v/<version>/ (the version comes
// from its manifest). Returns the manifest.
export function publish({ releaseDir, distDir }) {
  const manifest = readManifest(distDir);
  checkName('version', manifest.version);
  const target = path.join(releaseDir, 'v', manifest.version);
  if (existsSync(target)) {
    const old = readManifest(target);
    if (old.build === manifest.build) return manifest; // the same release again
    throw new Error(`version ${manifest.version} is already published as build ${old.build}; bump the version`);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  // Timestamps kept: a precompressed sibling counts only when no older than
  // its file (precompress.mjs), and a copy's order is the directory's.
  cpSync(distDir, tmp, { recursive: true, preserveTimestamps: true });
  renameSync(tmp, target);
  return manifest;
}

// Points a channel at a published version: the next page load anywhere runs it.
export function promote({ releaseDir, version, channel = 'latest', now = () => new Date() }) {
  checkName('version', version);
  checkName('channel', channel);
  const dir = path.join(releaseDir, 'v', version);
  if (!existsSync(path.join(dir, 'manifest.json'))) throw new Error(`version ${version} is not published in ${releaseDir}`);
  const { build: buildId } = readManifest(dir);
  const pointer = { version, build: buildId, promoted_at: now().toISOString() };
  writeAtomic(path.join(releaseDir, 'channels', `${channel}.json`), `${JSON.stringify(pointer, null, 2)}\n`);
  return pointer;
}

// Build, publish, write the stable loader, and (unless promote is false)
// point the channel at the new version.
export async function release({ releaseDir, version, channel = 'latest', env, wasm = true, promote: doPromote = true }) {
  const distDir = path.join(tmpdir(), `natter-release-${process.pid}-${Date.now()}`);
  try {
    await build({ outDir: distDir, env, version, wasm });
    const manifest = publish({ releaseDir, distDir });
    const { gzipped } = await writeStableLoader({ releaseDir, channel });
    const pointer = doPromote ? promote({ releaseDir, version: manifest.version, channel }) : null;
    return { manifest, pointer, stableLoaderGzipped: gzipped };
  } finally {
    rmSync(distDir, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: path.join(repoRoot, 'release') },
      version: { type: 'string' },
      channel: { type: 'string', default: 'latest' },
      promote: { type: 'string' },
      'no-promote': { type: 'boolean', default: false },
    },
  });
  const releaseDir = path.resolve(values.out);
  if (values.promote) {
    const p = promote({ releaseDir, version: values.promote, channel: values.channel });
    console.log(`[release] channel ${values.channel} -> ${p.version} (build ${p.build})`);
    return;
  }
  const r = await release({ releaseDir, version: values.version, channel: values.channel, promote: !values['no-promote'] });
  console.log(`[release] published ${r.manifest.version} (build ${r.manifest.build}) in ${releaseDir}/v/${r.manifest.version}`);
  const over = r.stableLoaderGzipped > STABLE_LOADER_BUDGET ? ' OVER BUDGET' : '';
  console.log(`[release] stable loader natter.js: ${r.stableLoaderGzipped} B gzipped (budget ${STABLE_LOADER_BUDGET} B)${over}`);
  if (r.pointer) console.log(`[release] channel ${values.channel} -> ${r.pointer.version}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`[release] failed: ${err.message}`);
    process.exit(1);
  });
}
