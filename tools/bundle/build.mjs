// npm run build: WASM build + shim bundle + content-hashed dist/ + loader.
//
//   node tools/bundle/build.mjs    (env from NATTER_ENV; version from
//                                  NATTER_VERSION, else package.json)
//   import { build } from './tools/bundle/build.mjs';
//   const { outDir, manifest } = await build({ outDir, env, version, wasm });
//   wasm: false reuses build/wasm's outputs instead of running cmake (tests
//   that build several releases; fails if they are missing).
//
// Steps:
//   1. emcmake cmake -S . -B build/wasm (only when build/wasm/CMakeCache.txt
//      is missing), then cmake --build build/wasm -j2. Emscripten's JS
//      optimizer needs NODE_PATH=/usr/share/nodejs, so it is always set;
//      EM_CLOSURE_COMPILER points at node_modules/.bin/google-closure-compiler
//      (the link runs closure on the glue, wasm/CMakeLists.txt).
//   2. shim/boot.js bundled by esbuild (iife, es2020, minified, its CSS
//      literals too: minify-css.mjs; in memory,
//      opening with a /* natter <version> */ banner: each version's bundle
//      has its own hash), with two build-time constants: __NATTER_ENV__ (the
//      env: code for development/staging only is dropped from production)
//      and __NATTER_FILES__ (every manifest entry but core_js itself and
//      the files only a call uses, which the voice runtime chunk carries,
//      so the loader only has to carry core_js; shim/release-files.js). The core
//      .wasm has no Emscripten glue: shim/core-api.js instantiates it.
//   3. Every shipped file is named <stem>.<sha256[:12]>.<ext> and gets an
//      SRI hash (sha256-<base64>): natter.core.*.js/.wasm,
//      natter.corerest.*.wasm (the core .wasm in two parts: split-core.mjs;
//      natter.coresession.*.wasm and natter.coresessionrest.*.wasm, the
//      same split by the live session's first chats),
//      natter.voice.*.js (the voice worker bundled with its glue) /.wasm,
//      natter.voicescalar.*.wasm (the codec without WASM SIMD),
//      natter.frame.*.js (shim/frame/core-frame.js bundled) and
//      natter.frame.*.html (a page with only a script tag for it,
//      SRI-checked): the core frame for host pages whose CSP forbids
//      compiling WebAssembly (shim/frame/README.md),
//      natter.voiceframe.*.html and .js (the page that starts the voice
//      worker for a page on another origin, step 2c),
//      natter.sessionui.*.js, natter.voiceruntime.*.js and natter.framehost.*.js (chunks loaded
//      only when needed, step 2c),
//      worklet.<name>.*.js (from web/worklets/),
//      i18n.<locale>.*.js (every shim/i18n/<locale>.js catalogue but English,
//      which the core bundle carries): one statement,
//      `window.natter.__i18n("<locale>", {...})`, loaded by shim/i18n/load.js
//      only when that locale is active (docs/theming.md, "Languages").
//   4. dist/manifest.json = {version, env, build, files: {key: {path, integrity}}}
//      Every text and .wasm file gets precompressed siblings, <name>.br and
//      <name>.gz (precompress.mjs), for servers that send them as they are.
//      where build = sha256[:12] over every listed file's sha256.
//   5. dist/natter.js = web/loader.js with its one `__NATTER_RELEASE__`
//      placeholder replaced by {version, build, files: {core_js}} (the
//      bundle carries the other entries: the loader stays under its 2 KiB
//      gzipped budget), minified (iife). Stable name, so host pages never
//      change their script tag.
// dist/ is written to a sibling temp dir, then swapped in: stale files vanish
// and a failed build leaves the previous dist/ untouched.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, mkdirSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { minifyCssPlugin } from './minify-css.mjs';
import { withSiblings } from './precompress.mjs';
import { FIRST_CHAT_DIR, firstChatRecordings, splitCore } from './split-core.mjs';
import { CHUNKS } from './chunks.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENVS = ['development', 'staging', 'production'];
const PLACEHOLDER = '__NATTER_RELEASE__';

const warn = (msg) => console.warn(`[build] warning: ${msg}`);

function run(cmd, args, env) {
  console.log(`[build] ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, env, stdio: 'inherit' });
  if (r.error) throw new Error(`${cmd} could not start (${r.error.code}); run npm run setup`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit status ${r.status}`);
}

// The closure compiler for the link's --closure 1 (wasm/CMakeLists.txt): the
// npm package, which runs its native binary (google-closure-compiler-linux)
// and needs no Java.
const CLOSURE_COMPILER = path.join(repoRoot, 'node_modules/.bin/google-closure-compiler');

// emcc runs each clang compile through ccache when it is installed
// (cmake/ccache.cmake says why inside emcc rather than around it). The cache
// is ccache's own, outside the clone; Debian's Emscripten keeps its system
// libraries in its own frozen cache under /usr/share/emscripten, outside too.
function compilerWrapper(env) {
  if (env.NATTER_CCACHE === 'OFF' || env.EM_COMPILER_WRAPPER) return {};
  const found = spawnSync('sh', ['-c', 'command -v ccache'], { encoding: 'utf8' });
  if (found.status !== 0) return {};
  // Paths under the clone hashed relative to it, the build folder not at
  // all: a clone in another folder hits the same entries.
  return { EM_COMPILER_WRAPPER: found.stdout.trim(), CCACHE_BASEDIR: repoRoot, CCACHE_NOHASHDIR: '1' };
}

// Step 1. Returns the directory holding natter.{core,voice}.{js,wasm}.
function buildWasm(env) {
  if (!existsSync(CLOSURE_COMPILER)) throw new Error(`${path.relative(repoRoot, CLOSURE_COMPILER)} missing: run npm run setup`);
  env = { ...env, EM_CLOSURE_COMPILER: CLOSURE_COMPILER, ...compilerWrapper(env) };
  const buildDir = path.join(repoRoot, 'build/wasm');
  if (!existsSync(path.join(buildDir, 'CMakeCache.txt'))) {
    run('emcmake', ['cmake', '-S', '.', '-B', 'build/wasm', '-DCMAKE_BUILD_TYPE=Release'], env);
  }
  run('cmake', ['--build', 'build/wasm', '-j2'], env);
  return path.join(buildDir, 'wasm');
}

// Step 2. Returns the core JS (the bundled shim) as a Buffer.
// files: the manifest entries of every other file ({key: {path, integrity}}).
async function bundleShim({ version, env, files }) {
  return bundleScript({
    entry: path.join(repoRoot, 'shim/boot.js'), banner: `/* natter ${version} */`,
    define: { __NATTER_ENV__: JSON.stringify(env), __NATTER_FILES__: JSON.stringify(files) },
  });
}

// One classic script (iife, es2020, minified, CSS literals too, in memory).
// plugins: more esbuild plugins (tools/bench/look-cost.mjs stubs modules).
export async function bundleScript({ entry, banner, define = {}, plugins = [] }) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    minify: true,
    write: false,
    plugins: [...plugins, minifyCssPlugin()],
    // An Emscripten glue's node-only branch requires these; it never runs in a browser.
    external: ['fs', 'path'],
    logLevel: 'warning',
    banner: { js: banner },
    define,
  });
  return Buffer.from(result.outputFiles[0].contents);
}

// bundleScript, where `import … from '<glueName>'` resolves to an
// Emscripten glue file (the voice module's).
export async function bundleWithGlue({ glueName, glue, plugins = [], ...rest }) {
  const resolveGlue = {
    name: glueName,
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${glueName}$`) }, () => ({ path: glue }));
    },
  };
  return bundleScript({ ...rest, plugins: [resolveGlue, ...plugins] });
}

// Step 2b. The voice worker (shim/voice/voice-worker.js) bundled with the
// natter.voice Emscripten glue: one classic worker script, shipped as
// voice_js (natter.voice.<hash>.js) and started only on the first call.
// It loads either codec build, voice_wasm (WASM SIMD) or voice_scalar_wasm
// (wasm/CMakeLists.txt), so their glue must be the same but for the name
// each would fetch by default (the worker always passes the URL).
async function bundleVoiceWorker(wasmOut, version) {
  const glue = (name) => readFileSync(path.join(wasmOut, `${name}.js`), 'utf8').replaceAll(`"${name}.wasm"`, '"<wasm>"');
  if (glue('natter.voice') !== glue('natter.voicescalar')) {
    throw new Error('natter.voice.js and natter.voicescalar.js differ: one voice worker cannot load both codec builds');
  }
  return bundleWithGlue({
    entry: path.join(repoRoot, 'shim/voice/voice-worker.js'),
    glueName: 'natter-voice-glue',
    glue: path.join(wasmOut, 'natter.voice.js'),
    banner: `/* natter voice ${version} */`,
  });
}

// Step 2c. The core frame: its script (the frame entry, bundled)
// and the page that runs it. The page has no inline script or style; it
// names the script by its hashed name and SRI hash, so the page's own hash
// covers the script's.
async function frameAssets(version) {
  const js = await bundleScript({
    entry: path.join(repoRoot, 'shim/frame/core-frame.js'),
    banner: `/* natter frame ${version} */`,
  });
  const jsName = `natter.frame.${sha256(js).slice(0, 12)}.js`;
  const html = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Natter chat engine</title>\n'
    + `<script src="${jsName}" integrity="${sri(js)}" crossorigin="anonymous"></script>\n</head></html>\n`;
  return [
    { key: 'core_frame_js', stem: 'natter.frame', ext: '.js', data: js },
    { key: 'core_frame_html', stem: 'natter.frame', ext: '.html', data: Buffer.from(html) },
  ];
}

// Step 2c. The voice frame: a page on the widget's origin that starts the
// voice worker for a page on another origin (a page may only start
// same-origin workers; shim/voice/voice-frame.js). The page names its
// script (SRI) and the worker's file (data-worker), so its own hash covers
// both.
async function voiceFrameAssets(voiceJs, version) {
  const result = await esbuild.build({
    entryPoints: [path.join(repoRoot, 'shim/voice/voice-frame.js')],
    bundle: true, format: 'iife', target: 'es2020', platform: 'browser', minify: true, write: false,
    logLevel: 'warning', banner: { js: `/* natter voice frame ${version} */` },
  });
  const js = Buffer.from(result.outputFiles[0].contents);
  const jsName = `natter.voiceframe.${sha256(js).slice(0, 12)}.js`;
  const workerName = `natter.voice.${sha256(voiceJs).slice(0, 12)}.js`;
  const html = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Natter voice</title>\n'
    + `<script src="${jsName}" integrity="${sri(js)}" crossorigin="anonymous" data-worker="${workerName}"></script>\n</head></html>\n`;
  return [
    { key: 'voice_frame_js', stem: 'natter.voiceframe', ext: '.js', data: js },
    { key: 'voice_frame_html', stem: 'natter.voiceframe', ext: '.html', data: Buffer.from(html) },
  ];
}

// Step 2c. Chunks of the core bundle that only some pages need: CHUNKS
// (chunks.mjs) names each, what it holds and when it is downloaded.

// voiceFiles: the bundled entries of the files only a call uses
// (VOICE_ONLY), which the voice runtime chunk carries as
// __NATTER_VOICE_FILES__ (shim/voice/voice-files.js) instead of the core bundle.
// The session UI chunk, built after the others, carries the entries of the
// chunks only it loads (SESSION_UI_ONLY) as __NATTER_SESSION_UI_FILES__
// (shim/session-ui/session-ui-files.js). name(asset): its hashed file name.
async function chunkAssets(voiceFiles, name) {
  const bundle = async ({ key, stem, entry }, define = {}) => {
    const result = await esbuild.build({
      entryPoints: [path.join(repoRoot, entry)],
      bundle: true, format: 'iife', target: 'es2020', platform: 'browser', minify: true, write: false,
      logLevel: 'warning', plugins: [minifyCssPlugin()], define,
    });
    return { key, stem, ext: '.js', data: Buffer.from(result.outputFiles[0].contents) };
  };
  const sessionUi = CHUNKS.find((c) => c.key === 'session_ui_js');
  const replyParts = CHUNKS.find((c) => c.key === 'reply_parts_js');
  const first = await Promise.all(CHUNKS.filter((c) => c !== sessionUi && c !== replyParts).map((c) => bundle(c,
    c.key === 'voice_runtime_js' ? { __NATTER_VOICE_FILES__: JSON.stringify(voiceFiles) } : {})));
  const sessionUiFiles = bundledEntries(first.filter((a) => SESSION_UI_ONLY(a.key)), name);
  const replyPartsFiles = bundledEntries(first.filter((a) => REPLY_PARTS_ONLY(a.key)), name);
  return [
    await bundle(sessionUi, { __NATTER_SESSION_UI_FILES__: JSON.stringify(sessionUiFiles) }),
    await bundle(replyParts, { __NATTER_REPLY_PARTS_FILES__: JSON.stringify(replyPartsFiles) }),
    ...first,
  ];
}

// What the core bundle carries of the other files (__NATTER_FILES__,
// shim/release-files.js). The browser checks SRI only where the widget
// fetches a file or adds a script tag; a Worker, an AudioWorklet module and
// an iframe take no integrity, so those entries carry their content-hashed
// path only, and the frames' scripts, which only the frame pages name, are
// left out: hashes no code could use cost the bundle ~300 B gzipped.
// (manifest.json keeps every entry with its hash.)
// The files only a call uses travel in the voice runtime chunk instead
// (chunkAssets): a first chat does not pay for their hashes (the core bundle
// as served: 25,754 -> 25,522 B with both codec builds' entries).
const PATH_ONLY = (key) => key === 'voice_js' || key.endsWith('_frame_html') || key.startsWith('worklet_');
const FRAME_ONLY = (key) => key === 'core_frame_js' || key === 'voice_frame_js';
const VOICE_ONLY = (key) => ['voice_js', 'voice_wasm', 'voice_scalar_wasm', 'voice_frame_html'].includes(key)
  || key.startsWith('worklet_');
// The chunks only the session UI chunk loads (a call's runtime, the continue
// sheet): it carries their entries, so a first chat does not pay for their
// hashes either.
const SESSION_UI_ONLY = (key) => key === 'voice_runtime_js' || key === 'continue_js';
// The chunk only the reply parts chunk loads (an answer's thumbs), likewise.
const REPLY_PARTS_ONLY = (key) => key === 'thumbs_js';
function bundledEntries(list, name) {
  return Object.fromEntries(list.filter((a) => !FRAME_ONLY(a.key)).map((a) => [
    a.key, PATH_ONLY(a.key) ? { path: name(a) } : { path: name(a), integrity: sri(a.data) },
  ]));
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
// SHA-256, the shortest hash SRI takes: the core bundle carries a hash for
// every file it may load, incompressible bytes of every first chat (44
// characters each instead of SHA-384's 64).
const sri = (buf) => `sha256-${createHash('sha256').update(buf).digest('base64')}`;

// Returns [{ key, stem, ext, data }] for every content-hashed file but core_js.
// The core .wasm ships in two parts (split-core.mjs), split once per
// transport (shim/boot.js coreParts picks the page's pair): core_wasm, what
// a first chat over HTTP calls, and core_rest_wasm, the rest; and
// core_session_wasm, what a first chat over the live session calls, and
// core_session_rest_wasm.
function collectAssets(wasmOut, voiceJs) {
  const whole = readFileSync(path.join(wasmOut, 'natter.core.wasm'));
  const http = splitCore(whole, { recordings: firstChatRecordings(FIRST_CHAT_DIR, 'http') });
  const session = splitCore(whole, { recordings: firstChatRecordings() });
  const assets = [
    { key: 'core_wasm', stem: 'natter.core', ext: '.wasm', data: http.first },
    { key: 'core_rest_wasm', stem: 'natter.corerest', ext: '.wasm', data: http.rest },
    { key: 'core_session_wasm', stem: 'natter.coresession', ext: '.wasm', data: session.first },
    { key: 'core_session_rest_wasm', stem: 'natter.coresessionrest', ext: '.wasm', data: session.rest },
    { key: 'voice_js', stem: 'natter.voice', ext: '.js', data: voiceJs },
    { key: 'voice_wasm', stem: 'natter.voice', ext: '.wasm', data: readFileSync(path.join(wasmOut, 'natter.voice.wasm')) },
    { key: 'voice_scalar_wasm', stem: 'natter.voicescalar', ext: '.wasm', data: readFileSync(path.join(wasmOut, 'natter.voicescalar.wasm')) },
  ];
  const workletDir = path.join(repoRoot, 'web/worklets');
  if (existsSync(workletDir)) {
    for (const file of readdirSync(workletDir).filter((f) => f.endsWith('.js')).sort()) {
      const name = path.basename(file, '.js').replace(/[^A-Za-z0-9_]/g, '_');
      assets.push({ key: `worklet_${name}`, stem: `worklet.${name}`, ext: '.js', data: readFileSync(path.join(workletDir, file)) });
    }
  }
  return assets;
}

// Step 3, catalogues. Returns [{ key, stem, ext, data }] for every
// shim/i18n/<locale>.js but en.js: plain data, so the file is CSP-safe JSON
// inside one call (no eval, no fetch).
async function catalogueAssets() {
  const dir = path.join(repoRoot, 'shim/i18n');
  if (!existsSync(dir)) return [];
  const out = [];
  for (const file of readdirSync(dir).filter((f) => /^[a-z]{2,3}\.js$/.test(f) && f !== 'en.js').sort()) {
    const locale = path.basename(file, '.js');
    const { default: table } = await import(pathToFileURL(path.join(dir, file)).href);
    const body = `window.natter&&window.natter.__i18n&&window.natter.__i18n(${JSON.stringify(locale)},${JSON.stringify(table)});\n`;
    out.push({ key: `i18n_${locale}`, stem: `i18n.${locale}`, ext: '.js', data: Buffer.from(body) });
  }
  return out;
}

// Step 5. Returns the minified loader, or null when web/loader.js is missing.
// `release` is a manifest, or a channel pointer {channel} for the stable
// loader of a release folder (tools/release/release.mjs). web/loader.js is
// an ES module: bundled with its imports into one classic script (iife);
// __NATTER_FOLLOWS_CHANNEL__ drops the channel resolution from a release's
// own loader.
export async function buildLoader(release) {
  const src = path.join(repoRoot, 'web/loader.js');
  if (!existsSync(src)) {
    warn('web/loader.js does not exist yet: dist/natter.js not written');
    return null;
  }
  const code = readFileSync(src, 'utf8');
  const count = code.split(PLACEHOLDER).length - 1;
  if (count !== 1) throw new Error(`web/loader.js must contain ${PLACEHOLDER} exactly once (found ${count})`);
  // A release's loader needs only core_js; the bundle carries the rest, and
  // its own env (__NATTER_ENV__): every byte counts against the 2 KiB.
  const slim = release.files
    ? { version: release.version, build: release.build, files: { core_js: release.files.core_js } } : release;
  const filled = code.replace(PLACEHOLDER, () => JSON.stringify(slim));
  const out = await esbuild.build({
    stdin: { contents: filled, resolveDir: path.dirname(src), sourcefile: 'loader.js' },
    bundle: true, write: false, format: 'iife', target: 'es2020', platform: 'browser', minify: true,
    define: { __NATTER_FOLLOWS_CHANNEL__: String(!release.files) },
    logLevel: 'warning',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

// A version names a folder of the release layout (release/v/<version>/).
export const VERSION_NAME = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;

export async function build({
  outDir = path.join(repoRoot, 'dist'),
  env = process.env.NATTER_ENV || 'development',
  version = process.env.NATTER_VERSION || JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version,
  wasm = true,
} = {}) {
  outDir = path.resolve(outDir);
  if (!ENVS.includes(env)) throw new Error(`env must be one of ${ENVS.join(', ')} (got ${JSON.stringify(env)})`);
  if (!VERSION_NAME.test(version)) throw new Error(`version ${JSON.stringify(version)} is not a valid name`);
  const procEnv = { ...process.env, NODE_PATH: '/usr/share/nodejs' };

  const wasmOut = wasm ? buildWasm(procEnv) : path.join(repoRoot, 'build/wasm/wasm');
  const voiceJs = await bundleVoiceWorker(wasmOut, version);
  const name = (a) => `${a.stem}.${sha256(a.data).slice(0, 12)}${a.ext}`;
  const built = [...collectAssets(wasmOut, voiceJs), ...(await voiceFrameAssets(voiceJs, version))];
  const others = [
    ...built,
    ...(await chunkAssets(bundledEntries(built.filter((a) => VOICE_ONLY(a.key)), name), name)),
    ...(await frameAssets(version)),
    ...(await catalogueAssets()),
  ];
  const entries = (list) => Object.fromEntries(list.map((a) => [a.key, { path: name(a), integrity: sri(a.data) }]));
  const coreJs = await bundleShim({
    version, env, files: bundledEntries(others.filter((a) => !VOICE_ONLY(a.key) && !SESSION_UI_ONLY(a.key) && !REPLY_PARTS_ONLY(a.key)), name),
  });
  const assets = [{ key: 'core_js', stem: 'natter.core', ext: '.js', data: coreJs }, ...others];

  const files = entries(assets);
  const buildHash = createHash('sha256');
  for (const a of assets) {
    a.name = name(a);
    buildHash.update(`${a.key}\0${sha256(a.data)}\n`);
  }
  const manifest = { version, env, build: buildHash.digest('hex').slice(0, 12), files };
  const loader = await buildLoader(manifest);

  // Write everything to a temp sibling, then swap it in for outDir.
  const tmp = `${outDir}.tmp-${process.pid}`;
  const old = `${outDir}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const written = [];
  const emit = (name, data) => {
    let gzipped = null; // the .gz sibling's size is the one logged (gzip -9, as the budgets)
    for (const [file, bytes] of withSiblings(name, data)) {
      writeFileSync(path.join(tmp, file), bytes);
      if (file === `${name}.gz`) gzipped = bytes.length;
    }
    written.push(`${name} ${kb(gzipped ?? gzipSync(data, { level: 9 }).length)}`);
  };
  if (loader) emit('natter.js', loader);
  for (const a of assets) emit(a.name, a.data);
  emit('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });

  console.log(`[build] ${path.relative(repoRoot, outDir) || outDir} (${env}, build ${manifest.build}, gzipped): ${written.join(', ')}`);
  return { outDir, manifest };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  build().catch((err) => {
    console.error(`[build] failed: ${err.message}`);
    process.exit(1);
  });
}
