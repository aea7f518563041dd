// Releases and channels (docs/deploying.md) in headless Chromium: two
// releases A and B published into one temporary release folder, served by
// the reference server (releaseDir). Pages embed the stable /natter.js and
// follow channel latest; promoting and rolling back changes what the NEXT
// page load runs, and no page ever fetches a file of the other release.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from '../../tools/bundle/build.mjs';
import { publish, promote, writeStableLoader, STABLE_LOADER_BUDGET } from '../../tools/release/release.mjs';
import { startStack, openStorefront } from './harness.mjs';

const A = '1.0.0-a';
const B = '1.1.0-b';
const work = mkdtempSync(path.join(tmpdir(), 'natter-releases-'));
const releaseDir = path.join(work, 'release');
const manifests = {};
let stack;

before(async () => {
  for (const version of [A, B]) {
    // wasm: false reuses build/wasm (npm run build made it); only the bundle differs.
    const { outDir, manifest } = await build({ outDir: path.join(work, version), version, wasm: false });
    manifests[version] = publish({ releaseDir, distDir: outDir });
    assert.equal(manifest.build, manifests[version].build);
  }
  await writeStableLoader({ releaseDir });
  promote({ releaseDir, version: A });
  const pinned = (attrs, src = '/natter.js') => `<!doctype html><html><head><meta charset="utf-8"><title>pinned</title>
    <script async src="${src}" data-endpoint="" ${attrs}></script></head><body><p>A pinned shop.</p></body></html>`;
  stack = await startStack({ server: { releaseDir } });
  // Shop pages that pin a release, on the reference server's origin.
  await stack.context.route(/\/shop\/pinned-(attr|query)\.html$/, (route) => route.fulfill({
    contentType: 'text/html',
    body: route.request().url().includes('attr') ? pinned(`data-version="${B}"`) : pinned('', `/natter.js?v=${B}`),
  }));
});

after(async () => {
  await stack?.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => stack.reset());

// Opens a page, the chat (so the core runs), and returns what it runs and fetched.
async function visit(pagePath = '/') {
  const s = await openStorefront(stack, { path: pagePath });
  await s.openChat();
  const running = await s.page.evaluate(() => window.natter('version'));
  const releaseFiles = () => s.requests.map((u) => new URL(u).pathname).filter((p) => p.startsWith('/v/'));
  return { s, running, releaseFiles };
}

function assertOnlyFrom(version, files) {
  assert.ok(files.some((p) => /\/natter\.core\.[0-9a-f]{12}\.js$/.test(p)), 'the core was loaded');
  assert.ok(files.some((p) => /\/natter\.core\.[0-9a-f]{12}\.wasm$/.test(p)), 'the wasm was loaded');
  const foreign = files.filter((p) => !p.startsWith(`/v/${version}/`));
  assert.deepEqual(foreign, [], `every release file comes from ${version}`);
}

const runs = (version) => ({ version, build: manifests[version].build });

test('the releases differ in their bundles, so a mix-up would show', () => {
  assert.notEqual(manifests[A].files.core_js.path, manifests[B].files.core_js.path);
  assert.notEqual(manifests[A].build, manifests[B].build);
});

test('promoting B moves the next page load to B; an open page stays on A; rollback moves back', async () => {
  promote({ releaseDir, version: A });
  const onA = await visit();
  assert.deepEqual(onA.running, runs(A));
  assertOnlyFrom(A, onA.releaseFiles());

  promote({ releaseDir, version: B });
  const onB = await visit();
  assert.deepEqual(onB.running, runs(B));
  assertOnlyFrom(B, onB.releaseFiles());
  // The page opened before the promotion keeps running A, and still works.
  assert.deepEqual(await onA.s.page.evaluate(() => window.natter('version')), runs(A));
  await onA.s.textarea.fill('do you have PS5 games?');
  await onA.s.sendButton.click();
  await onA.s.finishedReplies.first().waitFor();
  assertOnlyFrom(A, onA.releaseFiles());

  promote({ releaseDir, version: A }); // the rollback: one command, no change on the page
  const back = await visit();
  assert.deepEqual(back.running, runs(A));
  assertOnlyFrom(A, back.releaseFiles());
  for (const v of [onA, onB, back]) v.s.assertClean();
});

test('a page pinned with data-version or ?v= stays on its release whatever latest says', async () => {
  promote({ releaseDir, version: A });
  for (const page of ['/shop/pinned-attr.html', '/shop/pinned-query.html']) {
    const pinned = await visit(page);
    assert.deepEqual(pinned.running, runs(B), page);
    assertOnlyFrom(B, pinned.releaseFiles());
    assert.ok(!pinned.s.requests.some((u) => u.includes('/channels/')), 'a pin never reads the channel');
    pinned.s.assertClean();
  }
});

test('the server sends the documented cache headers', async () => {
  const get = async (p) => (await fetch(new URL(p, stack.server.url))).headers;
  const hashed = await get(`/v/${A}/${manifests[A].files.core_js.path}`);
  assert.equal(hashed.get('cache-control'), 'public, max-age=31536000, immutable');
  for (const p of ['/natter.js', '/channels/latest.json', `/v/${A}/natter.js`, `/v/${A}/manifest.json`]) {
    const h = await get(p);
    assert.equal(h.get('cache-control'), 'no-cache', p);
    assert.match(h.get('etag') ?? '', /^"/, p);
  }
});

// The product budget (docs/deploying.md). The bench reports every shipped
// file's size (tools/bench/sizes.mjs); this checks the one file only a
// release folder has: the channel-following stable loader.
test(`the stable loader stays under ${STABLE_LOADER_BUDGET} B gzipped`, (t) => {
  const gzipped = gzipSync(readFileSync(path.join(releaseDir, 'natter.js'))).length;
  t.diagnostic(`stable loader: ${gzipped} B gzipped`);
  assert.ok(gzipped <= STABLE_LOADER_BUDGET, `${gzipped} B`);
});
